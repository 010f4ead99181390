// Folds invocation events, throttle counts and gateway overhead into roll-up accumulators keyed by
// resolution × bucket × function × agent × backend. Pure bookkeeping: the consumer decides when to
// write the accumulated deltas to the store (see rollup-store.ts).
import type { InvocationEvent, OverheadEvent, ThrottleEvent } from '@stratus/common';
import { LogHistogram } from './log-histogram';

/** 10 s (kept 24 h), 60 s and 300 s (kept 7 days): see RETENTION_MS in rollup-store.ts. */
export const RESOLUTIONS = [10, 60, 300] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

export interface RollupKey {
  resolutionSec: Resolution;
  bucket: Date;
  function: string;
  agentId: string;
  backend: string;
}

export interface RollupDelta extends RollupKey {
  invocations: number;
  errors: number;
  throttles: number;
  coldStarts: number;
  timeouts: number;
  errorsByType: Record<string, number>;
  durationSumMs: number;
  coldStartSumMs: number;
  gbSeconds: number;
  billedSeconds: number;
  overheadSumMs: number;
  overheadCount: number;
  latency: LogHistogram | undefined;
}

const SUCCESS = new Set(['ok', 'success', 'succeeded']);

/** How an invocation counts: success; a timeout (also an error); or another error, with its type. */
export function classify(r: Pick<InvocationEvent, 'status' | 'errorType'>): { error: boolean; timeout: boolean; errorType: string } {
  const status = (r.status || '').toLowerCase();
  if (SUCCESS.has(status)) return { error: false, timeout: false, errorType: '' };
  const timeout = status === 'timeout' || /timedout|timed out/i.test(r.errorType || '');
  return { error: true, timeout, errorType: r.errorType || status || 'Unknown' };
}

export function bucketOf(ms: number, resolutionSec: number): Date {
  const step = resolutionSec * 1000;
  return new Date(Math.floor(ms / step) * step);
}

function timeOf(iso: string | undefined, fallback: number): number {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isFinite(t) ? t : fallback;
}

export class RollupAggregator {
  private acc = new Map<string, RollupDelta>();

  get size(): number {
    return this.acc.size;
  }

  private get(resolutionSec: Resolution, atMs: number, fn: string, agentId: string, backend: string): RollupDelta {
    const bucket = bucketOf(atMs, resolutionSec);
    const k = `${resolutionSec}|${bucket.getTime()}|${fn}|${agentId}|${backend}`;
    let d = this.acc.get(k);
    if (!d) {
      d = {
        resolutionSec, bucket, function: fn, agentId, backend,
        invocations: 0, errors: 0, throttles: 0, coldStarts: 0, timeouts: 0, errorsByType: {},
        durationSumMs: 0, coldStartSumMs: 0, gbSeconds: 0, billedSeconds: 0, overheadSumMs: 0, overheadCount: 0,
        latency: undefined,
      };
      this.acc.set(k, d);
    }
    return d;
  }

  addInvocation(r: InvocationEvent, now = Date.now()): void {
    const at = timeOf(r.endedAt, timeOf(r.startedAt, now));
    const fn = r.function || 'unknown';
    const agent = r.agentId || 'unknown';
    const backend = r.backend || 'unknown';
    if ((r.status || '').toLowerCase() === 'throttled') {
      for (const res of RESOLUTIONS) this.get(res, at, fn, agent, backend).throttles++;
      return;
    }
    const c = classify(r);
    const billedSec = (r.billedMs || r.durationMs || 0) / 1000;
    for (const res of RESOLUTIONS) {
      const d = this.get(res, at, fn, agent, backend);
      d.invocations++;
      if (c.error) {
        d.errors++;
        d.errorsByType[c.errorType] = (d.errorsByType[c.errorType] ?? 0) + 1;
      }
      if (c.timeout) d.timeouts++;
      if (r.coldStart) {
        d.coldStarts++;
        d.coldStartSumMs += (r.startMs || 0) + (r.initMs || 0);
      }
      d.durationSumMs += r.durationMs || 0;
      d.gbSeconds += ((r.memoryMb || 128) / 1024) * billedSec;
      d.billedSeconds += billedSec;
      // overhead comes from the gateways' OverheadEvents (the agent cannot measure it)
      (d.latency ??= new LogHistogram()).recordMs(r.durationMs || 0);
    }
  }

  addThrottles(e: ThrottleEvent, now = Date.now()): void {
    for (const c of e.counts) {
      const at = timeOf(c.at, timeOf(e.at, now));
      for (const res of RESOLUTIONS) this.get(res, at, c.function || 'unknown', e.agentId || 'unknown', c.backend || 'unknown').throttles += c.count;
    }
  }

  addOverhead(e: OverheadEvent, now = Date.now()): void {
    for (const it of e.items) {
      const at = timeOf(it.at, timeOf(e.at, now));
      for (const res of RESOLUTIONS) {
        const d = this.get(res, at, it.function || 'unknown', it.agentId || 'unknown', it.backend || 'unknown');
        d.overheadSumMs += it.overheadMs;
        d.overheadCount++;
      }
    }
  }

  /** Takes everything accumulated so far (the aggregator starts empty again). */
  drain(): RollupDelta[] {
    const out = [...this.acc.values()];
    this.acc = new Map();
    return out;
  }
}
