// Agent telemetry: every invocation record goes to JetStream (stream STRATUS_INVOCATIONS) off the hot
// path; gauges are sampled every GAUGE_INTERVAL_MS and published on core NATS; Prometheus scrapes
// /metrics on the agent's metrics port. See docs/metrics.md.
//
// Delivery: recordInvocation adds the record to a batch (what finishes within 1 s, one message in
// the compact wire form: common/src/event-wire.ts) that goes onto a bounded outbox (100k messages / 64 MB), and returns. A pump publishes with JetStream
// acknowledgements and Nats-Msg-Id = the batch's first record id; a batch leaves the outbox only once
// acknowledged, so a NATS outage (or restart) loses nothing up to the bound, and a resend of a batch
// that did arrive is deduplicated by the stream.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NatsConnection } from 'nats';
import type { Logger } from 'pino';
import {
  EVENT_SCHEMA_VERSION,
  OverheadRows,
  SUBJECTS,
  connectNats,
  encodeInvocationBatch,
  ensureInvocationStream,
  ensureMetricsStream,
  type GaugeEvent,
  type InvocationEvent,
  type InvocationEventMs,
  type StratusConfig,
  type ThrottleEvent,
} from '@stratus/common';
import { DEFAULT_OUTBOX_LIMITS, JetStreamPump, Outbox, splitEvent, type OutboxLimits } from '@stratus/common';
import { AgentPrometheus } from './prometheus';
import { fitInvocationMessage } from './fit-message';
import { OverheadMatcher, type OverheadItem } from './overhead-matcher';

export { createHostSampler, type HostSample } from './host-sampler';
export { Outbox, DEFAULT_OUTBOX_LIMITS } from '@stratus/common';

export const GAUGE_INTERVAL_MS = 2_000;
const THROTTLE_FLUSH_MS = 1_000;
const BATCH_MAX_BYTES = 512 * 1024; // estimated; NATS refuses messages over 1 MB

/** An invocation's record as the agent makes it: times as epoch ms (the invoker) or ISO strings. */
export type InvocationRecord = InvocationEvent | InvocationEventMs;

export interface AgentTelemetry {
  /** Never blocks; batched publishing on NATS JetStream, bounded buffer while NATS is down. */
  recordInvocation(record: InvocationRecord): void;
  recordThrottle(fn: string, backend: string): void;
  /** Gateways' overheads for this agent's invocations, into their records. */
  recordOverheads(items: readonly OverheadItem[]): void;
  /** Whether records are published now, and so take their overheads (InvokeResponseBatch.takes_overheads). */
  takesOverheads(): boolean;
  /**
   * Switches publishing on or off while the agent runs (AgentService.SetMetrics). Off: the batch
   * being gathered leaves at once and no record or gauge is published after it; on: connects to
   * NATS if it never did. Prometheus counts either way.
   */
  setPublishing(enabled: boolean): void;
  close(): Promise<void>;
  /** Prometheus /metrics HTTP server of the agent (STRATUS_AGENT_METRICS_PORT, 0 = free port). */
  readonly metricsPort: number;
  /** For tests and /healthz: events waiting for an ack, dropped, acknowledged; NATS connected. */
  stats(): { held: number; dropped: number; published: number; duplicates: number; connected: boolean };
  /** The latest gauge event published (undefined before the first sample). */
  lastGauges(): GaugeEvent | undefined;
}

export interface CreateAgentTelemetryOptions {
  config: StratusConfig;
  agentId: string;
  logger: Logger;
  sampleGauges: () => Omit<GaugeEvent, 'schema' | 'agentId' | 'at'>;
  /** Use this connection instead of opening one (it is not closed by close()). */
  nats?: NatsConnection;
  outboxLimits?: OutboxLimits;
  gaugeIntervalMs?: number;
  maxFunctionLabels?: number;
}

/**
 * Starts the agent's telemetry. Resolves once the /metrics server listens; the NATS connection is
 * made in the background (an agent starts and serves while NATS is still down; records wait in the
 * outbox). With config.metricsEnabled false, nothing is published (Prometheus still works) until
 * setPublishing(true).
 */
