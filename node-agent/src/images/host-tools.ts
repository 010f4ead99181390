// Running host programs (docker, debootstrap, apt-get, npm) from the image builder and the set-up
// scripts: one place that spawns, captures output and installs missing Debian packages.
import { spawn, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Data written to the program's stdin (then closed). Without it stdin is /dev/null. */
  input?: string | Buffer;
  /** Called with each complete output line (stdout and stderr), for progress display. */
  onLine?: (line: string) => void;
  /** Throw when the exit code is not 0 (default true). */
  check?: boolean;
  timeoutMs?: number;
}

export class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly result: RunResult,
  ) {
    const tail = (result.stderr || result.stdout).trim().split('\n').slice(-15).join('\n');
    super(`${command} exited with ${result.code}${tail ? `:\n${tail}` : ''}`);
    this.name = 'CommandError';
  }
}

/** Runs a program (no shell) and resolves with its exit code and output. */
export function runCommand(file: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const spawnOpts: SpawnOptions = {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    };
    // sbin folders are missing from some root PATHs (dockerd, debootstrap live there).
    const resolved = file.includes('/') ? file : (findCommand(file) ?? file);
    const child = spawn(resolved, args, spawnOpts);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    if (opts.timeoutMs) timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    const lineSplitter = (sink: Buffer[]) => {
      let pending = '';
      return (chunk: Buffer) => {
        sink.push(chunk);
        if (!opts.onLine) return;
        pending += chunk.toString('utf8');
        const lines = pending.split(/\r?\n|\r/);
        pending = lines.pop() ?? '';
        for (const line of lines) if (line.trim()) opts.onLine(line);
      };
    };
    child.stdout!.on('data', lineSplitter(out));
    child.stderr!.on('data', lineSplitter(err));
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      const result = {
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      };
      if (opts.check !== false && result.code !== 0) reject(new CommandError([file, ...args].join(' '), result));
      else resolve(result);
    });
    if (opts.input !== undefined) child.stdin!.end(opts.input);
  });
}

/** True when `name` is an executable on PATH (or in the sbin folders, which non-login root shells may miss). */
export function commandExists(name: string): boolean {
  return findCommand(name) !== undefined;
}

export function findCommand(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/local/sbin', '/usr/sbin', '/sbin', '/usr/bin', '/bin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

let aptUpdated = false;

/**
 * Installs Debian packages with apt-get (running `apt-get update` once per process first).
 * Needs root; without it, throws an error that says which packages to install by hand.
 */
export async function aptInstall(packages: string[], onLine?: (line: string) => void, opts: { startServices?: boolean } = {}): Promise<void> {
  if (packages.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`missing ${packages.join(', ')}: run as root, or install with: sudo apt-get install -y ${packages.join(' ')}`);
  }
  if (!commandExists('apt-get')) throw new Error(`missing ${packages.join(', ')} and no apt-get on this machine: install them by hand`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive', NEEDRESTART_MODE: 'a' };
  if (!aptUpdated) {
    // A source that cannot be reached fails `update` but often not the install that follows.
    const update = await runCommand('apt-get', ['update', '-q'], { env, onLine, timeoutMs: 10 * 60_000, check: false });
    if (update.code !== 0) onLine?.(`apt-get update exited with ${update.code}; trying the install anyway`);
    aptUpdated = true;
  }
  // Debian starts a package's service on install unless /usr/sbin/policy-rc.d says no (exit 101).
  const policy = '/usr/sbin/policy-rc.d';
  const blockStart = opts.startServices === false && !fs.existsSync(policy);
  if (blockStart) fs.writeFileSync(policy, '#!/bin/sh\n# written by Stratus set-up while installing; removed after\nexit 101\n', { mode: 0o755 });
  try {
    await runCommand('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...packages], { env, onLine, timeoutMs: 20 * 60_000 });
  } finally {
    if (blockStart) fs.rmSync(policy, { force: true });
  }
}

/** Makes sure each command exists, installing its Debian package when it does not. */
export async function ensureCommands(wanted: Record<string, string>, onLine?: (line: string) => void): Promise<string[]> {
  const missing = Object.entries(wanted).filter(([cmd]) => !commandExists(cmd));
  const packages = [...new Set(missing.map(([, pkg]) => pkg))];
  await aptInstall(packages, onLine);
  return packages;
}
