// Aggregation of the live invocation stream into per-second statistics (pure, testable). The
// dashboard server feeds every event in (O(1) each) and closes one bucket per second; browsers get
// the closed buckets once a second, never one message per event.
import type { GaugeEvent } from '@stratus/common/events.ts';
import { RingBuffer, quantileSorted } from './ring.ts';

/** The fields of an invocation event the live views use (a subset of the Invocation record). */
export interface LiveInvocation {
  id: string;
  function: string;
  version: number;
  agentId: string;
  backend: string;
  runtime: string;
  status: string;
  errorType: string;
  errorMessage: string;
  coldStart: boolean;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  initMs: number;
  startMs: number;
  queueMs: number;
  maxMemoryMb: number;
  memoryMb: number;
  logs: string;
  logsTruncated: boolean;
}

export interface SecondStats {
  t: number; // unix seconds
  count: number;
  errors: number;
  cold: number;
  throttled: number;
  p50: number | null;
  p99: number | null;
  backends: Record<string, { count: number; errors: number; cold: number; p50: number | null; p99: number | null; memMb: number | null }>;
}

export interface FunctionLive {
  lastAt: string;
  /** invocations per minute for the last `minutes` minutes, oldest first, aligned to minuteStart. */
  perMinute: number[];
  errorsPerMinute: number[];
  minuteStart: number; // unix seconds of perMinute[0]
}

/** The latest gauges of one agent, as published on NATS (common/src/events.ts), without the schema tag. */
export type GaugeSnapshot = Omit<GaugeEvent, 'schema'>;

/** Sent to a browser once a second. */
export interface LiveTick {
  seconds: SecondStats[];
  invocations: LiveInvocation[]; // newest last, bounded
  dropped: number; // invocations not sent this tick (more than the bound)
  gauges: GaugeSnapshot[];
  connected: boolean; // whether the server reaches the metric stream
}

const SAMPLE_CAP = 4096; // durations kept per second for percentiles (a uniform reservoir beyond)

class Bucket {
  count = 0;
  errors = 0;
  cold = 0;
  throttled = 0;
  durations: number[] = [];
  seen = 0;
  byBackend = new Map<string, { count: number; errors: number; cold: number; durations: number[]; seen: number; memSum: number; memN: number }>();
}

function reservoirAdd(arr: number[], seen: number, v: number): void {
  if (arr.length < SAMPLE_CAP) arr.push(v);
  else {
    const j = Math.floor(Math.random() * seen);
    if (j < SAMPLE_CAP) arr[j] = v;
  }
}

const isError = (status: string) => status !== 'ok' && status !== 'throttled';

export class LiveStats {
  private current = new Bucket();
  private currentSec: number;
  readonly seconds: RingBuffer<SecondStats>;
  private functions = new Map<string, { lastAt: string; minutes: Map<number, { n: number; e: number }> }>();

  constructor(opts: { historySeconds?: number; nowSec?: number } = {}) {
    this.seconds = new RingBuffer(opts.historySeconds ?? 600);
    this.currentSec = opts.nowSec ?? Math.floor(Date.now() / 1000);
  }

  add(ev: Pick<LiveInvocation, 'function' | 'backend' | 'status' | 'coldStart' | 'durationMs' | 'endedAt' | 'maxMemoryMb'>): void {
    const b = this.current;
    b.count++;
    b.seen++;
    if (ev.status === 'throttled') b.throttled++;
    else if (isError(ev.status)) b.errors++;
    if (ev.coldStart) b.cold++;
    const d = Number(ev.durationMs);
    const hasDuration = ev.status !== 'throttled' && Number.isFinite(d);
    if (hasDuration) reservoirAdd(b.durations, b.seen, d);
    const key = ev.backend || 'unknown';
    let bb = b.byBackend.get(key);
    if (!bb) b.byBackend.set(key, (bb = { count: 0, errors: 0, cold: 0, durations: [], seen: 0, memSum: 0, memN: 0 }));
    bb.count++;
    bb.seen++;
    if (isError(ev.status)) bb.errors++;
    if (ev.coldStart) bb.cold++;
    if (hasDuration) reservoirAdd(bb.durations, bb.seen, d);
    if (ev.maxMemoryMb > 0) {
      bb.memSum += ev.maxMemoryMb;
      bb.memN++;
    }
    this.trackFunction(ev);
  }

