// Mixed load: several functions on every backend at once (each autocannon connection cycles
// through all of them) for a fixed time; zero failures expected.
import type { PlatformContext } from '../context.ts';
import type { Fixture } from '../fixtures.ts';
import { deleteFunctions, deployFunction } from '../functions.ts';
import { runLoad } from '../load.ts';
import type { ResultRow } from '../types.ts';

export async function mixedLoad(ctx: PlatformContext, fixtures: Fixture[], backends: string[], concurrency: number, durationSec: number): Promise<ResultRow> {
  const fnNames: string[] = [];
  for (const fixture of fixtures) {
    for (const backend of backends) {
      const name = `bench-${ctx.runId}-mix-${fixture.id}-${backend}`;
      await deployFunction(ctx.platform, name, fixture, backend);
      fnNames.push(name);
    }
  }
  const urls = fnNames.map((n) => `${ctx.platform.gatewayUrl}/function/${encodeURIComponent(n)}`);
  const r = await runLoad({ urls, connections: concurrency, durationSec, onTick: (n) => ctx.progress.update(`${n} requests`) });
  ctx.progress.update('deleting the functions');
  await deleteFunctions(ctx.platform, fnNames);
  const codes = Object.entries(r.statusCodes).filter(([k]) => k !== '2xx').map(([k, v]) => `${k}: ${v}`);
  return {
    scenario: 'mixed', target: 'stratus', backend: backends.join('+'), fn: `${fnNames.length} functions`, runtime: 'mixed',
    metrics: ctx.platform.metrics ? 'on' : 'off', concurrency, durationSec, latency: r.latency, rps: r.rps,
    requests: r.requests, errors: r.errors,
    note: r.errors ? `non-2xx ${r.non2xx}, timeouts ${r.timeouts} (${codes.join(', ')})` : undefined,
  };
}
