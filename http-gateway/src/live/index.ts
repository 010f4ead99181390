// GET /api/v1/live?function=&agent=&types=invocation,gauges&logs=1: a Server-Sent Events stream of
// invocation events and agent gauges from NATS, batched every 250 ms (at most 500 invocations per
// batch; the rest counted as `dropped`), for the dashboard, `stratus logs --follow` and `stratus top`.
// Why SSE and not NATS over WebSocket: see docs/metrics.md.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { NatsConnection } from 'nats';
import { createLogger, errorBody, invalidArgument, shownLogs, type GaugeEvent, type InvocationEvent, type Logger } from '@stratus/common';
import { gatewayMetricsOf } from '../metrics/index';
import { LiveHub } from './live-hub';
import { LIVE_BATCH_MS, LIVE_MAX_LOG_CHARS, LIVE_MAX_PER_BATCH, type LiveBatch, type LiveType } from './types';

export * from './types';

export interface LiveRoutesDeps {
  logger?: Logger;
  nats?: NatsConnection | null;
  getNats?: () => NatsConnection | null | undefined;
  batchMs?: number;
  maxPerBatch?: number;
}

const TYPES: LiveType[] = ['invocation', 'gauges'];
const hubs = new WeakMap<FastifyInstance, LiveHub>();

/** Clients following the live stream of this app (for tests and metrics). */
export function liveClientCount(app: FastifyInstance): number {
  return hubs.get(app)?.size ?? 0;
}

export function registerLiveRoutes(app: FastifyInstance, deps: LiveRoutesDeps): void {
  const logger = (deps.logger ?? createLogger('gateway')).child({ component: 'live' });
  const hub = new LiveHub(deps.getNats ?? (() => deps.nats ?? undefined), logger);
  hubs.set(app, hub);
  hub.start(); // the latest gauges are kept for clients that connect later
  const batchMs = deps.batchMs ?? LIVE_BATCH_MS;
  const maxPerBatch = deps.maxPerBatch ?? LIVE_MAX_PER_BATCH;
  const open = new Set<() => void>();
  // preClose, not onClose: Fastify waits for open connections before onClose hooks run, so an open
  // live stream would keep the gateway from ever closing.
  app.addHook('preClose', async () => {
    for (const end of [...open]) end();
    hub.close();
  });

  app.get('/api/v1/live', async (req: FastifyRequest, reply: FastifyReply) => {
    const q = req.query as Record<string, string | undefined>;
    const types = new Set((q.types || TYPES.join(',')).split(',').map((s) => s.trim()).filter(Boolean));
    for (const t of types) {
      if (!TYPES.includes(t as LiveType)) {
        const err = invalidArgument('types', `must be a comma-separated list of ${TYPES.join(', ')}, got ${JSON.stringify(t)}`);
        return reply.code(400).type('application/json').send(errorBody(err));
      }
    }
    const fn = q.function || '';
    const agent = q.agent || '';
    const withLogs = q.logs === '1' || q.logs === 'true';

    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(`retry: 2000\nevent: hello\ndata: ${JSON.stringify({ batchMs, maxPerBatch, types: [...types], function: fn || null })}\n\n`);

    let invocations: InvocationEvent[] = [];
    let gauges = new Map<string, GaugeEvent>();
    let dropped = 0;
    let congested = false;
    res.on('drain', () => {
      congested = false;
    });

    const setClients = () => gatewayMetricsOf(app)?.prometheus.liveClients.set(hub.size);
    const removeFromHub = hub.add({
      invocation(e) {
        if (!types.has('invocation')) return;
        if (fn && e.function !== fn) return;
        if (agent && e.agentId !== agent) return;
        if (invocations.length >= maxPerBatch) {
          dropped++;
          return;
        }
        // Shown as stored records are: framed like Lambda's when the agent sent only the function's output
        const { logs: _logs, logsBare: _bare, ...rest } = e;
        const logs = withLogs ? shownLogs(e) : '';
        invocations.push({ ...rest, logs: logs.length > LIVE_MAX_LOG_CHARS ? logs.slice(0, LIVE_MAX_LOG_CHARS) : logs });
      },
      gauges(g) {
        if (!types.has('gauges')) return;
        if (agent && g.agentId !== agent) return;
        gauges.set(g.agentId, g); // only the latest per agent matters
      },
    });

    const removeListener = () => {
      removeFromHub();
      setClients();
    };
    setClients();
    let sinceWrite = 0;
    const tick = setInterval(() => {
      sinceWrite += batchMs;
      if (invocations.length === 0 && gauges.size === 0 && dropped === 0) {
        if (sinceWrite >= 15_000) {
          res.write(': ping\n\n');
          sinceWrite = 0;
        }
        return;
      }
      if (congested) {
        // the client reads slower than we send: keep the newest gauges, count the invocations
        dropped += invocations.length;
        invocations = [];
        return;
      }
      const batch: LiveBatch = { at: new Date().toISOString(), invocations, gauges: [...gauges.values()], dropped };
      invocations = [];
      gauges = new Map();
      dropped = 0;
      sinceWrite = 0;
      if (!res.write(`event: batch\ndata: ${JSON.stringify(batch)}\n\n`)) congested = true;
    }, batchMs);

    const end = () => {
      clearInterval(tick);
      removeListener();
      open.delete(end);
      if (!res.writableEnded) res.end();
    };
    open.add(end);
    req.raw.on('close', end);
    res.on('error', end);
  });
}
