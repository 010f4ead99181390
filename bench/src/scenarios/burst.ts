// Burst: N concurrent first invocations spread over F freshly deployed functions (none invoked
// before), all sent at once. Every one must succeed; p50 and p99 of the burst are reported.
import type { PlatformContext } from '../context.ts';
import type { Fixture } from '../fixtures.ts';
import { deleteFunctions, deployFunction, invoke, waitForPrewarmed, type Invocation } from '../functions.ts';
import { summarize } from '../stats.ts';
import type { ResultRow } from '../types.ts';

export async function burst(ctx: PlatformContext, fixtures: Fixture[], backend: string, functions: number, requests: number): Promise<ResultRow> {
  const noops = fixtures.filter((f) => f.noop);
  const pick = noops.length ? noops : fixtures;
  const fns = Array.from({ length: functions }, (_, i) => ({ name: `bench-${ctx.runId}-burst-${backend}-${i}`, fixture: pick[i % pick.length] }));
  ctx.progress.update(`deploying ${functions} functions`);
  for (const f of fns) await deployFunction(ctx.platform, f.name, f.fixture, backend, Math.max(10, Math.ceil(requests / functions)));
  for (const rt of new Set(pick.map((f) => f.runtime))) await waitForPrewarmed(ctx.platform, rt, backend, Math.max(1, ctx.prewarm));
  ctx.progress.update(`${requests} concurrent requests`);
  const started = performance.now();
  const results = await Promise.all(Array.from({ length: requests }, (_, i) =>
    invoke(ctx.platform, fns[i % fns.length].name).catch((err: Error): Invocation => ({
      ok: false, cold: false, functionMs: undefined, timing: undefined, status: 0, ms: performance.now() - started, headers: {}, body: err.message,
    }))));
  const seconds = (performance.now() - started) / 1000;
  ctx.progress.update('deleting the functions');
  await deleteFunctions(ctx.platform, fns.map((f) => f.name));
  const failed = results.filter((r) => !r.ok);
  const byStatus: Record<string, number> = {};
  for (const r of failed) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
  return {
    scenario: 'burst', target: 'stratus', backend, fn: pick.map((f) => f.id).join('+'), runtime: [...new Set(pick.map((f) => f.runtime))].join('+'),
    metrics: ctx.platform.metrics ? 'on' : 'off', concurrency: requests, latency: summarize(results.map((r) => r.ms)),
    rps: Math.round((requests / seconds) * 10) / 10, requests, errors: failed.length, coldStarts: results.filter((r) => r.cold).length,
    note: `${functions} functions${failed.length ? `; failures by status ${JSON.stringify(byStatus)}: ${failed[0].body.slice(0, 160)}` : ''}`,
  };
}
