// Shared by the *.measure.ts scripts: a throw-away PostgreSQL database (or PGlite, or an existing
// database with --url), and timing a query as the median of several runs.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type OpenedDatabase } from '../src/store/db';

export const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};

export interface MeasureDb {
  opened: OpenedDatabase;
  /** true with --url: the rows are already there. */
  reuse: boolean;
  /** The time the rows were written relative to (--now with --url; printed with --keep). */
  now: number;
  close(): Promise<void>;
}

/** Flags: --pglite, --keep (leave the PostgreSQL database and print how to reuse it), --url URL --now MS. */
export async function openMeasureDb(prefix: string): Promise<MeasureDb> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  const keep = process.argv.includes('--keep');
  let url = arg('--url');
  const reuse = url !== undefined;
  let drop = async () => {};
  if (!reuse && !process.argv.includes('--pglite')) {
    const { default: postgres } = await import('postgres');
    const name = `${prefix.replace(/-/g, '_')}_${randomBytes(3).toString('hex')}`;
    const admin = postgres('postgres://postgres@127.0.0.1:5432/postgres', { max: 1, onnotice: () => undefined });
    await admin.unsafe(`CREATE DATABASE "${name}"`);
    url = `postgres://postgres@127.0.0.1:5432/${name}`;
    drop = async () => {
      if (!keep) await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    };
  }
  const now = reuse ? Number(arg('--now')) || Date.now() : Date.now();
  if (keep && url) console.log(`database kept: --url ${url} --now ${now}`);
  const opened = await openDatabase({ databaseUrl: url, dataDir: tmp });
  return {
    opened,
    reuse,
    now,
    async close() {
      await opened.close();
      await drop();
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/** Runs fn once to warm up, then --runs times (default 9); prints the median and the max. */
export async function timeIt<T>(label: string, fn: () => Promise<T>, describe?: (result: T) => string): Promise<void> {
  const runs = Number(arg('--runs')) || 9;
  const result = await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  console.log(`${label}: median ${times[Math.floor(runs / 2)].toFixed(1)} ms, max ${times[runs - 1].toFixed(1)} ms${describe ? ` (${describe(result)})` : ''}`);
}

export function loadLine(): string {
  return `load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`;
}
