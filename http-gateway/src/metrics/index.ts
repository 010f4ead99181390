// The gateway's metrics: GET /metrics (Prometheus text), the REST mapping of MetricsService
// (/api/v1/metrics/summary, /series, /cost), and per invocation the platform overhead, so the
// roll-ups and the stored records can carry it: sent back to the agent that ran the invocation on
// its invoke stream (into its record), or where that cannot be, published in batches (compact
// OverheadEvents on stratus.v1.overhead.<gatewayId>, JetStream stream STRATUS_METRICS). See docs/metrics.md.
//
// Invocations through POST /function/... are measured automatically from the X-Stratus-* headers
// of the answer (an onResponse hook); other paths call recordGatewayInvocation().
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { NatsConnection } from 'nats';
import {
  JetStreamPump,
  Outbox,
  OverheadRows,
  SUBJECTS,
  createLogger,
  splitEvent,
  ensureMetricsStream,
  invalidArgument,
  type Logger,
  type StratusConfig,
} from '@stratus/common';
import type { MetricsServiceClient } from '@stratus/proto';
import { unaryCall } from '../admin/control-clients';
import { sendError } from '../http-errors';
import { GatewayPrometheus, type GatewayInvocation } from './gateway-prometheus';
import type { AgentStreams } from '../invoke/agent-streams';

export type { GatewayInvocation } from './gateway-prometheus';
export { GatewayPrometheus } from './gateway-prometheus';

export interface MetricsRoutesDeps {
  config: StratusConfig;
  logger?: Logger;
  /** The control plane's clients (only `metrics` is used) or the MetricsService client itself. */
  control?: { metrics: MetricsServiceClient };
  controlClient?: { metrics: MetricsServiceClient };
  metricsClient?: MetricsServiceClient;
  /** The gateway's NATS connection, now or later (it may connect after start). */
  nats?: NatsConnection | null;
  getNats?: () => NatsConnection | null | undefined;
  gatewayId?: string;
  /** How often overhead batches are published (default 1000 ms). */
  overheadFlushMs?: number;
  /**
   * The invoker, whose agent streams take each overhead to the agent that ran the invocation (into
   * its record); only what they cannot take is published here.
   */
  invoker?: { streams: Pick<AgentStreams, 'carryOverhead' | 'uncarriedOverheads'> };
}

export interface GatewayMetrics {
  prometheus: GatewayPrometheus;
  /** Cheap, in memory: counts the invocation and queues its overhead for publishing. */
  recordGatewayInvocation(inv: GatewayInvocation): void;
  /** Overhead items published and waiting. */
  stats(): { queued: number; published: number };
  close(): Promise<void>;
}

const byApp = new WeakMap<FastifyInstance, GatewayMetrics>();
const recorded = new WeakSet<FastifyRequest>();

/** For an invoke path that is not measured by the hook; marks `req` so the hook does not count it again. */
export function recordGatewayInvocation(app: FastifyInstance, inv: GatewayInvocation, req?: FastifyRequest): void {
  const m = byApp.get(app);
  if (!m) return;
  if (req) recorded.add(req);
  m.recordGatewayInvocation(inv);
}

export function gatewayMetricsOf(app: FastifyInstance): GatewayMetrics | undefined {
  return byApp.get(app);
}

// At most 2,000 items a message: in the compact form about 120 KB (58 bytes an item with the bench's
// names; form 1 took 186-237, about 430 KB); what still does not fit NATS's max_payload is split by the pump (splitEvent).
// The rows name each function, backend and agent once per message.
const MAX_ITEMS_PER_EVENT = 2_000;

