// A durable JetStream pull consumer that folds one stream into the roll-ups (RollupConsumer), or the
// roll-ups' bookkeeping alone (RollupFolder) for the control plane's records consumer, which folds
// the invocation batches it stores: a batch is then parsed and delivered once, not to two consumers
// (parsing it again was a tenth of the control plane's CPU for a record; docs/metrics.md). Either
// way, each message is acknowledged (explicit acks) only after the transaction that
// stored its effect, together with the set of stream sequences already folded in, committed. A
// message redelivered after that (ack lost, crash, NATS restart) is recognised and skipped, so
// nothing counts twice; a delivery lost in an outage comes back after ack_wait, so nothing is lost.
// (AckPolicy.All would be cheaper but acks a lost delivery along with later ones: a silent loss.)
import { AckPolicy, DeliverPolicy, nanos, type JsMsg, type NatsConnection } from 'nats';
import type { Logger } from 'pino';
import { EVENT_SCHEMA_VERSION, decodeInvocationBatchMs, invocationEventsOf, isCompactInvocationBatch, overheadItemsMsOf, type ThrottleEvent } from '@stratus/common';
import { publishedMs, type IngestGate } from '../consumers/ingest-gate';
import { FETCH_EXPIRES_MS, PULL_AHEAD_BYTES, nextPullSize } from '../consumers/invocation-records';
import { RollupAggregator } from './aggregator';
import { readConsumedSeqs, writeRollups, type MetricsDb } from './rollup-store';
import { SeqSet } from './seq-set';

export interface ConsumerStats {
  processed: number;
  skipped: number;
  invalid: number;
  flushes: number;
  lastFlushAt: number;
  /** Messages folded in memory and not stored yet (they are stored and acknowledged at the next flush). */
  unstored: number;
}

/**
 * The roll-ups of one stream's messages, folded in memory and stored with the stream sequences they
 * came from (one transaction), then acknowledged: the bookkeeping of a RollupConsumer, and of the
 * records consumer when it folds the invocation batches it stores (startMetrics' sharedInvocations:
 * each batch parsed and delivered once instead of twice). Calls are sequential (one consumer loop).
 */
export class RollupFolder {
  readonly stats: ConsumerStats = { processed: 0, skipped: 0, invalid: 0, flushes: 0, lastFlushAt: 0, unstored: 0 };
  /** Sequences committed to the store. */
  private committed = new SeqSet();
  /** Sequences folded, committed or not. */
  private working = new SeqSet();
  private agg = new RollupAggregator();
  private toAck: JsMsg[] = [];
  /** Messages folded and not stored yet that need no acknowledgement (read from the stream itself: foldFromStream). */
  private fromStream = 0;
  private lastFlush = Date.now();

  constructor(
    private readonly db: MetricsDb,
    readonly stream: string,
    private readonly flushIntervalMs = 1_000,
  ) {}

  /** Reads which sequences are folded already. */
  async start(): Promise<void> {
    const seqs = await readConsumedSeqs(this.db);
    this.committed = seqs.get(this.stream) ?? new SeqSet();
    this.working = this.committed.clone();
  }

  /** Folds a message (unless it was folded before: a redelivery) and acknowledges it after the next flush. */
  add(m: JsMsg, fold: (agg: RollupAggregator, stats: ConsumerStats) => void): void {
    this.toAck.push(m);
    this.stats.unstored = this.toAck.length;
    if (this.working.has(m.seq)) {
      this.stats.skipped++;
      return;
    }
    this.working.add(m.seq);
    fold(this.agg, this.stats);
  }

  /** The oldest message folded and not acknowledged yet. */
  get oldestWaiting(): JsMsg | undefined {
    return this.toAck[0];
  }

  /** Folds a message read from the stream by its sequence (nothing to acknowledge), unless folded before. */
  foldFromStream(seq: number, fold: (agg: RollupAggregator, stats: ConsumerStats) => void): void {
    if (this.working.has(seq)) {
      this.stats.skipped++;
      return;
    }
    this.working.add(seq);
    this.fromStream++;
    fold(this.agg, this.stats);
  }

  /** Whether a sequence is folded (committed or not). */
  has(seq: number): boolean {
    return this.working.has(seq);
  }

  /** A message that will not come again (refused as malformed): nothing to fold, but its place is taken. */
  pass(seq: number): void {
    this.working.add(seq);
  }

  /** Stores what was folded if the flush interval has passed (or much is waiting). */
  async flushIfDue(): Promise<void> {
    if (this.toAck.length > 0 && (Date.now() - this.lastFlush >= this.flushIntervalMs || this.toAck.length >= 10_000)) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.toAck.length === 0 && this.fromStream === 0) return;
    try {
      await writeRollups(this.db, this.agg.drain(), new Map([[this.stream, this.working]]));
    } catch (err) {
      this.reset();
      throw err;
    }
    this.committed = this.working.clone();
    for (const m of this.toAck) m.ack();
    this.toAck = [];
    this.fromStream = 0;
    this.stats.unstored = 0;
    this.lastFlush = Date.now();
    this.stats.flushes++;
    this.stats.lastFlushAt = this.lastFlush;
  }

  /** Drops what was folded and not stored, its messages unacknowledged: they come again. */
  reset(): void {
    this.agg = new RollupAggregator();
    this.toAck = [];
    this.fromStream = 0;
    this.stats.unstored = 0;
    this.working = this.committed.clone();
  }
}

