// The Backends page's benchmark: reads bench/results/latest.json and runs the quick benchmark
// (`npm run bench -- --quick` in the repository) as a child process, keeping its output bounded.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { RingBuffer } from '../ring.ts';

export function repoRoot(): string {
  if (process.env.STRATUS_REPO_ROOT) return process.env.STRATUS_REPO_ROOT;
  let dir = process.cwd();
  for (let i = 0; i < 6; i++) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        const j = JSON.parse(readFileSync(pkg, 'utf8')) as { workspaces?: unknown };
        if (j.workspaces) return dir;
      } catch {
        /* keep looking */
      }
    }
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return process.cwd();
}

export function latestResultsPath(): string {
  return process.env.STRATUS_BENCH_RESULTS ?? path.join(repoRoot(), 'bench', 'results', 'latest.json');
}

export async function readLatestResults(): Promise<{ path: string; mtime: string; json: unknown } | null> {
  const p = latestResultsPath();
  try {
    const [text, st] = await Promise.all([readFile(p, 'utf8'), stat(p)]);
    return { path: p, mtime: st.mtime.toISOString(), json: JSON.parse(text) };
  } catch {
    return null;
  }
}

export interface BenchJob {
  id: number;
  state: 'running' | 'done' | 'failed';
  startedAt: string;
  endedAt: string;
  exitCode: number | null;
  lines: string[];
  progress: number | null; // 0..1 when the output says so ("[3/10]" or "42%")
  phase: string;
}

let job: (BenchJob & { buf: RingBuffer<string>; child: ChildProcess | null }) | null = null;
let nextId = 1;

export function benchStatus(): BenchJob | null {
  if (!job) return null;
  const { buf, child: _child, ...rest } = job;
  return { ...rest, lines: buf.toArray() };
}

export function startQuickBench(): BenchJob {
  if (job?.state === 'running') return benchStatus() as BenchJob;
  const cmd = process.env.STRATUS_BENCH_COMMAND ?? 'npm run bench -- --quick';
  const child = spawn(cmd, { cwd: repoRoot(), shell: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } });
  const j = {
    id: nextId++,
    state: 'running' as BenchJob['state'],
    startedAt: new Date().toISOString(),
    endedAt: '',
    exitCode: null as number | null,
    lines: [],
    progress: null as number | null,
    phase: 'starting',
    buf: new RingBuffer<string>(400),
    child: child as ChildProcess | null,
  };
  job = j;
  let partial = '';
  const onData = (chunk: Buffer) => {
    const text = partial + chunk.toString('utf8');
    const parts = text.split(/\r?\n|\r/);
    partial = parts.pop() ?? '';
    for (const raw of parts) {
      const line = raw.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
      if (!line.trim()) continue;
      j.buf.push(line);
      const frac = /\[(\d+)\s*\/\s*(\d+)\]/.exec(line);
      const pct = /(\d{1,3}(?:\.\d+)?)\s*%/.exec(line);
      if (frac && Number(frac[2]) > 0) j.progress = Math.min(1, Number(frac[1]) / Number(frac[2]));
      else if (pct && Number(pct[1]) <= 100) j.progress = Number(pct[1]) / 100;
      j.phase = line.length > 120 ? line.slice(0, 117) + '…' : line;
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  child.on('error', (err) => {
    j.buf.push(`failed to start: ${err.message}`);
    j.state = 'failed';
    j.endedAt = new Date().toISOString();
  });
  child.on('close', (code) => {
    if (partial.trim()) j.buf.push(partial);
    j.exitCode = code;
    j.state = code === 0 ? 'done' : 'failed';
    if (code === 0) j.progress = 1;
    j.endedAt = new Date().toISOString();
    j.child = null;
  });
  return benchStatus() as BenchJob;
}

export function stopBench(): void {
  if (job?.child?.pid) {
    try {
      job.child.kill('SIGTERM');
    } catch {
      /* gone */
    }
  }
}
