// Opening the store: PostgreSQL through the `postgres` driver when DATABASE_URL is set, else an
// embedded PGlite database in <STRATUS_DATA_DIR>/pglite. Both give the same drizzle type, and both
// apply the committed migrations (control-plane/drizzle/) before anything else touches the store.
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StratusConfig } from '@stratus/common';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from './schema';
import { copyInPglite, copyInWith, noDelaySockets, type CopyIn } from './copy-in';

export type Schema = typeof schema;
/** The drizzle database both drivers give: use the query builder, not driver-specific results. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;

export interface OpenedDatabase {
  db: Database;
  driver: 'postgres' | 'pglite';
  /** Where the data lives, for logs (the URL without its password, or the PGlite folder). */
  location: string;
  /** Bulk loading with COPY (both drivers; stores given none insert instead). */
  copyIn?: CopyIn;
  close(): Promise<void>;
}

export const MIGRATIONS_FOLDER = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'drizzle');

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparsable url)';
  }
}

/**
 * Opens the store and migrates it. `config.databaseUrl` picks PostgreSQL; otherwise PGlite in
 * `<config.dataDir>/pglite` (created if missing). The caller owns the returned close().
 */
export async function openDatabase(config: Pick<StratusConfig, 'databaseUrl' | 'dataDir'>, opts: { migrate?: boolean } = {}): Promise<OpenedDatabase> {
  const migrateNow = opts.migrate ?? true;
  if (config.databaseUrl) {
    const { default: postgres } = await import('postgres');
    const { drizzle } = await import('drizzle-orm/postgres-js');
    const { migrate } = await import('drizzle-orm/postgres-js/migrator');
    // `socket` is an option the driver reads (connection.js, createSocket) but its types leave out.
    const options = { max: 10, onnotice: () => {}, socket: noDelaySockets() };
    const client = postgres(config.databaseUrl, options);
    const db = drizzle(client, { schema });
    try {
      if (migrateNow) await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
    } catch (err) {
      await client.end({ timeout: 1 });
      throw err;
    }
    return {
      db: db as unknown as Database,
      driver: 'postgres',
      location: redact(config.databaseUrl),
      copyIn: copyInWith(client),
      close: () => client.end({ timeout: 5 }),
    };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  const dir = path.join(config.dataDir, 'pglite');
  await fs.mkdir(dir, { recursive: true });
  const releaseLock = await lockDataDir(dir);
  const client = new PGlite(dir);
  try {
    await client.waitReady;
  } catch (err) {
    await releaseLock();
    throw err;
  }
  const db = drizzle(client, { schema });
  const close = async () => {
    await client.close();
    await releaseLock();
  };
  try {
    if (migrateNow) await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
  } catch (err) {
    await close();
    throw err;
  }
  return { db: db as unknown as Database, driver: 'pglite', location: dir, copyIn: copyInPglite(client), close };
}

/**
 * PGlite is one process's database: two processes opening the same folder corrupt it. A lock file
 * holding the owner's pid refuses a second opener while the first is alive (a stale one is taken over).
 */
async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  const lockFile = path.join(dir, '..', 'pglite.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await fs.writeFile(lockFile, String(process.pid), { flag: 'wx' });
      return () => fs.rm(lockFile, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(await fs.readFile(lockFile, 'utf8').catch(() => ''));
      if (owner && owner !== process.pid && isAlive(owner)) {
        throw new Error(`the PGlite database in ${dir} is in use by process ${owner} (another control plane?); stop it or set STRATUS_DATA_DIR`);
      }
      await fs.rm(lockFile, { force: true });
    }
  }
  throw new Error(`could not lock ${dir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