export async function createAgentTelemetry(opts: CreateAgentTelemetryOptions): Promise<AgentTelemetry> {
  const { config, agentId, logger: parentLogger } = opts;
  const logger = parentLogger.child({ component: 'telemetry' });
  let publish = config.metricsEnabled;
  const outbox = new Outbox(opts.outboxLimits ?? DEFAULT_OUTBOX_LIMITS);
  let nc: NatsConnection | undefined = opts.nats;
  let closed = false;
  const ensureStreams = async (c: NatsConnection) => {
    await ensureInvocationStream(c);
    await ensureMetricsStream(c);
  };
  const invocationSubject = SUBJECTS.invocation(agentId);
  const throttleSubject = SUBJECTS.throttles(agentId);
  const overheadSubject = SUBJECTS.overhead(agentId);
  const pump = new JetStreamPump(outbox, {
    logger,
    onNoStream: async () => {
      if (nc) await ensureStreams(nc);
    },
    oversize: (item, bytes, maxBytes) =>
      item.subject === invocationSubject ? fitInvocationMessage(item, bytes, maxBytes) : splitEvent(item, item.subject === overheadSubject ? 'items' : 'counts'),
  });
  const prom = new AgentPrometheus({
    agentId,
    maxFunctionLabels: opts.maxFunctionLabels,
    telemetry: () => ({ held: outbox.held, dropped: outbox.dropped, published: pump.stats.published }),
  });

  const attach = async (c: NatsConnection) => {
    try {
      await ensureStreams(c);
    } catch (err) {
      logger.warn({ err }, 'could not ensure the JetStream streams yet; will retry on publish');
    }
    pump.attach(c);
    void (async () => {
      for await (const s of c.status()) if (s.type === 'reconnect') pump.kick();
    })().catch(() => undefined);
  };
  const aborter = new AbortController();
  let connecting = false;
  /** Attaches the given connection, or opens one in the background (once). */
  const connect = async () => {
    if (connecting || closed) return;
    connecting = true;
    if (nc) return attach(nc);
    void connectNats(config.natsUrl, { name: `stratus-agent-telemetry-${agentId}`, logger, signal: aborter.signal })
      .then(async (c) => {
        if (closed) {
          await c.close();
          return;
        }
        nc = c;
        await attach(c);
      })
      .catch((err) => {
        if (!closed) logger.error({ err }, 'telemetry could not connect to NATS');
      });
  };
  if (publish) await connect();

  // Invocation records leave in batches: what finished within metricsBatchMs goes out as one
  // message (one JetStream publish, store, ack and delivery to each consumer instead of one per
  // invocation: metrics on cost 62% of throughput at c=32 before, measured by npm run bench). A
  // 100 ms window rather than 5 ms: at a few hundred calls a second, 5 ms woke NATS, its ack and both
  // control-plane consumers every other call, and those wake-ups took the CPU from the invocations
  // themselves (metrics cost on warm p50 35% -> 13% for Python, 13% -> 6% for Node, paired bench
  // runs). 1 s and 1,024 records rather than 100 ms and 256 (since 2026-12-07): at c=1 (1,300 calls a
  // second) the ten messages a second still cost the control plane 20-47, NATS 7-23 and PostgreSQL
  // 0-13 µs of CPU per call, against 13-25, 3-10 and 0-3 with about one a second (npm run bench,
  // metrics-warm rows, five and four runs), all on the two cores the calls run on. The live stream is 1 s later at
  // most. The batch is one outbox item, so a resend is the same message with the same Nats-Msg-Id
  // (the first record's id) and deduplicated. The size estimate is the compact form's (about 100
  // bytes a quiet record) with room to spare; an encoded batch over NATS's limit is split anyway.
  let batch: InvocationRecord[] = [];
  let batchBytes = 0;
  let batchTimer: NodeJS.Timeout | undefined;
  const flushBatch = () => {
    if (batchTimer) clearTimeout(batchTimer);
    batchTimer = undefined;
    if (batch.length === 0) return;
    const events = batch;
    outbox.push({ subject: invocationSubject, msgId: events[0].id, payload: encodeInvocationBatch(events), bytes: batchBytes, records: events.length });
    overheads.flushed();
    batch = [];
    batchBytes = 0;
    pump.kick();
  };

  // throttles: counted per function and backend, one JetStream event per second at most
  let throttleCounts = new Map<string, { function: string; backend: string; count: number; at: string }>();
  const flushThrottles = () => {
    if (throttleCounts.size === 0) return;
    const counts = [...throttleCounts.values()];
    throttleCounts = new Map();
    const event: ThrottleEvent = { schema: EVENT_SCHEMA_VERSION, agentId, id: randomUUID(), at: new Date().toISOString(), counts };
    outbox.push({ subject: throttleSubject, msgId: event.id, payload: event, bytes: 200 + 100 * counts.length });
    pump.kick();
  };

  // Overheads that missed their record's batch (or whose record never came) are published as the
  // gateways' OverheadEvents are, once a second with the throttles.
  const lateOverheads = new OverheadRows();
  const overheads = new OverheadMatcher((it) => {
    if (lateOverheads.length < 100_000) lateOverheads.add(it.requestId, it.function ?? '', it.backend ?? '', agentId, it.overheadMs, it.endToEndMs);
  });
  const flushLateOverheads = () => {
    overheads.sweep();
    if (lateOverheads.length === 0) return;
    for (const event of lateOverheads.take(agentId, randomUUID, 2_000)) {
      outbox.push({ subject: overheadSubject, msgId: event.id, payload: event, bytes: 200 + 160 * event.items.length });
    }
    pump.kick();
  };
  const throttleTimer = setInterval(() => {
    flushThrottles();
    flushLateOverheads();
  }, THROTTLE_FLUSH_MS);
  throttleTimer.unref();

  // gauges: sampled on an interval, core NATS (only the latest matters; a lost sample is harmless)
  let last: GaugeEvent | undefined;
  const encoder = new TextEncoder();
  const sample = () => {
    try {
      const g = opts.sampleGauges();
      prom.gauges(g);
      last = { ...g, schema: EVENT_SCHEMA_VERSION, agentId, at: new Date().toISOString() };
      if (publish && nc && !nc.isClosed()) nc.publish(SUBJECTS.gauges(agentId), encoder.encode(JSON.stringify(last)));
    } catch (err) {
      logger.warn({ err }, 'gauge sample failed');
    }
  };
  const gaugeTimer = setInterval(sample, opts.gaugeIntervalMs ?? GAUGE_INTERVAL_MS);
  gaugeTimer.unref();
  setImmediate(sample);

  const server = await listenMetrics(config, prom, logger);
  const metricsPort = (server.address() as AddressInfo).port;
  logger.info({ metricsPort, publish }, 'agent telemetry started');

  return {
    metricsPort,
    recordInvocation(record: InvocationRecord): void {
      try {
        prom.invocation(record);
      } catch (err) {
        // a malformed record must never break the invocation that produced it
        logger.debug({ err }, 'prometheus update failed');
      }
      if (!publish) return;
      overheads.record(record);
      batch.push(record);
      batchBytes += 160 + (record.logs?.length ?? 0) + (record.errorMessage?.length ?? 0);
      if (batch.length >= config.metricsBatchRecords || batchBytes >= BATCH_MAX_BYTES) flushBatch();
      else batchTimer ??= setTimeout(flushBatch, config.metricsBatchMs);
    },
    recordThrottle(fn: string, backend: string): void {
      try {
        prom.throttle(fn, backend);
      } catch (err) {
        logger.debug({ err }, 'prometheus update failed');
      }
      if (!publish) return;
      const key = `${fn}\u0000${backend}`;
      const entry = throttleCounts.get(key);
      if (entry) entry.count++;
      else throttleCounts.set(key, { function: fn, backend, count: 1, at: new Date().toISOString() });
    },
    recordOverheads(items: readonly OverheadItem[]): void {
      // switched off: only the records published before have somewhere to take theirs
      overheads.overheads(publish ? items : items.filter((it) => overheads.knows(it.requestId)));
    },
    takesOverheads: () => publish,
    setPublishing(enabled: boolean): void {
      if (enabled === publish || closed) return;
      publish = enabled;
      logger.info({ publish }, 'invocation records and gauges switched');
      if (enabled) void connect();
      else flushBatch();
    },
    stats: () => ({
      held: outbox.held,
      dropped: outbox.dropped,
      published: pump.stats.published,
      duplicates: pump.stats.duplicates,
      connected: !!nc && !nc.isClosed(),
    }),
    lastGauges: () => last,
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      aborter.abort();
      clearInterval(gaugeTimer);
      clearInterval(throttleTimer);
      flushThrottles();
      flushBatch();
      overheads.drain();
      flushLateOverheads();
      await pump.close(5_000);
      if (outbox.held > 0) logger.warn({ held: outbox.held }, 'telemetry closed with unpublished events');
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections?.();
      if (!opts.nats && nc) await nc.close().catch(() => undefined);
    },
  };
}

