// Warm latency: sequential calls to a function whose container is already warm, end to end over HTTP.
import type { PlatformContext } from '../context.ts';
import type { Fixture } from '../fixtures.ts';
import { invoke } from '../functions.ts';
import { summarize } from '../stats.ts';
import type { ResultRow } from '../types.ts';

/** Sequential calls: `count` of them, or fewer when `maxSec` runs out first (slow functions under gVisor). */
export async function warmLatency(ctx: PlatformContext, fixture: Fixture, backend: string, fnName: string, count: number, maxSec = 15): Promise<ResultRow> {
  // Make it warm: the first call may be a cold start; a few more settle the connection and JIT.
  for (let i = 0; i < 5; i++) {
    const r = await invoke(ctx.platform, fnName);
    if (!r.ok) throw new Error(`warming ${fnName} failed with ${r.status}: ${r.body.slice(0, 300)}`);
  }
  const samples: number[] = [];
  const overheads: number[] = [];
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
    if (i % 50 === 0) ctx.progress.update(`${i}/${count}`);
  }
  const seconds = (performance.now() - started) / 1000;
  const n = samples.length;
  return {
    scenario: 'warm', target: 'stratus', backend, fn: fixture.id, runtime: fixture.runtime,
    metrics: ctx.platform.metrics ? 'on' : 'off', concurrency: 1, latency: summarize(samples),
    rps: Math.round((n / seconds) * 10) / 10, requests: n, errors, coldStarts: cold,
    overheadP50: overheads.length ? summarize(overheads).p50 : undefined,
    note: n < count ? `stopped after ${maxSec} s` : undefined,
  };
}