  /** Per function, per minute (bounded to the last hour): also used to seed from stored records. */
  trackFunction(ev: Pick<LiveInvocation, 'function' | 'status' | 'endedAt'>): void {
    const endedMs = Date.parse(ev.endedAt);
    const at = Number.isFinite(endedMs) ? endedMs : Date.now();
    let f = this.functions.get(ev.function);
    if (!f) this.functions.set(ev.function, (f = { lastAt: '', minutes: new Map() }));
    const iso = new Date(at).toISOString();
    if (iso > f.lastAt) f.lastAt = iso;
    const minute = Math.floor(at / 60_000) * 60;
    let m = f.minutes.get(minute);
    if (!m) {
      f.minutes.set(minute, (m = { n: 0, e: 0 }));
      if (f.minutes.size > 61) {
        const oldest = Math.min(...f.minutes.keys());
        f.minutes.delete(oldest);
      }
    }
    m.n++;
    if (isError(ev.status)) m.e++;
  }

  /** Invocations a source left out (counted, without their details). */
  addDropped(n: number): void {
    this.current.count += n;
    this.current.seen += n;
  }

  /** Closes every whole second up to `nowSec` (exclusive) and returns the closed ones. */
  flush(nowSec: number = Math.floor(Date.now() / 1000)): SecondStats[] {
    const closed: SecondStats[] = [];
    while (this.currentSec < nowSec) {
      const b = this.current;
      const sorted = b.durations.sort((x, y) => x - y);
      const backends: SecondStats['backends'] = {};
      for (const [name, bb] of b.byBackend) {
        const s = bb.durations.sort((x, y) => x - y);
        backends[name] = {
          count: bb.count,
          errors: bb.errors,
          cold: bb.cold,
          p50: s.length ? quantileSorted(s, 0.5) : null,
          p99: s.length ? quantileSorted(s, 0.99) : null,
          memMb: bb.memN ? bb.memSum / bb.memN : null,
        };
      }
      const stats: SecondStats = {
        t: this.currentSec,
        count: b.count,
        errors: b.errors,
        cold: b.cold,
        throttled: b.throttled,
        p50: sorted.length ? quantileSorted(sorted, 0.5) : null,
        p99: sorted.length ? quantileSorted(sorted, 0.99) : null,
        backends,
      };
      this.seconds.push(stats);
      closed.push(stats);
      this.current = new Bucket();
      // a long gap (e.g. a suspended process): jump instead of emitting thousands of empty seconds
      if (nowSec - this.currentSec > this.seconds.capacity) this.currentSec = nowSec - this.seconds.capacity;
      else this.currentSec++;
    }
    return closed;
  }

  functionLive(name: string, minutes = 30, nowSec: number = Math.floor(Date.now() / 1000)): FunctionLive | undefined {
    const f = this.functions.get(name);
    if (!f) return undefined;
    const endMinute = Math.floor(nowSec / 60) * 60;
    const minuteStart = endMinute - (minutes - 1) * 60;
    const perMinute: number[] = [];
    const errorsPerMinute: number[] = [];
    for (let m = minuteStart; m <= endMinute; m += 60) {
      const v = f.minutes.get(m);
      perMinute.push(v?.n ?? 0);
      errorsPerMinute.push(v?.e ?? 0);
    }
    return { lastAt: f.lastAt, perMinute, errorsPerMinute, minuteStart };
  }

  functionNames(): string[] {
    return [...this.functions.keys()];
  }
}

/** Sums a window of seconds into rates for the headline numbers. */
export function summarize(seconds: SecondStats[]): { rate: number; errorRate: number; coldRate: number; p50: number | null; p99: number | null; count: number } {
  let count = 0;
  let errors = 0;
  let cold = 0;
  let p50Sum = 0;
  let p50W = 0;
  let p99 = null as number | null;
  for (const s of seconds) {
    count += s.count;
    errors += s.errors;
    cold += s.cold;
    if (s.p50 !== null && s.count) {
      p50Sum += s.p50 * s.count;
      p50W += s.count;
    }
    if (s.p99 !== null) p99 = p99 === null ? s.p99 : Math.max(p99, s.p99);
  }
  const n = Math.max(1, seconds.length);
  return {
    count,
    rate: count / n,
    errorRate: count ? errors / count : 0,
    coldRate: count ? cold / count : 0,
    // an approximation for the headline only (weighted median of medians; the charts show each second exactly)
    p50: p50W ? p50Sum / p50W : null,
    p99,
  };
}
