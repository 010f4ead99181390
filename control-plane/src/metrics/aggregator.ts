// Folds invocation events, throttle counts and gateway overhead into roll-up accumulators keyed by
// resolution × bucket × function × agent × backend. Pure bookkeeping: the consumer decides when to
// write the accumulated deltas to the store (see rollup-store.ts).
import type { InvocationEvent, InvocationEventMs, OverheadEvent, OverheadItemMs, ThrottleEvent } from '@stratus/common';
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

/** Epoch ms of an event's time: a number as it is (the consumers' ms form), an ISO string parsed. */
function timeOf(t: string | number | undefined, fallback: number): number {
  const ms = typeof t === 'number' ? t : t ? Date.parse(t) : NaN;
  return Number.isFinite(ms) ? ms : fallback;
}

const FINEST = RESOLUTIONS[0];

function emptyDelta(resolutionSec: Resolution, bucket: Date, fn: string, agentId: string, backend: string): RollupDelta {
  return {
    resolutionSec, bucket, function: fn, agentId, backend,
    invocations: 0, errors: 0, throttles: 0, coldStarts: 0, timeouts: 0, errorsByType: {},
    durationSumMs: 0, coldStartSumMs: 0, gbSeconds: 0, billedSeconds: 0, overheadSumMs: 0, overheadCount: 0,
    latency: undefined,
  };
}

/** Adds `d`'s counts, sums and histogram to `into`. */
function addDelta(into: RollupDelta, d: RollupDelta): void {
  into.invocations += d.invocations;
  into.errors += d.errors;
  into.throttles += d.throttles;
  into.coldStarts += d.coldStarts;
  into.timeouts += d.timeouts;
  for (const [k, v] of Object.entries(d.errorsByType)) into.errorsByType[k] = (into.errorsByType[k] ?? 0) + v;
  into.durationSumMs += d.durationSumMs;
  into.coldStartSumMs += d.coldStartSumMs;
  into.gbSeconds += d.gbSeconds;
  into.billedSeconds += d.billedSeconds;
  into.overheadSumMs += d.overheadSumMs;
  into.overheadCount += d.overheadCount;
  if (d.latency && d.latency.total > 0) (into.latency ??= new LogHistogram()).merge(d.latency);
}

/**
 * Each event is folded once, into its 10 s bucket; drain() adds those up into the 60 s and 300 s
 * buckets (counts, sums and histograms all merge exactly). Folding each into all three, with a Date
 * and a key string each time, was a tenth of the control plane's CPU per stored record.
 */
export class RollupAggregator {
  private acc = new Map<string, RollupDelta>();
  // the bucket the last event went to: consecutive events of one agent's batch nearly always share it
  private last: RollupDelta | undefined;
  private lastStart = 0;
  private lastEnd = 0;

  get size(): number {
    return this.acc.size;
  }

  private get(atMs: number, fn: string, agentId: string, backend: string): RollupDelta {
    const l = this.last;
    if (l && atMs >= this.lastStart && atMs < this.lastEnd && l.function === fn && l.agentId === agentId && l.backend === backend) return l;
    const bucket = bucketOf(atMs, FINEST);
    const k = `${bucket.getTime()}|${fn}|${agentId}|${backend}`;
    let d = this.acc.get(k);
    if (!d) {
      d = emptyDelta(FINEST, bucket, fn, agentId, backend);
      this.acc.set(k, d);
    }
    this.last = d;
    this.lastStart = bucket.getTime();
    this.lastEnd = this.lastStart + FINEST * 1000;
    return d;
  }

  /** Folds an invocation event, its times as ISO strings (form 1) or epoch ms (InvocationEventMs). */
  addInvocation(r: InvocationEvent | InvocationEventMs, now = Date.now()): void {
    const at = timeOf(r.endedAt, timeOf(r.startedAt, now));
    const d = this.get(at, r.function || 'unknown', r.agentId || 'unknown', r.backend || 'unknown');
    if ((r.status || '').toLowerCase() === 'throttled') {
      d.throttles++;
      return;
    }
    const c = classify(r);
    const billedSec = (r.billedMs || r.durationMs || 0) / 1000;
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
    // The overhead is measured at the gateway: in the record when the gateway sent it back to the
    // agent in time (0: not in it), else in an OverheadEvent of its own (addOverhead), never both.
    if (r.overheadMs > 0) {
      d.overheadSumMs += r.overheadMs;
      d.overheadCount++;
    }
    (d.latency ??= new LogHistogram()).recordMs(r.durationMs || 0);
  }

  addThrottles(e: ThrottleEvent, now = Date.now()): void {
    for (const c of e.counts) {
      this.get(timeOf(c.at, timeOf(e.at, now)), c.function || 'unknown', e.agentId || 'unknown', c.backend || 'unknown').throttles += c.count;
    }
  }

  /** Folds a gateway's overhead items, their times as ISO strings (form 1) or epoch ms (overheadItemsMsOf). */
  addOverhead(items: readonly (OverheadEvent['items'][number] | OverheadItemMs)[], now = Date.now()): void {
    for (const it of items) {
      // An agent's overhead whose record never came has no function (gateways send them to agents
      // without it): stored by its request id, but in no roll-up.
      if (!it.function) continue;
      const d = this.get(timeOf(it.at, now), it.function, it.agentId || 'unknown', it.backend || 'unknown');
      d.overheadSumMs += it.overheadMs;
      d.overheadCount++;
    }
  }

  /** Takes everything accumulated so far, at every resolution (the aggregator starts empty again). */
  drain(): RollupDelta[] {
    const fine = [...this.acc.values()];
    this.acc = new Map();
    this.last = undefined;
    const out = [...fine];
    for (const res of RESOLUTIONS.slice(1)) {
      const coarse = new Map<string, RollupDelta>();
      for (const d of fine) {
        const bucket = bucketOf(d.bucket.getTime(), res);
        const k = `${bucket.getTime()}|${d.function}|${d.agentId}|${d.backend}`;
        let c = coarse.get(k);
        if (!c) {
          c = emptyDelta(res, bucket, d.function, d.agentId, d.backend);
          coarse.set(k, c);
        }
        addDelta(c, d);
      }
      out.push(...coarse.values());
    }
    return out;
  }
}
