// Warm latency: sequential calls to a function whose container is already warm, end to end over HTTP.
import type { PlatformContext } from '../context.ts';
import type { Fixture } from '../fixtures.ts';
import { invoke, waitForPoolSettled } from '../functions.ts';
import { summarize } from '../stats.ts';
import type { ResultRow } from '../types.ts';

/**
 * Before the measured calls: the function's container warm (5 calls; the first may be a cold start),
 * the pool settled (the pre-warmed container that call took is replaced by a container start, which
 * takes CPU), then sequential calls that are not counted, as a benchmark harness warms up a JIT. On a
 * freshly started platform every part of a call (gateway, gRPC hop, agent, Runtime API) got faster
 * over its first 2,000-2,500 calls: the p50 of blocks of 500 fell from 1.46 to 0.75 ms (noop-py,
 * runc, 2026-11-28). A platform in service has long passed that; the note gives the first block's
 * p50 so the fresh platform's figure is not hidden. Ends after 2,500 calls or 8 s (200 or 2 s with --quick).
 */
const WARM_UP_BLOCK = 250;

export async function warmUp(ctx: PlatformContext, fnName: string): Promise<{ calls: number; firstBlockP50: number }> {
  const [calls, maxSec] = ctx.opts.quick ? [200, 2] : [2_500, 8];
  for (let i = 0; i < 5; i++) {
    const r = await invoke(ctx.platform, fnName);
    if (!r.ok) throw new Error(`warming ${fnName} failed with ${r.status}: ${r.body.slice(0, 300)}`);
  }
  await waitForPoolSettled(ctx.platform, 30_000);
  const first: number[] = [];
  const deadline = performance.now() + maxSec * 1000;
  let n = 0;
  for (; n < calls && performance.now() < deadline; n++) {
    const r = await invoke(ctx.platform, fnName);
    if (n < WARM_UP_BLOCK) first.push(r.ms);
    if (n % 250 === 0) ctx.progress.update(`warm-up ${n}/${calls}`);
  }
  return { calls: n, firstBlockP50: first.length ? summarize(first).p50 : Number.NaN };
}

/** Sequential calls after warmUp: `count` of them, or fewer when `maxSec` runs out first (slow functions under gVisor). */
export async function warmLatency(ctx: PlatformContext, fixture: Fixture, backend: string, fnName: string, count: number, maxSec = 15): Promise<ResultRow> {
  const warm = await warmUp(ctx, fnName);
  const samples: number[] = [];
  const overheads: number[] = [];
  const timings: { ms: number; parts: Record<string, number> }[] = [];
  let errors = 0;
  let cold = 0;
  const started = performance.now();
  const deadline = started + maxSec * 1000;
  for (let i = 0; i < count && performance.now() < deadline; i++) {
    const r = await invoke(ctx.platform, fnName);
    samples.push(r.ms);
    if (!r.ok) errors++;
    if (r.cold) cold++;
    if (r.functionMs !== undefined) overheads.push(r.ms - r.functionMs);
    if (r.timing?.total !== undefined) timings.push({ ms: r.ms, parts: { ...r.timing, client: r.ms - r.timing.total } });
    if (i % 50 === 0) ctx.progress.update(`${i}/${count}`);
  }
  const seconds = (performance.now() - started) / 1000;
  const n = samples.length;
  return {
    scenario: 'warm', target: 'stratus', backend, fn: fixture.id, runtime: fixture.runtime,
    metrics: ctx.platform.metrics ? 'on' : 'off', concurrency: 1, latency: summarize(samples),
    rps: Math.round((n / seconds) * 10) / 10, requests: n, errors, coldStarts: cold,
    overheadP50: overheads.length ? summarize(overheads).p50 : undefined,
    note: [warmUpNote(warm), n < count ? `stopped after ${maxSec} s` : '', timingNote(timings)].filter(Boolean).join('; ') || undefined,
  };
}

/** What the warm-up took, for a row's note. */
export function warmUpNote(w: { calls: number; firstBlockP50: number }): string {
  return `after ${w.calls} warm-up calls (p50 of the first ${Math.min(w.calls, WARM_UP_BLOCK)}: ${w.firstBlockP50.toFixed(2)} ms)`;
}

/** The parts of the gateway's Server-Timing, in path order, plus the client's side of the HTTP hop. */
const PARTS = ['client', 'gateway', 'hop', 'agent', 'queue', 'function'] as const;

/**
 * Where the time went: each part's p50 over all calls, and its mean over the slowest 1% of calls
 * (what the p99 is made of). "client" is end to end minus the gateway's total: the HTTP hop.
 */
export function timingNote(timings: { ms: number; parts: Record<string, number> }[]): string {
  if (timings.length === 0) return '';
  const p50 = PARTS.map((k) => `${k} ${summarize(timings.map((t) => t.parts[k] ?? 0)).p50.toFixed(3)}`);
  const slowest = [...timings].sort((a, b) => b.ms - a.ms).slice(0, Math.max(1, Math.round(timings.length / 100)));
  const mean = (k: string) => slowest.reduce((s, t) => s + (t.parts[k] ?? 0), 0) / slowest.length;
  const tail = PARTS.map((k) => `${k} ${mean(k).toFixed(2)}`);
  return `Server-Timing p50: ${p50.join(', ')} ms; slowest 1% (mean): ${tail.join(', ')} ms`;
}
