// Deploying and invoking benchmark functions through the gateway's REST API (what users call).
import { setTimeout as sleep } from 'node:timers/promises';
import { parseServerTiming } from '@stratus/common/server-timing.ts';
import type { Fixture } from './fixtures.ts';
import { request, sendJson, type TimedResponse } from './http-client.ts';
import type { BenchPlatform } from './platform.ts';

/** memory_mb of every benchmark function (Lambda's smallest size by default; --memory changes it). */
export let FUNCTION_MEMORY_MB = 128;
export function setFunctionMemoryMb(mb: number): void {
  FUNCTION_MEMORY_MB = mb;
}
/** The platform's default max_concurrency: a function scales out to at most this many containers. */
export const FUNCTION_MAX_CONCURRENCY = 10;

/** minWarm: containers the platform keeps specialised for the function (provisioned concurrency). */
export async function deployFunction(p: BenchPlatform, name: string, fixture: Fixture, backend: string, maxConcurrency = FUNCTION_MAX_CONCURRENCY, memoryMb = FUNCTION_MEMORY_MB, minWarm = 0): Promise<void> {
  const body = {
    name, runtime: fixture.runtime, handler: fixture.handler, files: fixture.files, memoryMb,
    timeoutSec: 30, backend, maxConcurrency, minWarm, description: `stratus bench ${fixture.id}`,
  };
  const r = await sendJson('POST', `${p.gatewayUrl}/api/v1/functions`, body);
  if (r.status !== 201 && r.status !== 200) throw new Error(`deploying ${name} answered ${r.status}: ${r.text.slice(0, 300)}`);
}

/**
 * Deletes benchmark functions and waits (bounded) until the agent holds none of their containers, so
 * one cell's scaled-out containers do not weigh on the next measurement.
 */
export async function deleteFunctions(p: BenchPlatform, names: string[], timeoutMs = 30_000): Promise<void> {
  for (const name of names) {
    const r = await request(`${p.gatewayUrl}/api/v1/functions/${encodeURIComponent(name)}`, { method: 'DELETE' }).catch((err: Error) => ({ status: 0, body: err.message }));
    if (r.status !== 200 && r.status !== 204 && r.status !== 404) throw new Error(`deleting ${name} answered ${r.status}: ${r.body.slice(0, 200)}`);
  }
  const set = new Set(names);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const status = await p.agentStatus().catch(() => undefined);
    if (status && !status.containers.some((c) => set.has(c.function))) return;
    await sleep(250);
  }
}

export interface Invocation extends TimedResponse {
  ok: boolean;
  cold: boolean;
  functionMs: number | undefined;
  /** The gateway's Server-Timing parts in ms (gateway, hop, agent, queue, start, init, function, total). */
  timing: Record<string, number> | undefined;
}

export async function invoke(p: BenchPlatform, name: string, payload = '{}'): Promise<Invocation> {
  const r = await request(`${p.gatewayUrl}/function/${encodeURIComponent(name)}`, { body: payload, timeoutMs: 60_000 });
  const durationHeader = r.headers['x-stratus-duration-ms'];
  const functionMs = durationHeader !== undefined ? Number(durationHeader) : undefined;
  const timingHeader = r.headers['server-timing'];
  return {
    ...r, ok: r.status === 200, cold: r.headers['x-stratus-cold-start'] === 'true', functionMs: Number.isFinite(functionMs) ? functionMs : undefined,
    timing: typeof timingHeader === 'string' ? parseServerTiming(timingHeader) : undefined,
  };
}

/**
 * Waits until the agent holds at least `want` pre-warmed containers of this runtime and backend
 * ("the pool warm"). Returns false when that did not happen within the timeout.
 */
export async function waitForPrewarmed(p: BenchPlatform, runtime: string, backend: string, want: number, timeoutMs = 20_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const status = await p.agentStatus();
      const n = status.containers.filter((c) => c.runtime === runtime && c.backend === backend && c.state === 'prewarmed').length;
      if (n >= want) return true;
    } catch {
      // the agent may be busy; try again
    }
    await sleep(100);
  }
  return false;
}

/**
 * Waits until the agent has started its pre-warmed pool (no container starting or being removed for
 * a second): a measurement taken while dozens of stem cells, gVisor sandboxes among them, are still
 * being created would charge their CPU to whichever function is measured first.
 */
export async function waitForPoolSettled(p: BenchPlatform, timeoutMs = 90_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let quietSince = 0;
  while (Date.now() < deadline) {
    try {
      const status = await p.agentStatus();
      const busy = status.containers.some((c) => c.state === 'starting' || c.state === 'removing');
      if (busy || status.containers.length === 0) quietSince = 0;
      else if (!quietSince) quietSince = Date.now();
      else if (Date.now() - quietSince >= 1_000) return true;
    } catch {
      quietSince = 0; // the agent may be busy; try again
    }
    await sleep(200);
  }
  return false;
}

/** The docker container id serving a function (the most recently used idle or busy one). */
export async function containerOf(p: BenchPlatform, fnName: string): Promise<string | undefined> {
  const status = await p.agentStatus();
  const mine = status.containers.filter((c) => c.function === fnName && (c.state === 'idle' || c.state === 'busy'));
  mine.sort((a, b) => (b.lastUsedAt || '').localeCompare(a.lastUsedAt || ''));
  return mine[0]?.id;
}

/** Waits (bounded) until the agent holds exactly `count` containers of the function; whether it did. */
export async function waitForContainers(p: BenchPlatform, name: string, count: number, timeoutMs = 60_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const status = await p.agentStatus().catch(() => undefined);
    const held = status?.containers.filter((c) => c.function === name && (c.state === 'idle' || c.state === 'busy')).length;
    if (held === count) return true;
    await sleep(250);
  }
  return false;
}