/** Folds an agent's invocation batch (a compact batch, or form 1's event or array of events) into the roll-ups. */
export function foldInvocations(agg: RollupAggregator, body: unknown, stats: Pick<ConsumerStats, 'processed' | 'invalid'>): void {
  // times read as epoch ms
  const { events, invalid } = isCompactInvocationBatch(body) ? decodeInvocationBatchMs(body) : invocationEventsOf(body);
  for (const e of events) agg.addInvocation(e);
  stats.invalid += invalid;
  stats.processed += events.length;
}

export class RollupConsumer {
  private closed = false;
  private loop: Promise<void> | undefined;
  private readonly folder: RollupFolder;

  constructor(
    private readonly opts: {
      nc: NatsConnection;
      db: MetricsDb;
      stream: string;
      durable: string;
      logger: Logger;
      flushIntervalMs?: number;
      /** Redelivery of an unacknowledged message after this long (default 30 s). */
      ackWaitMs?: number;
      /** Holds fetched messages back while the host's CPU is saturated (see ingest-gate.ts). */
      gate?: IngestGate;
    },
  ) {
    this.folder = new RollupFolder(opts.db, opts.stream, opts.flushIntervalMs);
  }

  get stats(): ConsumerStats {
    return this.folder.stats;
  }

  async start(): Promise<void> {
    await this.folder.start();
    await this.ensureConsumer();
    this.loop = this.run();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.loop;
  }

  private async ensureConsumer(): Promise<void> {
    const jsm = await this.opts.nc.jetstreamManager();
    const cfg = {
      durable_name: this.opts.durable,
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(this.opts.ackWaitMs ?? 30_000),
      max_ack_pending: 50_000,
      deliver_policy: DeliverPolicy.All,
    };
    try {
      const info = await jsm.consumers.info(this.opts.stream, this.opts.durable);
      if (info.config.ack_policy !== AckPolicy.Explicit) {
        // an earlier version used AckPolicy.All, which cannot be updated: start over (already
        // folded sequences are recognised and skipped)
        await jsm.consumers.delete(this.opts.stream, this.opts.durable);
        await jsm.consumers.add(this.opts.stream, cfg);
        return;
      }
      if (info.config.ack_wait !== cfg.ack_wait) await jsm.consumers.update(this.opts.stream, this.opts.durable, { ack_wait: cfg.ack_wait });
    } catch {
      await jsm.consumers.add(this.opts.stream, cfg);
    }
  }

  private async run(): Promise<void> {
    const { nc, stream, durable, logger } = this.opts;
    const folder = this.folder;
    while (!this.closed) {
      try {
        const js = nc.jetstream();
        const consumer = await js.consumers.get(stream, durable);
        let one = nextPullSize(false, this.opts.gate) === 1;
        while (!this.closed) {
          // one message at a time on a busy host, so that a backlog stays in JetStream rather than
          // delivered only to wait at the gate (nextPullSize)
          const batch = await consumer.fetch(one ? { max_messages: 1, expires: FETCH_EXPIRES_MS } : { max_bytes: PULL_AHEAD_BYTES, expires: FETCH_EXPIRES_MS });
          const fetched: JsMsg[] = [];
          for await (const m of batch) fetched.push(m);
          const got = fetched.length;
          let catchingUp = false;
          // folding costs CPU too: wait for a quieter host first (no further fetch meanwhile)
          if (got > 0 && this.opts.gate && !this.closed) {
            catchingUp = await this.opts.gate.admit(publishedMs(folder.oldestWaiting ?? fetched[0]), fetched.reduce((n, m) => n + m.data.length, 0));
          }
          one = nextPullSize(catchingUp, this.opts.gate) === 1;
          for (const m of fetched) folder.add(m, (agg, stats) => this.fold(agg, stats, m));
          logger.trace({ stream, got }, 'metrics consumer fetched');
          await folder.flushIfDue();
        }
        await folder.flush();
      } catch (err) {
        if (this.closed) break;
        logger.warn({ err, stream }, 'metrics consumer interrupted; retrying');
        // folded but not stored: dropped with their messages unacknowledged, which come again
        folder.reset();
        await new Promise((r) => setTimeout(r, 1_000));
        await this.ensureConsumer().catch(() => undefined);
      }
    }
  }

  private fold(agg: RollupAggregator, stats: ConsumerStats, m: JsMsg): void {
    let body: unknown;
    try {
      body = m.json<unknown>();
    } catch {
      stats.invalid++;
      return;
    }
    const kind = m.subject.split('.')[2];
    if (kind === 'invocations') return foldInvocations(agg, body, stats);
    if (kind === 'overhead') {
      const items = overheadItemsMsOf(body); // either wire form
      if (items) {
        agg.addOverhead(items);
        stats.processed++;
      } else stats.invalid++;
      return;
    }
    if (!body || (body as { schema?: number }).schema !== EVENT_SCHEMA_VERSION) {
      stats.invalid++;
      return;
    }
    if (kind === 'throttles') agg.addThrottles(body as ThrottleEvent);
    else {
      stats.invalid++;
      return;
    }
    stats.processed++;
  }
}
