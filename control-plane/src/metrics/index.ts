// The control plane's metrics module: roll-ups from JetStream, gauges from core NATS, pruning, and
// the MetricsService queries. D's server registers `proto.MetricsService.service` with `handlers`.
// See docs/metrics.md.
import type { NatsConnection } from 'nats';
import type { Logger } from 'pino';
import {
  INVOCATIONS_STREAM,
  METRICS_STREAM,
  SUBJECTS,
  ensureInvocationStream,
  ensureMetricsStream,
  unary,
  type GaugeEvent,
  type StratusConfig,
} from '@stratus/common';
import type { MetricsServiceHandlers } from '@stratus/proto';
import type { IngestGate } from '../consumers/ingest-gate';
import { GaugeRegistry } from './gauge-registry';
import { getCost, getSeries, getSummary } from './queries';
import type { InvocationRollups } from '../consumers/invocation-records';
import { foldInvocations, RollupConsumer, RollupFolder, type ConsumerStats } from './rollup-consumer';
import { backfillCoarseRollups, pruneRollups, type MetricsDb } from './rollup-store';

export { GaugeRegistry, type AgentGauges } from './gauge-registry';
export { getCost, getSeries, getSummary, LAMBDA_PRICE_PER_GB_SECOND, LAMBDA_PRICE_PER_MILLION_REQUESTS, DEFAULT_BACKEND_OVERHEAD_MB } from './queries';
export { backfillCoarseRollups, pruneRollups, RETENTION_MS } from './rollup-store';
export { LogHistogram } from './log-histogram';

/** The durable consumer of invocation batches for the roll-ups, when the records consumer does not fold them. */
export const INVOCATION_ROLLUPS_CONSUMER = 'stratus-metrics-rollups';

export interface StartMetricsOptions {
  db: MetricsDb;
  nats: NatsConnection;
  config: StratusConfig;
  logger: Logger;
  /** Background pruning interval (default 60 s). */
  pruneIntervalMs?: number;
  /** How often accumulated roll-ups are written (default 1 s). */
  flushIntervalMs?: number;
  /** JetStream redelivery time of an unacknowledged message (default 30 s). */
  ackWaitMs?: number;
  /** Holds the consumers back while the host's CPU is saturated (shared with the records consumer). */
  gate?: IngestGate;
  /** Price overrides (defaults: Lambda's public x86 rates). */
  pricePerGbSecond?: number;
  pricePerMillionRequests?: number;
  /**
   * The records consumer folds the invocation batches it stores (pass `invocationRollups` to it):
   * each batch is then parsed and delivered once rather than to two consumers. Without it, a
   * consumer of its own (stratus-metrics-rollups) reads them.
   */
  sharedInvocations?: boolean;
}

export interface MetricsModule {
  handlers: MetricsServiceHandlers;
  /** The latest gauges per agent, with `gone` once they stopped. */
  gauges: GaugeRegistry;
  /** For tests: how far the consumers got (the invocations' first). */
  consumers: { readonly stats: ConsumerStats }[];
  /** With sharedInvocations: for the records consumer (startInvocationRecordsConsumer's rollups). */
  invocationRollups?: InvocationRollups;
  close(): Promise<void>;
}

/**
 * Starts the roll-up consumers (one per stream: STRATUS_INVOCATIONS, unless sharedInvocations, and
 * STRATUS_METRICS), the gauge subscription and background pruning. The caller owns db and nats
 * (close() leaves them open). With sharedInvocations, the records consumer must be closed first:
 * it stores the last roll-ups it folded as it closes.
 */
