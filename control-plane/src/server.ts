// The control plane's composition root: store, node registry, change bus, gRPC services,
// the invocation records consumer, retention pruning and (when present) the metrics module.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import {
  bindServer,
  connectNats,
  createLogger,
  createServer,
  shutdownServer,
  StratusError,
  toGrpcError,
  type Logger,
  type NatsConnection,
  type StratusConfig,
} from '@stratus/common';
import { proto, type MetricsServiceHandlers } from '@stratus/proto';
import { startInvocationRecordsConsumer, type InvocationRecordsConsumer, type InvocationRollups } from './consumers/invocation-records';
import { startRetentionPruner, type RetentionPruner } from './consumers/retention';
import { IngestGate } from './consumers/ingest-gate';
import { InvokeForwarder } from './invoke/forwarder';
import { ChangeBus } from './nodes/change-bus';
import { NodeRegistry } from './nodes/node-registry';
import { makeFunctionService } from './services/function-service';
import { makeInvocationService } from './services/invocation-service';
import { makeNodeService } from './services/node-service';
import { makePoolService } from './services/pool-service';
import { openDatabase, type Database, type OpenedDatabase } from './store/db';
import { FunctionStore } from './store/functions-repo';
import { InvocationStore } from './store/invocations-repo';

export const DEFAULT_HEARTBEAT_INTERVAL_MS = 2_000;

export interface ControlPlaneDeps {
  logger?: Logger;
  /** An already opened store (the caller keeps ownership); otherwise openDatabase(config). */
  database?: OpenedDatabase;
  /** A NATS connection (the caller keeps ownership); null runs without NATS (no records consumer, no metrics); default: connect to config.natsUrl. */
  nats?: NatsConnection | null;
  /** How often agents heartbeat (told to them at registration). Default 2 s, or STRATUS_HEARTBEAT_INTERVAL_MS. */
  heartbeatIntervalMs?: number;
  /** A node is lost after this long without heartbeats. Default: 3 intervals. */
  lostAfterMs?: number;
  /** A lost node is removed after this long. Default: 10 minutes. */
  removeLostAfterMs?: number;
  /** Retention pruning period. Default: 5 minutes. */
  retentionIntervalMs?: number;
  /** false: do not load control-plane/src/metrics even if it exists. */
  metrics?: boolean;
}

export interface ControlPlane {
  port: number;
  db: Database;
  database: OpenedDatabase;
  nodes: NodeRegistry;
  /** Resolves once NATS is connected and the records consumer runs (never, with nats: null). */
  recordsReady: Promise<InvocationRecordsConsumer>;
  pruner: RetentionPruner;
  close(): Promise<void>;
}

type StartMetrics = (opts: { db: Database; nats: NatsConnection; config: StratusConfig; logger: Logger; gate?: IngestGate; sharedInvocations?: boolean }) => Promise<{
  handlers: MetricsServiceHandlers;
  invocationRollups?: InvocationRollups;
  close(): Promise<void>;
}>;

/** Loads the metrics module (helper G's control-plane/src/metrics) when it is there. */
async function loadMetricsModule(logger: Logger): Promise<StartMetrics | undefined> {
  const url = new URL('./metrics/index.ts', import.meta.url);
  if (!fs.existsSync(fileURLToPath(url))) return undefined;
  const mod = (await import(url.href)) as { startMetrics?: StartMetrics };
  if (typeof mod.startMetrics !== 'function') {
    logger.warn('control-plane/src/metrics/index.ts has no startMetrics: MetricsService not served');
    return undefined;
  }
  return mod.startMetrics;
}

/**
 * Starts the control plane on config.host:config.controlPort (0 = a free port, returned as `port`).
 * Order: store (migrated) -> registry -> gRPC server; NATS-dependent parts (records consumer,
 * metrics) start in the background once NATS answers, so the API is up even while NATS is not.
 */
