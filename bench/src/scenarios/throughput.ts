// Throughput: autocannon at a fixed concurrency for a fixed time (after a discarded warm-up at the
// same concurrency, so scale-out happens before the measurement).
import type { BenchContext } from '../context.ts';
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
  if (ctx.opts.warmupSec > 0) {
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
    note: r.errors ? `non-2xx ${r.non2xx}, timeouts ${r.timeouts}${codes.length ? ` (${codes.join(', ')})` : ''}` : undefined,
  };
}
