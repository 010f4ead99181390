// The naive platform: one `docker run --rm` of the same runtime image per invocation, doing the same
// work (the handler called once), per backend. Also the bare container start (`/bin/true`).
import { performance } from 'node:perf_hooks';
import { run, ociRuntime } from '../docker.ts';
import { oneShotCommand, type Fixture } from '../fixtures.ts';
import type { BenchBackend } from '../options.ts';
import { summarize } from '../stats.ts';
import type { ResultRow } from '../types.ts';

export interface DockerRunContext {
  image: string;
  backend: BenchBackend;
  label: string;             // every container the benchmark starts carries it
  memoryMb: number;
  onSample?: (i: number, ms: number) => void;
}

function baseArgs(ctx: DockerRunContext): string[] {
  return ['run', '--rm', '--label', ctx.label, '--runtime', ociRuntime(ctx.backend), '--network', 'none',
    '--memory', `${ctx.memoryMb}m`, '--memory-swap', `${ctx.memoryMb}m`, '--user', '1000:1000'];
}

/** n sequential `docker run --rm IMAGE <one invocation of the handler>`; latency is the wall time of each. */
export async function dockerRunBaseline(fixture: Fixture, codeDir: string, n: number, ctx: DockerRunContext): Promise<ResultRow> {
  const { entrypoint, args } = oneShotCommand(fixture);
  const samples: number[] = [];
  let errors = 0;
  let lastError = '';
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const r = await run('docker', [...baseArgs(ctx), '-v', `${codeDir}:/var/task:ro`, '--entrypoint', entrypoint, ctx.image, ...args], { timeoutMs: 60_000 });
    const ms = performance.now() - t0;
    if (r.code !== 0 || !r.stdout.includes('"ok"')) {
      errors++;
      lastError = (r.stderr || r.stdout).trim().split('\n').slice(-1)[0] ?? '';
    }
    samples.push(ms);
    ctx.onSample?.(i, ms);
  }
  const total = (performance.now() - started) / 1000;
  return {
    scenario: 'baseline', target: 'docker-run', backend: ctx.backend, fn: fixture.id, runtime: fixture.runtime,
    metrics: '-', concurrency: 1, latency: summarize(samples), rps: round2(n / total), requests: n, errors,
    note: errors ? `last error: ${lastError.slice(0, 200)}` : undefined,
  };
}

/** Container start: `docker run --rm IMAGE /bin/true` (create, start, exit, remove), no interpreter. */
export async function containerStart(image: string, runtime: string, n: number, ctx: DockerRunContext): Promise<ResultRow> {
  const samples: number[] = [];
  let errors = 0;
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const r = await run('docker', [...baseArgs(ctx), '--entrypoint', '/bin/true', image], { timeoutMs: 60_000 });
    samples.push(performance.now() - t0);
    if (r.code !== 0) errors++;
    ctx.onSample?.(i, samples[samples.length - 1]);
  }
  const total = (performance.now() - started) / 1000;
  return {
    scenario: 'container-start', target: 'docker-run', backend: ctx.backend, fn: runtime, runtime, metrics: '-',
    concurrency: 1, latency: summarize(samples), rps: round2(n / total), requests: n, errors,
  };
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}