async function listenMetrics(config: StratusConfig, prom: AgentPrometheus, logger: Logger): Promise<http.Server> {
  const handler: http.RequestListener = (req, res) => {
    if (req.method === 'GET' && (req.url === '/metrics' || req.url?.startsWith('/metrics?'))) {
      prom.registry.metrics().then(
        (body) => {
          res.writeHead(200, { 'content-type': prom.registry.contentType });
          res.end(body);
        },
        (err) => {
          logger.error({ err }, 'metrics collection failed');
          res.writeHead(500).end();
        },
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 'NOT_FOUND', message: 'only GET /metrics is served here' } }));
  };
  const tryListen = (port: number) =>
    new Promise<http.Server>((resolve, reject) => {
      const server = http.createServer(handler);
      server.once('error', reject);
      server.listen(port, config.host, () => {
        server.off('error', reject);
        resolve(server);
      });
    });
  try {
    return await tryListen(config.agentMetricsPort);
  } catch (err) {
    // the default port taken (a second agent on this host) and not set explicitly: take a free one
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE' && !process.env.STRATUS_AGENT_METRICS_PORT) {
      logger.warn({ port: config.agentMetricsPort }, 'default agent metrics port in use; using a free port');
      return tryListen(0);
    }
    throw err;
  }
}
