// A durable JetStream pull consumer that folds one stream into the roll-ups. Its own consumer
// (`stratus-metrics-<stream>`), separate from the records consumer that stores invocations: each
// reads every message. Messages are acknowledged (AckPolicy.All: the last ack covers the batch) only
// after the transaction that stored their effect and the stream position committed; on a restart,
// redelivered messages at or below the stored position are skipped, so nothing counts twice.
import { AckPolicy, DeliverPolicy, nanos, type JsMsg, type NatsConnection } from 'nats';
import type { Logger } from 'pino';
import { EVENT_SCHEMA_VERSION, type InvocationEvent, type OverheadEvent, type ThrottleEvent } from '@stratus/common';
import { RollupAggregator } from './aggregator';
import { readHighWaterMarks, writeRollups, type MetricsDb } from './rollup-store';

export interface ConsumerStats {
  processed: number;
  skipped: number;
  invalid: number;
  flushes: number;
  lastFlushAt: number;
}

export class RollupConsumer {
  private closed = false;
  private loop: Promise<void> | undefined;
  readonly stats: ConsumerStats = { processed: 0, skipped: 0, invalid: 0, flushes: 0, lastFlushAt: 0 };
  private lastSeq = 0;

  constructor(
    private readonly opts: {
      nc: NatsConnection;
      db: MetricsDb;
      stream: string;
      durable: string;
      logger: Logger;
      flushIntervalMs?: number;
      batchSize?: number;
    },
  ) {}

  async start(): Promise<void> {
    const marks = await readHighWaterMarks(this.opts.db);
    this.lastSeq = marks.get(this.opts.stream) ?? 0;
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
      ack_policy: AckPolicy.All,
      ack_wait: nanos(60_000),
      max_ack_pending: 50_000,
      deliver_policy: DeliverPolicy.All,
    };
    try {
      await jsm.consumers.info(this.opts.stream, this.opts.durable);
    } catch {
      await jsm.consumers.add(this.opts.stream, cfg);
    }
  }

  private async run(): Promise<void> {
    const { nc, stream, durable, logger } = this.opts;
    const flushEvery = this.opts.flushIntervalMs ?? 1_000;
    const agg = new RollupAggregator();
    let pending: JsMsg | undefined; // the last message folded in but not yet acknowledged
    let pendingCount = 0;
    let lastFlush = Date.now();
    let maxSeq = this.lastSeq;

    const flush = async () => {
      if (!pending) return;
      const deltas = agg.drain();
      await writeRollups(this.opts.db, deltas, new Map([[stream, maxSeq]]));
      this.lastSeq = maxSeq;
      pending.ack();
      pending = undefined;
      pendingCount = 0;
      lastFlush = Date.now();
      this.stats.flushes++;
      this.stats.lastFlushAt = lastFlush;
    };

    while (!this.closed) {
      try {
        const js = nc.jetstream();
        const consumer = await js.consumers.get(stream, durable);
        while (!this.closed) {
          const batch = await consumer.fetch({ max_messages: this.opts.batchSize ?? 1000, expires: 1000 });
          for await (const m of batch) {
            pending = m;
            pendingCount++;
            if (m.seq <= this.lastSeq) {
              this.stats.skipped++;
              continue;
            }
            if (m.seq > maxSeq) maxSeq = m.seq;
            this.fold(agg, m);
          }
          if (pending && (Date.now() - lastFlush >= flushEvery || pendingCount >= 10_000)) await flush();
        }
        await flush();
      } catch (err) {
        if (this.closed) break;
        logger.warn({ err, stream }, 'metrics consumer interrupted; retrying');
        // whatever was folded but not flushed is dropped with its messages unacknowledged: they come again
        agg.drain();
        pending = undefined;
        pendingCount = 0;
        maxSeq = this.lastSeq;
        await new Promise((r) => setTimeout(r, 1_000));
        await this.ensureConsumer().catch(() => undefined);
      }
    }
  }

  private fold(agg: RollupAggregator, m: JsMsg): void {
    let body: { schema?: number };
    try {
      body = m.json<{ schema?: number }>();
    } catch {
      this.stats.invalid++;
      return;
    }
    if (!body || body.schema !== EVENT_SCHEMA_VERSION) {
      this.stats.invalid++;
      return;
    }
    const kind = m.subject.split('.')[2];
    if (kind === 'invocations') agg.addInvocation(body as InvocationEvent);
    else if (kind === 'throttles') agg.addThrottles(body as ThrottleEvent);
    else if (kind === 'overhead') agg.addOverhead(body as OverheadEvent);
    else {
      this.stats.invalid++;
      return;
    }
    this.stats.processed++;
  }
}
