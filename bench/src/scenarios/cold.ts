// Cold start: the first invocation of a freshly deployed function (no container of it alive), with
// the pool warm (the agent's pre-warmed containers of that runtime and backend are all there), end
// to end over HTTP. Every function is deployed first; each is invoked once.
import type { PlatformContext } from '../context.ts';
import type { Fixture } from '../fixtures.ts';
import { deleteFunctions, deployFunction, invoke, waitForPrewarmed } from '../functions.ts';
import { summarize } from '../stats.ts';
import type { ResultRow } from '../types.ts';

export async function coldStart(ctx: PlatformContext, fixture: Fixture, backend: string, count: number): Promise<ResultRow> {
  const names = Array.from({ length: count }, (_, i) => `bench-${ctx.runId}-cold-${fixture.id}-${backend}-${i}`);
  for (const name of names) await deployFunction(ctx.platform, name, fixture, backend);
  const samples: number[] = [];
  const inits: number[] = [];
  let errors = 0;
  let cold = 0;
  let poolNotReady = 0;
  let lastError = '';
  for (const [i, name] of names.entries()) {
    ctx.progress.update(`${i}/${count} (waiting for the pool)`);
    if (!(await waitForPrewarmed(ctx.platform, fixture.runtime, backend, Math.max(1, ctx.prewarm)))) poolNotReady++;
    ctx.progress.update(`${i}/${count}`);
    const r = await invoke(ctx.platform, name);
    samples.push(r.ms);
    if (!r.ok) { errors++; lastError = `${r.status} ${r.body.slice(0, 200)}`; }
    if (r.cold) cold++;
    if (r.functionMs !== undefined) inits.push(r.functionMs);
  }
  ctx.progress.update('deleting the functions');
  await deleteFunctions(ctx.platform, names);
  const notes = [];
  if (poolNotReady) notes.push(`${poolNotReady} invocation(s) started before the pool had refilled`);
  if (cold < count) notes.push(`${count - cold} response(s) did not say X-Stratus-Cold-Start: true`);
  if (errors) notes.push(`last error: ${lastError}`);
  return {
    scenario: 'cold', target: 'stratus', backend, fn: fixture.id, runtime: fixture.runtime,
    metrics: ctx.platform.metrics ? 'on' : 'off', concurrency: 1, latency: summarize(samples),
    rps: 0, requests: count, errors, coldStarts: cold, note: notes.length ? notes.join('; ') : undefined,
  };
}
