// The gateway's overhead events reach JetStream whatever the request rate. A second of invocations
// at several thousand a second was more than NATS takes in one message (max_payload, 1 MB by
// default): that event was refused and retried forever, and its overheads never stored. Now a flush
// goes out in events of at most 2,000 items, and an event still too large is split by the pump. Real
// nats-server, with a max_payload of 256 KB so that the split is needed; the invocations are
// recorded through the gateway's own recordGatewayInvocation.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type FastifyInstance } from 'fastify';
import type { NatsConnection } from 'nats';
import { connectNats, loadConfig, METRICS_STREAM, overheadEventOf, SUBJECTS, type OverheadEvent } from '@stratus/common';
import { startTestNatsServer, type TestNatsServer } from '@stratus/common/testing/nats-server.ts';
import { registerMetricsRoutes, type GatewayMetrics } from '../src/metrics/index';

let nats: TestNatsServer;
let nc: NatsConnection;
let app: FastifyInstance;
let metrics: GatewayMetrics;

before(async () => {
  nats = await startTestNatsServer(undefined, { maxPayload: 256 * 1024 });
  nc = await connectNats(nats.url);
  app = Fastify();
  // flushed by hand below (close), not by the timer
  metrics = registerMetricsRoutes(app, { config: loadConfig({ natsUrl: nats.url }), nats: nc, gatewayId: 'gw-test', overheadFlushMs: 60_000 });
  await app.ready();
});

after(async () => {
  await app.close();
  await nc.close();
  await nats.dispose();
});

/** Every overhead item stored in the stream, by request id. */
let largest = 0;
async function storedItems(): Promise<Map<string, OverheadEvent['items'][number]>> {
  const jsm = await nc.jetstreamManager();
  const info = await jsm.streams.info(METRICS_STREAM);
  const out = new Map<string, OverheadEvent['items'][number]>();
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const m = await jsm.streams.getMessage(METRICS_STREAM, { seq });
    if (!m.subject.startsWith(SUBJECTS.overhead(''))) continue;
    largest = Math.max(largest, m.data.length);
    for (const it of overheadEventOf(m.json<unknown>())?.items ?? []) out.set(it.requestId, it);
  }
  return out;
}

test('a second of 8,000 invocations reaches the stream whole, in messages the server accepts', async () => {
  const n = 8_000;
  for (let i = 0; i < n; i++) {
    metrics.recordGatewayInvocation({
      requestId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      function: 'bench-mif7k2x1-pon-noop-py-docker', backend: 'docker', agentId: 'vm-50052',
      statusCode: 200, coldStart: false, endToEndMs: 1.234567 + i / 1e6, durationMs: 0.3456789,
    });
  }
  await metrics.close(); // flushes and waits (bounded) for the acknowledgements
  const items = await storedItems();
  assert.equal(items.size, n, `${items.size} of ${n} overhead items stored`);
  const last = items.get(`00000000-0000-4000-8000-${String(n - 1).padStart(12, '0')}`)!;
  assert.equal(last.function, 'bench-mif7k2x1-pon-noop-py-docker');
  assert.ok(Math.abs(last.overheadMs - (1.234567 + (n - 1) / 1e6 - 0.3456789)) <= 0.0005, 'to the microsecond (the wire form keeps no more)');
  assert.equal(metrics.stats().queued, 0);
  assert.ok(largest <= 256 * 1024, `largest message ${largest} B`);
});
