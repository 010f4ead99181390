// What `stratus deploy DIR` sends: settings from flags over DIR/stratus.json over defaults, and the
// code of DIR as a zip (built by the shared code-archive module, so the archive rules are the same).
import fs from 'node:fs';
import path from 'node:path';
import { buildZip } from '@stratus/common/code-archive.ts';
import { StratusError } from '@stratus/common';

export interface DeploySettings {
  name: string;
  runtime?: string;
  handler?: string;
  memoryMb?: number;
  timeoutSec?: number;
  env?: Record<string, string>;
  backend?: string;
  maxConcurrency?: number;
  minWarm?: number;
  description?: string;
}

export interface DeployFlags {
  name?: string;
  runtime?: string;
  handler?: string;
  memory?: string;
  timeout?: string;
  env?: string[];
  backend?: string;
  concurrency?: string;
  'min-warm'?: string;
  description?: string;
}

/** Files never sent with the code. */
const SKIP = new Set(['.git', '.stratus', 'stratus.json', '.DS_Store']);

const usage = (field: string, message: string) => new StratusError('INVALID_ARGUMENT', `${field}: ${message}`, { field });

function int(field: string, value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n < 0) throw usage(field, `must be a non-negative integer, got ${JSON.stringify(value)}`);
  return n;
}

/** Reads DIR/stratus.json if present: { name, runtime, handler, memory|memoryMb, timeout|timeoutSec, env, backend, concurrency|maxConcurrency, minWarm, description }. */
export function readProjectFile(dir: string): Record<string, unknown> {
  const file = path.join(dir, 'stratus.json');
  if (!fs.existsSync(file)) return {};
  try {
    const value = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('not a JSON object');
    return value as Record<string, unknown>;
  } catch (err) {
    throw new StratusError('INVALID_JSON', `${file}: ${(err as Error).message}`, { field: 'stratus.json' });
  }
}

function parseEnvFlags(entries: string[] | undefined): Record<string, string> | undefined {
  if (!entries || entries.length === 0) return undefined;
  const env: Record<string, string> = {};
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq <= 0) throw usage('env', `expected KEY=VALUE, got ${JSON.stringify(entry)}`);
    env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}

export function deploySettings(dir: string, flags: DeployFlags): DeploySettings {
  const file = readProjectFile(dir);
  const pick = (...keys: string[]) => {
    for (const k of keys) if (file[k] !== undefined) return file[k];
    return undefined;
  };
  const fileEnv = pick('env');
  if (fileEnv !== undefined && (typeof fileEnv !== 'object' || Array.isArray(fileEnv) || fileEnv === null)) throw usage('env', 'stratus.json env must be an object');
  const env = { ...((fileEnv as Record<string, string> | undefined) ?? {}), ...(parseEnvFlags(flags.env) ?? {}) };
  const name = flags.name ?? (pick('name') as string | undefined) ?? path.basename(path.resolve(dir));
  return {
    name,
    runtime: flags.runtime ?? (pick('runtime') as string | undefined),
    handler: flags.handler ?? (pick('handler') as string | undefined),
    memoryMb: int('memory', flags.memory ?? pick('memory', 'memoryMb', 'memory_mb')),
    timeoutSec: int('timeout', flags.timeout ?? pick('timeout', 'timeoutSec', 'timeout_sec')),
    env: Object.keys(env).length > 0 ? env : undefined,
    backend: flags.backend ?? (pick('backend') as string | undefined),
    maxConcurrency: int('concurrency', flags.concurrency ?? pick('concurrency', 'maxConcurrency', 'max_concurrency')),
    minWarm: int('min-warm', flags['min-warm'] ?? pick('minWarm', 'min_warm')),
    description: flags.description ?? (pick('description') as string | undefined),
  };
}

/** Reads every file under dir (relative POSIX paths), skipping SKIP entries; symlinks are followed only inside dir. */
export function readCodeDir(dir: string): Record<string, Buffer> {
  const root = path.resolve(dir);
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) throw usage('DIR', `${dir} is not a directory`);
  const files: Record<string, Buffer> = {};
  const walk = (abs: string, rel: string) => {
    for (const entry of fs.readdirSync(abs, { withFileTypes: true })) {
      if (SKIP.has(entry.name)) continue;
      const childAbs = path.join(abs, entry.name);
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      let stat = entry.isSymbolicLink() ? fs.statSync(childAbs) : undefined;
      if (entry.isSymbolicLink()) {
        const real = fs.realpathSync(childAbs);
        if (real !== root && !real.startsWith(root + path.sep)) throw new StratusError('INVALID_CODE', `${childRel} links outside ${dir}`, { field: 'code' });
      }
      stat ??= fs.statSync(childAbs);
      if (stat.isDirectory()) walk(childAbs, childRel);
      else if (stat.isFile()) files[childRel] = fs.readFileSync(childAbs);
    }
  };
  walk(root, '');
  return files;
}

export async function zipDir(dir: string): Promise<Buffer> {
  return buildZip(readCodeDir(dir));
}
