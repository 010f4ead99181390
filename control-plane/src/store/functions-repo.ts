// Functions, their immutable numbered versions, and their content-addressed code, in the store.
// Callers validate settings and code first (common/validation.ts, common/code-archive.ts); this
// module only keeps the records consistent (version numbers under a row lock, shared code blobs).
import { StratusError } from '@stratus/common';
import type { FunctionSettings } from '@stratus/common/validation.ts';
import type { FunctionInput } from '@stratus/proto';
import { and, asc, desc, eq, inArray, like, notExists, sql } from 'drizzle-orm';
import type { Database } from './db';
import { codeBlobs, functions, functionVersions } from './schema';

/** Code ready to store: the archive and what inspecting it found. */
export interface StoredCode {
  zip: Buffer;
  sha256: string;
  size: number;
  files: number;
  unpackedBytes: number;
}

/** One version as the API shows it (the proto Function), with typed settings for callers. */
export interface FunctionRecord {
  spec: Required<Pick<FunctionInput, 'name' | 'version' | 'runtime' | 'handler' | 'memoryMb' | 'timeoutSec' | 'env' | 'maxConcurrency' | 'backend' | 'description' | 'codeSha256' | 'codeSize' | 'codeFiles' | 'createdAt' | 'updatedAt' | 'minWarm' | 'latestVersion'>>;
  settings: FunctionSettings;
}

const versionColumns = {
  name: functionVersions.functionName,
  version: functionVersions.version,
  runtime: functionVersions.runtime,
  handler: functionVersions.handler,
  memoryMb: functionVersions.memoryMb,
  timeoutSec: functionVersions.timeoutSec,
  env: functionVersions.env,
  maxConcurrency: functionVersions.maxConcurrency,
  backend: functionVersions.backend,
  description: functionVersions.description,
  minWarm: functionVersions.minWarm,
  codeSha256: functionVersions.codeSha256,
  versionCreatedAt: functionVersions.createdAt,
  codeSize: codeBlobs.size,
  codeFiles: codeBlobs.files,
  createdAt: functions.createdAt,
  latestVersion: functions.latestVersion,
};

type VersionRow = {
  name: string; version: number; runtime: string; handler: string; memoryMb: number; timeoutSec: number;
  env: Record<string, string>; maxConcurrency: number; backend: string; description: string; minWarm: number;
  codeSha256: string; versionCreatedAt: Date; codeSize: number; codeFiles: number; createdAt: Date; latestVersion: number;
};

function toRecord(row: VersionRow): FunctionRecord {
  const settings = {
    name: row.name, runtime: row.runtime, handler: row.handler, memoryMb: row.memoryMb, timeoutSec: row.timeoutSec,
    env: row.env ?? {}, maxConcurrency: row.maxConcurrency, backend: row.backend, description: row.description, minWarm: row.minWarm,
  } as FunctionSettings;
  return {
    settings,
    spec: {
      ...settings,
      version: row.version,
      codeSha256: row.codeSha256,
      codeSize: Number(row.codeSize),
      codeFiles: row.codeFiles,
      createdAt: new Date(row.createdAt).toISOString(),
      updatedAt: new Date(row.versionCreatedAt).toISOString(),
      latestVersion: row.latestVersion,
    },
  };
}

export const functionNotFound = (name: string, version?: number) =>
  new StratusError('FUNCTION_NOT_FOUND', version ? `function ${name} has no version ${version}` : `function ${name} not found`, { field: 'name' });

export class FunctionStore {
  constructor(private readonly db: Database) {}

  private selectVersions() {
    return this.db
      .select(versionColumns)
      .from(functionVersions)
      .innerJoin(functions, eq(functions.name, functionVersions.functionName))
      .innerJoin(codeBlobs, eq(codeBlobs.sha256, functionVersions.codeSha256));
  }

  /** Creates version 1. Throws ALREADY_EXISTS when the name is taken. */
  async create(settings: FunctionSettings, code: StoredCode): Promise<FunctionRecord> {
    await this.db.transaction(async (tx) => {
      const inserted = await tx.insert(functions).values({ name: settings.name, latestVersion: 1 }).onConflictDoNothing().returning({ name: functions.name });
      if (inserted.length === 0) {
        throw new StratusError('ALREADY_EXISTS', `function ${settings.name} already exists (update it instead)`, { field: 'name' });
      }
      await this.insertCode(tx as unknown as Database, code);
      await tx.insert(functionVersions).values({ ...this.versionValues(settings, code), functionName: settings.name, version: 1 });
    });
    return this.get(settings.name, 1);
  }

