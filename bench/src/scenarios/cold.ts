// Cold start: the first invocation of a freshly deployed function (no container of it alive), with
// the pool warm (the agent's pre-warmed containers of that runtime and backend are all there), end
// to end over HTTP. Every function is deployed first; each is invoked once.
import type { PlatformContext } from '../context.ts';
import type { Fixture } from '../fixtures.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { deleteFunctions, deployFunction, invoke, waitForPrewarmed } from '../functions.ts';
import { getJson } from '../http-client.ts';
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
  const requestIds: Array<{ id: string; ms: number }> = [];
  for (const [i, name] of names.entries()) {
    ctx.progress.update(`${i}/${count} (waiting for the pool)`);
    if (!(await waitForPrewarmed(ctx.platform, fixture.runtime, backend, Math.max(1, ctx.prewarm)))) poolNotReady++;
    ctx.progress.update(`${i}/${count}`);
    const r = await invoke(ctx.platform, name);
    samples.push(r.ms);
    if (!r.ok) { errors++; lastError = `${r.status} ${r.body.slice(0, 200)}`; }
    if (r.cold) cold++;
    if (r.functionMs !== undefined) inits.push(r.functionMs);
    const id = r.headers['x-stratus-request-id'];
    if (typeof id === 'string' && id) requestIds.push({ id, ms: r.ms });
  }
  const breakdownP50 = await coldBreakdown(ctx, requestIds);
  ctx.progress.update('deleting the functions');
  await deleteFunctions(ctx.platform, names);
  const notes = [];
  if (poolNotReady) notes.push(`${poolNotReady} invocation(s) started before the pool had refilled`);
  if (cold < count) notes.push(`${count - cold} response(s) did not say X-Stratus-Cold-Start: true`);
  if (errors) notes.push(`last error: ${lastError}`);
  return {
    scenario: 'cold', target: 'stratus', backend, fn: fixture.id, runtime: fixture.runtime,
    metrics: ctx.platform.metrics ? 'on' : 'off', concurrency: 1, latency: summarize(samples),
    rps: 0, requests: count, errors, coldStarts: cold, breakdownP50,
    note: [...notes, breakdownP50 ? `records p50: ${Object.entries(breakdownP50).map(([k, v]) => `${k} ${v}`).join(', ')} ms` : ''].filter(Boolean).join('; ') || undefined,
  };
}

interface InvocationRecord { queueMs?: number; startMs?: number; initMs?: number; durationMs?: number; overheadMs?: number }

/**
 * Where a cold start's milliseconds go, from the invocation records the platform stored (queue wait,
 * container start or specialisation, handler init, the function itself, the rest at the gateway).
 * Undefined when the records are not available (metrics off, or the store lags).
 */
async function coldBreakdown(ctx: PlatformContext, requestIds: Array<{ id: string; ms: number }>): Promise<Record<string, number> | undefined> {
  if (!ctx.platform.metrics || requestIds.length === 0) return undefined;
  const fields: Array<keyof InvocationRecord> = ['queueMs', 'startMs', 'initMs', 'durationMs', 'overheadMs'];
  const values: Record<string, number[]> = Object.fromEntries(fields.map((f) => [f, []]));
  const rest: number[] = [];
  for (const { id, ms } of requestIds) {
    for (let attempt = 0; attempt < 10; attempt++) {
      const r = await getJson<InvocationRecord>(`${ctx.platform.gatewayUrl}/api/v1/invocations/${encodeURIComponent(id)}`).catch(() => undefined);
      if (r?.status === 200 && r.body) {
        for (const f of fields) if (typeof r.body[f] === 'number') values[f].push(r.body[f] as number);
        const b = r.body;
        rest.push(ms - (b.queueMs ?? 0) - (b.startMs ?? 0) - (b.initMs ?? 0) - (b.durationMs ?? 0));
        break;
      }
      await sleep(300);
    }
  }
  if (values.durationMs.length === 0) return undefined;
  const out: Record<string, number> = {};
  for (const f of fields) if (values[f].length) out[f.replace(/Ms$/, '')] = summarize(values[f]).p50;
  // End to end at the client minus what the agent accounted for: gateway, gRPC hops, placement.
  if (rest.length) out.unaccounted = summarize(rest).p50;
  return out;
}
