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
import { RollupConsumer } from './rollup-consumer';
import { backfillCoarseRollups, pruneRollups, type MetricsDb } from './rollup-store';

export { GaugeRegistry, type AgentGauges } from './gauge-registry';
export { getCost, getSeries, getSummary, LAMBDA_PRICE_PER_GB_SECOND, LAMBDA_PRICE_PER_MILLION_REQUESTS, DEFAULT_BACKEND_OVERHEAD_MB } from './queries';
export { backfillCoarseRollups, pruneRollups, RETENTION_MS } from './rollup-store';
export { LogHistogram } from './log-histogram';

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
}

export interface MetricsModule {
  handlers: MetricsServiceHandlers;
  /** The latest gauges per agent, with `gone` once they stopped. */
  gauges: GaugeRegistry;
  /** For tests: how far the consumers got. */
  consumers: RollupConsumer[];
  close(): Promise<void>;
}

/**
 * Starts the roll-up consumers (one per stream: STRATUS_INVOCATIONS and STRATUS_METRICS), the gauge
 * subscription and background pruning. The caller owns db and nats (close() leaves them open).
 */
export async function startMetrics(opts: StartMetricsOptions): Promise<MetricsModule> {
  const { db, nats, config } = opts;
  const logger = opts.logger.child({ component: 'metrics' });
  await ensureInvocationStream(nats);
  await ensureMetricsStream(nats);
  const backfilled = await backfillCoarseRollups(db);
  if (backfilled > 0) logger.info({ rows: backfilled }, 'built the 300 s roll-ups from the 60 s ones');
  const consumers = [
    new RollupConsumer({ nc: nats, db, stream: INVOCATIONS_STREAM, durable: 'stratus-metrics-rollups', logger, flushIntervalMs: opts.flushIntervalMs, ackWaitMs: opts.ackWaitMs, gate: opts.gate }),
    new RollupConsumer({ nc: nats, db, stream: METRICS_STREAM, durable: 'stratus-metrics-events', logger, flushIntervalMs: opts.flushIntervalMs, ackWaitMs: opts.ackWaitMs, gate: opts.gate }),
  ];
  for (const c of consumers) await c.start();

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
    consumers,
    async close() {
      clearInterval(pruneTimer);
      sub.unsubscribe();
      await Promise.all(consumers.map((c) => c.close()));
    },
  };
}
