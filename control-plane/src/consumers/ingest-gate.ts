// Ingestion yields to serving. Storing invocation records and folding roll-ups costs the control
// plane and PostgreSQL CPU per invocation; on a host whose cores are saturated by invocations, that
// CPU comes out of the invocations themselves. So while the host's CPU is busy, the consumers wait
// before storing what they received, for at most `maxDeferMs` after the oldest waiting message was
// published: JetStream holds the backlog (durably) meanwhile, and the consumers stop pulling more.
// Past that age they store regardless, so a sustained saturation sees records at most that late,
// never lost and never unbounded. The live stream and Prometheus counters do not go through here.
import { cpuBusyPercent, hostCpuTimes, type CpuTimes } from '@stratus/common';

/**
 * Whether a batch whose oldest message is lagMs old waits for a quieter host: only while the host is
 * at least thresholdPercent busy and the batch is younger than maxDeferMs. An unknown CPU reading
 * never defers.
 */
export function shouldDefer(p: { busyPercent: number | undefined; thresholdPercent: number; lagMs: number; maxDeferMs: number }): boolean {
  if (p.maxDeferMs <= 0 || p.busyPercent === undefined) return false;
  return p.busyPercent >= p.thresholdPercent && p.lagMs < p.maxDeferMs;
}

export interface IngestGateOptions {
  /** Longest a message waits for a quieter host after it was published (0: never wait). */
  maxDeferMs: number;
  /** Host CPU use (%) from which storing waits. */
  busyPercent: number;
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
  private busy: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly sampleMs: number;
  private readonly readCpu: () => CpuTimes | undefined;

  constructor(private readonly opts: IngestGateOptions) {
    this.sampleMs = opts.sampleMs ?? 100;
    this.readCpu = opts.readCpu ?? hostCpuTimes;
    if (opts.maxDeferMs > 0) {
      this.last = this.readCpu();
      this.timer = setInterval(() => this.sample(), this.sampleMs);
      this.timer.unref();
    }
  }

  private sample(): void {
    const cur = this.readCpu();
    this.busy = cpuBusyPercent(this.last, cur);
    this.last = cur;
  }

  /**
   * Resolves when a batch whose oldest message was published at oldestPublishedMs may be stored:
   * at once on a quiet host, otherwise when the host quiets down or the batch is maxDeferMs old.
   */
  async admit(oldestPublishedMs: number): Promise<void> {
    const started = Date.now();
    let waited = false;
    while (
      !this.closed &&
      shouldDefer({ busyPercent: this.busy, thresholdPercent: this.opts.busyPercent, lagMs: Date.now() - oldestPublishedMs, maxDeferMs: this.opts.maxDeferMs })
    ) {
      waited = true;
      await new Promise((r) => setTimeout(r, this.sampleMs));
    }
    if (waited) {
      this.stats.deferred++;
      this.stats.deferredMs += Date.now() - started;
    }
    this.stats.maxLagMs = Math.max(this.stats.maxLagMs, Date.now() - oldestPublishedMs);
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