export async function startControlPlane(config: StratusConfig, deps: ControlPlaneDeps = {}): Promise<ControlPlane> {
  const logger = deps.logger ?? createLogger('control-plane');
  const ownsDatabase = !deps.database;
  const database = deps.database ?? (await openDatabase(config));
  logger.info({ driver: database.driver, location: database.location }, 'store ready');
  const db = database.db;

  const bus = new ChangeBus();
  const functions = new FunctionStore(db);
  const invocations = new InvocationStore(db, database.copyIn);
  const heartbeatIntervalMs = deps.heartbeatIntervalMs ?? (Number(process.env.STRATUS_HEARTBEAT_INTERVAL_MS) || DEFAULT_HEARTBEAT_INTERVAL_MS);
  const nodes = new NodeRegistry({ db, bus, logger, heartbeatIntervalMs, lostAfterMs: deps.lostAfterMs, removeAfterMs: deps.removeLostAfterMs });
  await nodes.start();
  const forwarder = new InvokeForwarder({ functions, nodes, logger });
  const nodeService = makeNodeService({ nodes, functions, bus, logger });

  const server = createServer();
  server.addService(proto.FunctionService.service, makeFunctionService({ functions, nodes, bus, config, logger }));
  server.addService(proto.NodeService.service, nodeService.handlers);
  server.addService(proto.InvocationService.service, makeInvocationService({ invocations, forwarder }));
  server.addService(proto.PoolService.service, makePoolService({ nodes }));

  // MetricsService: served by the metrics module once NATS is up; UNAVAILABLE until then.
  const startMetrics = deps.metrics === false ? undefined : await loadMetricsModule(logger);
  let metricsHandlers: MetricsServiceHandlers | undefined;
  let closeMetrics: (() => Promise<void>) | undefined;
  if (startMetrics) {
    const proxy: Record<string, grpc.handleUnaryCall<unknown, unknown>> = {};
    for (const method of Object.keys(proto.MetricsService.service)) {
      proxy[method] = (call, callback) => {
        const handler = metricsHandlers?.[method as keyof MetricsServiceHandlers] as grpc.handleUnaryCall<unknown, unknown> | undefined;
        if (handler) return handler(call, callback);
        callback(toGrpcError(new StratusError('UNAVAILABLE', 'metrics are not ready yet (waiting for NATS)')) as grpc.ServiceError);
      };
    }
    server.addService(proto.MetricsService.service, proxy);
  }

  const port = await bindServer(server, `${config.host}:${config.controlPort}`);
  logger.info({ address: `${config.host}:${port}`, heartbeatIntervalMs }, 'control plane listening');

  const pruner = startRetentionPruner({ invocations, retentionDays: config.retentionDays, logger, intervalMs: deps.retentionIntervalMs });

  // Records and roll-ups are stored when the host's CPU has room, at most ingestDeferMs late.
  const gate = new IngestGate({ maxDeferMs: config.ingestDeferMs, busyPercent: config.ingestBusyPercent, quietMs: config.ingestQuietMs });
  const abort = new AbortController();
  const ownsNats = deps.nats === undefined;
  let nats: NatsConnection | undefined;
  let records: InvocationRecordsConsumer | undefined;
  const recordsReady: Promise<InvocationRecordsConsumer> =
    deps.nats === null
      ? new Promise(() => {})
      : (async () => {
          nats = deps.nats ?? (await connectNats(config.natsUrl, { name: 'stratus-control-plane', logger, signal: abort.signal }));
          // the metrics first: the records consumer folds the invocation batches it stores into their
          // roll-ups (each batch parsed and delivered once, not once for each)
          const metrics = startMetrics && !abort.signal.aborted
            ? await startMetrics({ db, nats, config, gate, sharedInvocations: true, logger: logger.child({ module: 'metrics' }) }).catch((err) => {
                logger.error({ err }, 'metrics did not start: storing invocation records without roll-ups');
                return undefined;
              })
            : undefined;
          if (metrics) closeMetrics = () => metrics.close();
          records = await startInvocationRecordsConsumer({ nc: nats, invocations, logger, gate, rollups: metrics?.invocationRollups });
          if (metrics) metricsHandlers = metrics.handlers;
          return records;
        })();
  recordsReady.catch((err) => {
    if (!abort.signal.aborted) logger.error({ err }, 'invocation records consumer did not start');
  });

  let closing: Promise<void> | undefined;
  return {
    port,
    db,
    database,
    nodes,
    recordsReady,
    pruner,
    close() {
      closing ??= (async () => {
        abort.abort(new Error('control plane closing'));
        nodeService.endWatches();
        await shutdownServer(server, 3_000);
        forwarder.close();
        gate.close();
        await records?.close().catch((err) => logger.warn({ err }, 'closing the records consumer'));
        await closeMetrics?.().catch((err) => logger.warn({ err }, 'closing metrics'));
        if (ownsNats && nats) await nats.drain().catch(() => nats?.close());
        await pruner.close();
        await nodes.close();
        if (ownsDatabase) await database.close();
        logger.info('control plane stopped');
      })();
      return closing;
    },
  };
}
