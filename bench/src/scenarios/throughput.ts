// Throughput: autocannon at a fixed concurrency for a fixed time, after a discarded warm-up at the
// same concurrency. On Stratus the warm-up lasts until the function has scaled out (no container of
// the agent starting or specialising, two one-second slices within 10% of each other), so the
// figure is the steady state, not the ramp; how long the ramp took goes into the note.
import type { BenchContext, PlatformContext } from '../context.ts';
import { runLoad } from '../load.ts';
import type { ResultRow } from '../types.ts';

export interface ThroughputTarget {
  target: ResultRow['target'];
  backend: string;
  fn: string;
  runtime: string;
  metrics: ResultRow['metrics'];
  urls: string[];
}

export async function throughput(ctx: BenchContext, t: ThroughputTarget, concurrency: number, durationSec: number): Promise<ResultRow> {
  let rampNote = '';
  if ('platform' in ctx) {
    const ramp = await warmUntilSteady(ctx as PlatformContext, t.urls, concurrency, ctx.opts.quick ? 10 : 30);
    rampNote = `warm-up until steady: ${ramp.seconds} s${ramp.steady ? '' : ' (not steady: cut at the limit)'}`;
  } else if (ctx.opts.warmupSec > 0) {
    ctx.progress.update(`c=${concurrency} warm-up`);
    await runLoad({ urls: t.urls, connections: concurrency, durationSec: ctx.opts.warmupSec });
  }
  ctx.progress.update(`c=${concurrency} ${durationSec}s`);
  const r = await runLoad({
    urls: t.urls, connections: concurrency, durationSec,
    onTick: (n) => ctx.progress.update(`c=${concurrency}: ${n} requests`),
  });
  const codes = Object.entries(r.statusCodes).filter(([k]) => k !== '2xx').map(([k, v]) => `${k}: ${v}`);
  return {
    scenario: 'throughput', target: t.target, backend: t.backend, fn: t.fn, runtime: t.runtime, metrics: t.metrics,
    concurrency, durationSec, latency: r.latency, rps: r.rps, requests: r.requests, errors: r.errors,
    note: [rampNote, r.errors ? `non-2xx ${r.non2xx}, timeouts ${r.timeouts}${codes.length ? ` (${codes.join(', ')})` : ''}` : ''].filter(Boolean).join('; ') || undefined,
  };
}

/** Load in one-second slices until the pool has settled and throughput is flat (or maxSec). */
export async function warmUntilSteady(ctx: PlatformContext, urls: string[], concurrency: number, maxSec: number): Promise<{ seconds: number; steady: boolean }> {
  let previous = -1;
  for (let sec = 1; sec <= maxSec; sec++) {
    ctx.progress.update(`c=${concurrency} warm-up ${sec} s`);
    const r = await runLoad({ urls, connections: concurrency, durationSec: 1 });
    const status = await ctx.platform.agentStatus().catch(() => undefined);
    const settling = !status || status.containers.some((c) => c.state === 'starting' || c.state === 'specializing');
    if (!settling && previous > 0 && Math.abs(r.rps - previous) <= 0.1 * previous) return { seconds: sec, steady: true };
    previous = r.rps;
  }
  return { seconds: maxSec, steady: false };
}
