// A client that connects to the live stream gets each agent's latest gauges at once (the gateway
// keeps them), not only after the agents' next sample: `stratus top` shows the agents in its first
// frame. Real nats-server; the agent is this test publishing one gauge event.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type FastifyInstance } from 'fastify';
import type { NatsConnection } from 'nats';
import { connectNats, EVENT_SCHEMA_VERSION, SUBJECTS, type GaugeEvent } from '@stratus/common';
import { startTestNatsServer, type TestNatsServer } from '@stratus/common/testing/nats-server.ts';
import { registerLiveRoutes } from '../src/live/index';
import { followLive } from '../src/live/client';
import type { LiveBatch } from '../src/live/types';

let nats: TestNatsServer;
let nc: NatsConnection;
let app: FastifyInstance;
let url: string;

const gauge = (agentId: string): GaugeEvent => ({
  schema: EVENT_SCHEMA_VERSION, agentId, at: new Date().toISOString(),
  containers: [{ backend: 'docker', runtime: 'python3.11', state: 'idle', count: 3 }],
  memoryUsedMb: 384, memoryBudgetMb: 12_000, queued: 0, running: 1,
  hostCpuPercent: 12.5, hostMemoryUsedMb: 2_000, hostMemoryTotalMb: 24_000,
});

/** Publishes and waits until a subscriber of the same connection has seen it (the hub's subscription is older, so it has too). */
async function publishSeen(subject: string, body: object): Promise<void> {
  const seen = new Promise<void>((resolve) => {
    const probe = nc.subscribe(subject, { max: 1, callback: () => resolve() });
    void probe;
  });
  nc.publish(subject, JSON.stringify(body));
  await seen;
  await new Promise((r) => setImmediate(r));
}

/** The first batch of a live stream that carries gauges, or undefined after `ms`. */
async function firstGauges(query: { agent?: string }, ms: number): Promise<LiveBatch | undefined> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), ms);
  try {
    for await (const batch of followLive(url, { types: ['gauges'], agent: query.agent, signal: ac.signal })) {
      if (batch.gauges.length > 0) return batch;
    }
    return undefined;
  } finally {
    clearTimeout(timer);
    ac.abort();
  }
}

before(async () => {
  nats = await startTestNatsServer();
  nc = await connectNats(nats.url);
  app = Fastify({ logger: false });
  registerLiveRoutes(app, { nats: nc, batchMs: 50 });
  await app.listen({ host: '127.0.0.1', port: 0 });
  url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
});

after(async () => {
  await app?.close();
  await nc?.close();
  await nats?.dispose();
});

test('hands a new client the latest gauges of each agent without waiting for the next sample', async () => {
  // Arrange: two agents sampled once each, before any client follows; nothing is published after.
  await publishSeen(SUBJECTS.gauges('agent-a'), { ...gauge('agent-a'), running: 5 });
  await publishSeen(SUBJECTS.gauges('agent-a'), gauge('agent-a')); // the latest counts
  await publishSeen(SUBJECTS.gauges('agent-b'), gauge('agent-b'));

  // Act
  const batch = await firstGauges({}, 5_000);

  // Assert
  assert.ok(batch, 'a batch with gauges arrived');
  const byAgent = new Map(batch.gauges.map((g) => [g.agentId, g]));
  assert.deepEqual([...byAgent.keys()].sort(), ['agent-a', 'agent-b']);
  assert.equal(byAgent.get('agent-a')!.running, 1);
  assert.equal(byAgent.get('agent-a')!.memoryUsedMb, 384);
});

test("a client following one agent gets only that agent's gauges", async () => {
  const batch = await firstGauges({ agent: 'agent-b' }, 5_000);
  assert.ok(batch);
  assert.deepEqual(batch.gauges.map((g) => g.agentId), ['agent-b']);
});

test('no gauges for an agent that never sampled', async () => {
  assert.equal(await firstGauges({ agent: 'agent-z' }, 600), undefined);
});
