// Ingestion yields to serving. Storing invocation records and folding roll-ups costs the control
// plane and PostgreSQL CPU per invocation; on a host whose cores are saturated by invocations, that
// CPU comes out of the invocations themselves. So while the host's CPU is busy, and until it has
// been quiet for `quietMs`, the consumers wait before storing what they received, for at most
// `maxDeferMs` after the oldest waiting message was published: JetStream holds the backlog
// (durably) meanwhile. The consumers pull one message at a time while the host is busy (`busy()`)
// and none while one waits here, so NATS does not deliver the backlog to them meanwhile either:
// delivering it as it came cost the control plane and NATS more than the records' publishing.
// Past that age they store regardless, so a sustained saturation sees records at most that late,
// never lost and never unbounded. A small batch (under `smallBatchBytes`, 12 KiB: about a hundred
// records in the compact wire form, a few ms of CPU to store) never waits: it comes from a trickle
// of invocations, so what keeps the host busy is something else (stem cells booting after `npm
// start`, another program), and holding it back would only make the record late. The live stream and Prometheus counters do not
// go through here.
import { cpuBusyPercent, hostCpuTimes, type CpuTimes } from '@stratus/common';

/**
 * Whether a batch whose oldest message is lagMs old waits for a quieter host: while the host was at
 * least thresholdPercent busy within the last quietMs (msSinceBusy: since the last such reading;
 * undefined when there was none), and the batch is younger than maxDeferMs. A host under load reads
 * below the threshold now and then (waiting on I/O and wake-ups); without the quiet period, each
 * such reading let the consumers store: at one reading in seven (measured at c=32) they stored
 * nearly all the time.
 */
export function shouldDefer(p: { msSinceBusy: number | undefined; quietMs: number; lagMs: number; maxDeferMs: number; bytes?: number; smallBatchBytes?: number }): boolean {
  if (p.maxDeferMs <= 0 || p.msSinceBusy === undefined) return false;
  if (p.bytes !== undefined && p.bytes < (p.smallBatchBytes ?? 0)) return false;
  return p.msSinceBusy < p.quietMs && p.lagMs < p.maxDeferMs;
}

/**
 * Default of IngestGateOptions.smallBatchBytes: about a hundred no-op records of 96 bytes in the
 * compact wire form (common/src/event-wire.ts). It was 64 KiB for form 1's 577 bytes a record; left
 * there, a busy host's batches of compact records (256 of them: 25 KB) counted as small and were
 * stored during the load (npm run bench: control plane 24 and PostgreSQL 12 µs per request, against
 * 7 and 1).
 */
export const SMALL_BATCH_BYTES = 12 * 1024;

export interface IngestGateOptions {
  /** Longest a message waits for a quieter host after it was published (0: never wait). */
  maxDeferMs: number;
  /** Host CPU use (%) from which storing waits. */
  busyPercent: number;
  /** How long the host must stay under busyPercent before storing resumes (default 1000 ms). */
  quietMs?: number;
  /** A batch smaller than this (bytes of its messages) is admitted at once (default 12 KiB; 0: none). */
  smallBatchBytes?: number;
  /** How often the CPU is read while a consumer runs (default 100 ms; a read costs about 55 µs). */
  sampleMs?: number;
  /** For tests: the CPU reading (default: the host's, from @stratus/common). */
  readCpu?: () => CpuTimes | undefined;
}

export interface IngestGateStats {
  /** Batches that waited. */
  deferred: number;
  /** Total time batches waited (ms). */
  deferredMs: number;
  /** Age of the oldest message when its batch was let through, largest seen (ms). */
  maxLagMs: number;
}

export class IngestGate {
  readonly stats: IngestGateStats = { deferred: 0, deferredMs: 0, maxLagMs: 0 };
  private last: CpuTimes | undefined;
  private lastBusyAt: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly sampleMs: number;
  private readonly quietMs: number;
  private readonly smallBatchBytes: number;
  private readonly readCpu: () => CpuTimes | undefined;

  constructor(private readonly opts: IngestGateOptions) {
    this.sampleMs = opts.sampleMs ?? 100;
    this.quietMs = opts.quietMs ?? 1_000;
    this.smallBatchBytes = opts.smallBatchBytes ?? SMALL_BATCH_BYTES;
    this.readCpu = opts.readCpu ?? hostCpuTimes;
    if (opts.maxDeferMs > 0) {
      this.last = this.readCpu();
      this.timer = setInterval(() => this.sample(), this.sampleMs);
      this.timer.unref();
    }
  }

  private sample(): void {
    const cur = this.readCpu();
    const busy = cpuBusyPercent(this.last, cur);
    if (busy !== undefined && busy >= this.opts.busyPercent) this.lastBusyAt = Date.now();
    this.last = cur;
  }

  /** Whether the host was busy within the last quietMs (false when the gate never holds anything). */
  busy(): boolean {
    return !this.closed && this.opts.maxDeferMs > 0 && this.lastBusyAt !== undefined && Date.now() - this.lastBusyAt < this.quietMs;
  }

  /**
   * Resolves when a batch whose oldest message was published at oldestPublishedMs may be stored:
   * at once on a quiet host or when the batch's messages hold fewer than smallBatchBytes (bytes:
   * undefined counts as large), otherwise when the host has been quiet for quietMs or the batch is
   * maxDeferMs old. true: it went through because of its age while the host is still busy (a
   * backlog that has to be caught up: pull it in full batches, not one message at a time).
   */
  async admit(oldestPublishedMs: number, bytes?: number): Promise<boolean> {
    const started = Date.now();
    let waited = false;
    while (
      !this.closed &&
      shouldDefer({ msSinceBusy: this.lastBusyAt === undefined ? undefined : Date.now() - this.lastBusyAt, quietMs: this.quietMs, lagMs: Date.now() - oldestPublishedMs, maxDeferMs: this.opts.maxDeferMs, bytes, smallBatchBytes: this.smallBatchBytes })
    ) {
      waited = true;
      await new Promise((r) => setTimeout(r, this.sampleMs));
    }
    if (waited) {
      this.stats.deferred++;
      this.stats.deferredMs += Date.now() - started;
    }
    const lagMs = Date.now() - oldestPublishedMs;
    this.stats.maxLagMs = Math.max(this.stats.maxLagMs, lagMs);
    return lagMs >= this.opts.maxDeferMs && this.busy();
  }

  /** Stops reading the CPU; waiting batches go through (a closing consumer stores what it holds). */
  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}

/** A JetStream message's publication time (ms since the epoch), or now when it has none. */
export function publishedMs(msg: { info?: { timestampNanos?: number } }): number {
  const ns = msg.info?.timestampNanos;
  return typeof ns === 'number' && ns > 0 ? Math.floor(ns / 1e6) : Date.now();
}