  /**
   * Adds the next version. The function's row is locked while numbering, so concurrent updates get
   * consecutive numbers. Throws FUNCTION_NOT_FOUND if the function was deleted meanwhile.
   */
  async addVersion(settings: FunctionSettings, code: StoredCode | { sha256: string }): Promise<FunctionRecord> {
    const version = await this.db.transaction(async (tx) => {
      const rows = await tx.select({ latest: functions.latestVersion }).from(functions).where(eq(functions.name, settings.name)).for('update');
      if (rows.length === 0) throw functionNotFound(settings.name);
      const next = rows[0].latest + 1;
      if ('zip' in code) await this.insertCode(tx as unknown as Database, code);
      await tx.insert(functionVersions).values({ ...this.versionValues(settings, code), functionName: settings.name, version: next });
      await tx.update(functions).set({ latestVersion: next, updatedAt: new Date() }).where(eq(functions.name, settings.name));
      return next;
    });
    return this.get(settings.name, version);
  }

  private versionValues(s: FunctionSettings, code: { sha256: string }) {
    return {
      runtime: s.runtime, handler: s.handler, memoryMb: s.memoryMb, timeoutSec: s.timeoutSec, env: s.env,
      maxConcurrency: s.maxConcurrency, backend: s.backend, description: s.description, minWarm: s.minWarm, codeSha256: code.sha256,
    };
  }

  private async insertCode(db: Database, code: StoredCode): Promise<void> {
    await db
      .insert(codeBlobs)
      .values({ sha256: code.sha256, data: code.zip, size: code.size, files: code.files, unpackedBytes: code.unpackedBytes })
      .onConflictDoNothing();
  }

  /** A version (0 or undefined: the latest). Throws FUNCTION_NOT_FOUND. */
  async get(name: string, version?: number): Promise<FunctionRecord> {
    const rows = await this.selectVersions()
      .where(and(eq(functionVersions.functionName, name), version ? eq(functionVersions.version, version) : eq(functionVersions.version, functions.latestVersion)))
      .limit(1);
    if (rows.length === 0) {
      if (version) {
        const exists = await this.db.select({ name: functions.name }).from(functions).where(eq(functions.name, name));
        throw functionNotFound(name, exists.length > 0 ? version : undefined);
      }
      throw functionNotFound(name);
    }
    return toRecord(rows[0] as VersionRow);
  }

  /** The latest version of every function (optionally by name prefix), by name. */
  async listLatest(prefix = ''): Promise<FunctionRecord[]> {
    const escaped = prefix.replace(/[\\%_]/g, (c) => `\\${c}`);
    const rows = await this.selectVersions()
      .where(and(eq(functionVersions.version, functions.latestVersion), prefix ? like(functions.name, `${escaped}%`) : undefined))
      .orderBy(asc(functions.name));
    return rows.map((r) => toRecord(r as VersionRow));
  }

  /** Every version of a function, newest first. Throws FUNCTION_NOT_FOUND. */
  async listVersions(name: string): Promise<FunctionRecord[]> {
    const rows = await this.selectVersions().where(eq(functionVersions.functionName, name)).orderBy(desc(functionVersions.version));
    if (rows.length === 0) throw functionNotFound(name);
    return rows.map((r) => toRecord(r as VersionRow));
  }

  /** Deletes a function with all its versions, and code no other version uses. Returns how many versions went. */
  async delete(name: string): Promise<number> {
    return this.db.transaction(async (tx) => {
      const versions = await tx.select({ sha: functionVersions.codeSha256 }).from(functionVersions).where(eq(functionVersions.functionName, name));
      const deleted = await tx.delete(functions).where(eq(functions.name, name)).returning({ name: functions.name });
      if (deleted.length === 0) throw functionNotFound(name);
      const shas = [...new Set(versions.map((v) => v.sha))];
      if (shas.length > 0) {
        await tx
          .delete(codeBlobs)
          .where(
            and(
              inArray(codeBlobs.sha256, shas),
              notExists(tx.select({ one: sql`1` }).from(functionVersions).where(eq(functionVersions.codeSha256, codeBlobs.sha256))),
            ),
          );
      }
      return versions.length;
    });
  }

  /** The code archive by sha256, or null. */
  async getCode(sha256: string): Promise<Buffer | null> {
    const rows = await this.db.select({ data: codeBlobs.data }).from(codeBlobs).where(eq(codeBlobs.sha256, sha256));
    return rows.length > 0 ? rows[0].data : null;
  }
}
