// Mixed load: several functions on every backend at once (each autocannon connection cycles
// through all of them) for a fixed time; zero failures expected.
import type { PlatformContext } from '../context.ts';
import { runLoad } from '../load.ts';
import type { ResultRow } from '../types.ts';

export async function mixedLoad(ctx: PlatformContext, fnNames: string[], backends: string[], concurrency: number, durationSec: number): Promise<ResultRow> {
  const urls = fnNames.map((n) => `${ctx.platform.gatewayUrl}/function/${encodeURIComponent(n)}`);
  const r = await runLoad({ urls, connections: concurrency, durationSec, onTick: (n) => ctx.progress.update(`${n} requests`) });
  const codes = Object.entries(r.statusCodes).filter(([k]) => k !== '2xx').map(([k, v]) => `${k}: ${v}`);
  return {
    scenario: 'mixed', target: 'stratus', backend: backends.join('+'), fn: `${fnNames.length} functions`, runtime: 'mixed',
    metrics: ctx.platform.metrics ? 'on' : 'off', concurrency, durationSec, latency: r.latency, rps: r.rps,
    requests: r.requests, errors: r.errors,
    note: r.errors ? `non-2xx ${r.non2xx}, timeouts ${r.timeouts} (${codes.join(', ')})` : undefined,
  };
}
