// A durable JetStream pull consumer that folds one stream into the roll-ups. Its own consumer
// (`stratus-metrics-<stream>`), separate from the records consumer that stores invocations: each
// reads every message. Each message is acknowledged (explicit acks) only after the transaction that
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

export class RollupConsumer {
  private closed = false;
  private loop: Promise<void> | undefined;
  readonly stats: ConsumerStats = { processed: 0, skipped: 0, invalid: 0, flushes: 0, lastFlushAt: 0, unstored: 0 };
  /** Sequences committed to the store. */
  private committed = new SeqSet();

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
  ) {}

  async start(): Promise<void> {
    const seqs = await readConsumedSeqs(this.opts.db);
    this.committed = seqs.get(this.opts.stream) ?? new SeqSet();
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
    const flushEvery = this.opts.flushIntervalMs ?? 1_000;
    let agg = new RollupAggregator();
    let toAck: JsMsg[] = [];
    let working = this.committed.clone();
    let lastFlush = Date.now();

    const flush = async () => {
      if (toAck.length === 0) return;
      await writeRollups(this.opts.db, agg.drain(), new Map([[stream, working]]));
      this.committed = working.clone();
      for (const m of toAck) m.ack();
      toAck = [];
      this.stats.unstored = 0;
      lastFlush = Date.now();
      this.stats.flushes++;
      this.stats.lastFlushAt = lastFlush;
    };

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
            catchingUp = await this.opts.gate.admit(publishedMs(toAck[0] ?? fetched[0]), fetched.reduce((n, m) => n + m.data.length, 0));
          }
          one = nextPullSize(catchingUp, this.opts.gate) === 1;
          for (const m of fetched) {
            toAck.push(m);
            if (working.has(m.seq)) {
              this.stats.skipped++;
              continue;
            }
            working.add(m.seq);
            this.fold(agg, m);
          }
          this.stats.unstored = toAck.length;
          logger.trace({ stream, got }, 'metrics consumer fetched');
          if (toAck.length > 0 && (Date.now() - lastFlush >= flushEvery || toAck.length >= 10_000)) await flush();
        }
        await flush();
      } catch (err) {
        if (this.closed) break;
        logger.warn({ err, stream }, 'metrics consumer interrupted; retrying');
        // folded but not stored: dropped with their messages unacknowledged, which come again
        agg = new RollupAggregator();
        toAck = [];
        this.stats.unstored = 0;
        working = this.committed.clone();
        await new Promise((r) => setTimeout(r, 1_000));
        await this.ensureConsumer().catch(() => undefined);
      }
    }
  }

  private fold(agg: RollupAggregator, m: JsMsg): void {
    let body: unknown;
    try {
      body = m.json<unknown>();
    } catch {
      this.stats.invalid++;
      return;
    }
    const kind = m.subject.split('.')[2];
    if (kind === 'invocations') {
      // a compact batch (times read as epoch ms), or form 1's one event or array of them
      const { events, invalid } = isCompactInvocationBatch(body) ? decodeInvocationBatchMs(body) : invocationEventsOf(body);
      for (const e of events) agg.addInvocation(e);
      this.stats.invalid += invalid;
      this.stats.processed += events.length;
      return;
    }
    if (kind === 'overhead') {
      const items = overheadItemsMsOf(body); // either wire form
      if (items) {
        agg.addOverhead(items);
        this.stats.processed++;
      } else this.stats.invalid++;
      return;
    }
    if (!body || (body as { schema?: number }).schema !== EVENT_SCHEMA_VERSION) {
      this.stats.invalid++;
      return;
    }
    if (kind === 'throttles') agg.addThrottles(body as ThrottleEvent);
    else {
      this.stats.invalid++;
      return;
    }
    this.stats.processed++;
  }

}