export function registerMetricsRoutes(app: FastifyInstance, deps: MetricsRoutesDeps): GatewayMetrics {
  const logger = (deps.logger ?? createLogger('gateway')).child({ component: 'gateway-metrics' });
  const client = deps.metricsClient ?? deps.controlClient?.metrics ?? deps.control?.metrics;
  const prometheus = new GatewayPrometheus();
  const gatewayId = deps.gatewayId ?? `${os.hostname()}-${process.pid}-${deps.config.gatewayPort}`;
  const getNats = deps.getNats ?? (() => deps.nats ?? undefined);
  const publish = deps.config.metricsEnabled;

  // overhead: batched into one event per second, through a bounded outbox with JetStream acks
  const outbox = new Outbox({ maxItems: 1_000, maxBytes: 32 * 1024 * 1024 });
  const pump = new JetStreamPump(outbox, {
    logger,
    onNoStream: async () => {
      const nc = getNats();
      if (nc) await ensureMetricsStream(nc);
    },
    oversize: (item) => splitEvent(item, 'items'),
  });
  let attached: NatsConnection | undefined;
  const items = new OverheadRows();
  const flush = () => {
    const nc = getNats();
    if (nc && nc !== attached && !nc.isClosed()) {
      attached = nc;
      ensureMetricsStream(nc).catch((err) => logger.warn({ err }, 'could not ensure the STRATUS_METRICS stream'));
      pump.attach(nc);
    }
    for (const event of items.take(gatewayId, randomUUID, MAX_ITEMS_PER_EVENT)) {
      outbox.push({ subject: SUBJECTS.overhead(gatewayId), msgId: event.id, payload: event, bytes: 200 + 160 * event.items.length });
    }
    pump.kick();
  };
  const timer = setInterval(flush, deps.overheadFlushMs ?? 1_000);
  timer.unref();
  const streams = publish ? deps.invoker?.streams : undefined;
  const queue = (requestId: string, fn: string, backend: string, agentId: string, overheadMs: number, endToEndMs: number) => {
    if (items.length >= 100_000) return; // NATS long gone and the outbox full: stop growing
    items.add(requestId, fn, backend, agentId, overheadMs, endToEndMs);
  };
  if (streams) streams.uncarriedOverheads = (agentId, list) => list.forEach((o) => queue(o.requestId, o.function, o.backend, agentId, o.overheadMs, o.endToEndMs));

  const metrics: GatewayMetrics = {
    prometheus,
    recordGatewayInvocation(inv) {
      prometheus.invocation(inv);
      if (!publish || inv.durationMs <= 0 || !inv.requestId) return;
      const overheadMs = Math.max(0, inv.endToEndMs - inv.durationMs);
      const carried = streams?.carryOverhead(inv.agentId, { requestId: inv.requestId, function: inv.function, backend: inv.backend, overheadMs, endToEndMs: inv.endToEndMs });
      if (!carried) queue(inv.requestId, inv.function, inv.backend, inv.agentId, overheadMs, inv.endToEndMs);
    },
    stats: () => ({ queued: items.length + outbox.held, published: pump.stats.published }),
    async close() {
      clearInterval(timer);
      flush();
      await pump.close(2_000);
    },
  };
  byApp.set(app, metrics);

  app.addHook('onResponse', async (req: FastifyRequest, reply: FastifyReply) => {
    const route = req.routeOptions?.url ?? 'unmatched';
    const elapsed = reply.elapsedTime;
    prometheus.request(req.method, route, reply.statusCode, elapsed / 1000);
    if (recorded.has(req) || req.method !== 'POST' || !route.startsWith('/function/')) return;
    metrics.recordGatewayInvocation({
      requestId: header(reply, 'x-stratus-request-id'),
      function: (req.params as { name?: string })?.name ?? 'unknown',
      backend: header(reply, 'x-stratus-backend'),
      agentId: header(reply, 'x-stratus-agent'),
      statusCode: reply.statusCode,
      coldStart: header(reply, 'x-stratus-cold-start') === 'true',
      endToEndMs: elapsed,
      durationMs: Number(header(reply, 'x-stratus-duration-ms')) || 0,
    });
  });
  app.addHook('onClose', async () => {
    await metrics.close();
  });

  app.get('/metrics', async (_req, reply) => {
    const body = await prometheus.registry.metrics();
    return reply.type(prometheus.registry.contentType).send(body);
  });

  const query = (req: FastifyRequest) => req.query as Record<string, string | undefined>;
  const need = () => {
    if (!client) throw invalidArgument('control', 'the gateway has no control plane client for metrics');
    return client;
  };
  app.get('/api/v1/metrics/summary', async (req, reply) => {
    try {
      const q = query(req);
      const res = await unaryCall(need(), 'GetSummary', { from: q.from ?? '', to: q.to ?? '', groupBy: q.groupBy ?? q.group_by ?? '', function: q.function ?? '' });
      return reply.send(res);
    } catch (err) {
      return sendError(reply, err, logger);
    }
  });
  app.get('/api/v1/metrics/series', async (req, reply) => {
    try {
      const q = query(req);
      const stepRaw = q.step ?? q.stepSec ?? q.step_sec;
      const stepSec = stepRaw ? stepSeconds(stepRaw) : 0;
      if (stepSec === undefined) throw invalidArgument('step', `must be whole seconds (60) or a duration like 10s, 5m or 1h, got ${JSON.stringify(stepRaw)}`);
      const res = await unaryCall(need(), 'GetSeries', {
        metric: q.metric ?? '', function: q.function ?? '', backend: q.backend ?? '', agent: q.agent ?? '', from: q.from ?? '', to: q.to ?? '', stepSec,
      });
      return reply.send(res);
    } catch (err) {
      return sendError(reply, err, logger);
    }
  });
  app.get('/api/v1/metrics/cost', async (req, reply) => {
    try {
      const q = query(req);
      const num = (field: string, raw: string | undefined) => {
        if (!raw) return 0;
        const n = Number(raw);
        if (!Number.isFinite(n) || n < 0) throw invalidArgument(field, `must be a non-negative number, got ${JSON.stringify(raw)}`);
        return n;
      };
      const res = await unaryCall(need(), 'GetCost', {
        from: q.from ?? '', to: q.to ?? '', function: q.function ?? '',
        pricePerGbSecond: num('pricePerGbSecond', q.pricePerGbSecond), pricePerMillionRequests: num('pricePerMillionRequests', q.pricePerMillionRequests),
      });
      return reply.send(res);
    } catch (err) {
      return sendError(reply, err, logger);
    }
  });
  return metrics;
}

/**
 * A header of the reply as text ('' when unset). At module level, not a closure made in the hook for
 * each request: tsx (esbuild's keepNames) names a closure as it is made, with Object.defineProperty,
 * 0.3-0.4 µs each here.
 */
function header(reply: FastifyReply, name: string): string {
  const v = reply.getHeader(name);
  return Array.isArray(v) ? String(v[0]) : v === undefined ? '' : String(v);
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/**
 * A series step in seconds: whole seconds ("60"), or a duration as Prometheus writes it ("10s",
 * "5m", "1h", "1d"); undefined when it is neither.
 */
export function stepSeconds(raw: string): number | undefined {
  const m = /^(\d+)([smhd])?$/.exec(raw.trim());
  if (!m) return undefined;
  const n = Number(m[1]) * UNIT_SECONDS[m[2] ?? 's'];
  return Number.isSafeInteger(n) ? n : undefined;
}