export async function startMetrics(opts: StartMetricsOptions): Promise<MetricsModule> {
  const { db, nats, config } = opts;
  const logger = opts.logger.child({ component: 'metrics' });
  await ensureInvocationStream(nats);
  await ensureMetricsStream(nats);
  const backfilled = await backfillCoarseRollups(db);
  if (backfilled > 0) logger.info({ rows: backfilled }, 'built the 300 s roll-ups from the 60 s ones');
  const common = { nc: nats, db, logger, flushIntervalMs: opts.flushIntervalMs, ackWaitMs: opts.ackWaitMs, gate: opts.gate };
  const consumers = [
    ...(opts.sharedInvocations ? [] : [new RollupConsumer({ ...common, stream: INVOCATIONS_STREAM, durable: INVOCATION_ROLLUPS_CONSUMER })]),
    new RollupConsumer({ ...common, stream: METRICS_STREAM, durable: 'stratus-metrics-events' }),
  ];
  for (const c of consumers) await c.start();
  let invocationRollups: InvocationRollups | undefined;
  let folder: RollupFolder | undefined;
  if (opts.sharedInvocations) {
    folder = new RollupFolder(db, INVOCATIONS_STREAM, opts.flushIntervalMs);
    await folder.start();
    const f = folder;
    invocationRollups = {
      add: (msg, body) => f.add(msg, (agg, stats) => foldInvocations(agg, body, stats)),
      pass: (seq) => f.pass(seq),
      flushIfDue: () => f.flushIfDue(),
      flush: () => f.flush(),
    };
    await retireOwnInvocationsConsumer(nats, folder, logger);
  }

  const gauges = new GaugeRegistry();
  const sub = nats.subscribe(SUBJECTS.gaugesAll, {
    callback: (err, msg) => {
      if (err) return;
      try {
        gauges.add(msg.json<GaugeEvent>());
      } catch {
        // not JSON: ignored
      }
    },
  });

  const prune = async () => {
    try {
      const removed = await pruneRollups(db);
      if (removed > 0) logger.info({ removed }, 'pruned old roll-ups');
      gauges.sweep();
    } catch (err) {
      logger.warn({ err }, 'roll-up pruning failed');
    }
  };
  const pruneTimer = setInterval(prune, opts.pruneIntervalMs ?? 60_000);
  pruneTimer.unref();
  void prune();

  const handlers: MetricsServiceHandlers = {
    GetSummary: unary(async (req) => getSummary(db, req)),
    GetSeries: unary(async (req) => getSeries(db, req)),
    GetCost: unary(async (req) =>
      getCost(db, req, {
        backendOverheadMb: gauges.backendOverheadMb(),
        backends: config.backends,
        pricePerGbSecond: opts.pricePerGbSecond,
        pricePerMillionRequests: opts.pricePerMillionRequests,
      }),
    ),
  };
  logger.info('metrics module started');
  return {
    handlers,
    gauges,
    consumers: folder ? [folder, ...consumers] : consumers,
    invocationRollups,
    async close() {
      clearInterval(pruneTimer);
      sub.unsubscribe();
      await Promise.all(consumers.map((c) => c.close()));
    },
  };
}

/**
 * An earlier release (or a metrics-only process) folded the invocation batches with a consumer of
 * its own, which may be behind the records consumer: the batches in the stream after what it folded
 * (the stream sequences committed with the roll-ups) are folded here, read from the stream itself,
 * before the records consumer starts; a batch the records consumer stores later is recognised by its
 * sequence and counted once. Then the consumer is removed. A crash in between repeats this at the
 * next start, still counting each batch once.
 */
async function retireOwnInvocationsConsumer(nc: NatsConnection, folder: RollupFolder, logger: Logger): Promise<void> {
  const jsm = await nc.jetstreamManager();
  const own = await jsm.consumers.info(INVOCATIONS_STREAM, INVOCATION_ROLLUPS_CONSUMER).catch(() => undefined);
  if (!own) return;
  const { state } = await jsm.streams.info(INVOCATIONS_STREAM);
  const decoder = new TextDecoder();
  let folded = 0;
  for (let seq = Math.max(state.first_seq, own.ack_floor.stream_seq + 1); seq <= state.last_seq; seq++) {
    if (folder.has(seq)) continue;
    const stored = await jsm.streams.getMessage(INVOCATIONS_STREAM, { seq }).catch(() => undefined); // gone: aged out, or deleted
    if (!stored) continue;
    folder.foldFromStream(seq, (agg, stats) => {
      try {
        foldInvocations(agg, JSON.parse(decoder.decode(stored.data)), stats);
      } catch {
        stats.invalid++;
      }
    });
    folded++;
    if (folded % 1_000 === 0) await folder.flush();
  }
  await folder.flush();
  await jsm.consumers.delete(INVOCATIONS_STREAM, INVOCATION_ROLLUPS_CONSUMER);
  logger.info({ consumer: INVOCATION_ROLLUPS_CONSUMER, folded }, 'retired the roll-ups consumer of invocations (the records consumer folds them now), after folding what it had not');
}

