// A message NATS refuses for its size (max_payload, 1 MB by default) must not lose records or stall
// the others behind it. The bytes an agent estimates for a batch are the logs' characters, but JSON
// escapes control characters six-fold: a function printing 200,000 \x01 (under the 256 KB log cap)
// makes a 1.2 MB record. Real nats-server.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AckPolicy, DeliverPolicy, type NatsConnection } from 'nats';
import { INVOCATIONS_STREAM, connectNats, createLogger, invocationEventsOf, loadConfig, type GaugeEvent, type InvocationEvent } from '@stratus/common';
import { startTestNatsServer, type TestNatsServer } from '@stratus/common/testing/nats-server.ts';
import { makeInvocationEvent } from '@stratus/common/testing/invocation-events.ts';
import { createAgentTelemetry } from '../src/metrics/index';

const logger = createLogger('test');
logger.level = 'silent';
const gauges = (): Omit<GaugeEvent, 'schema' | 'agentId' | 'at'> => ({
  containers: [], memoryUsedMb: 0, memoryBudgetMb: 1024, queued: 0, running: 0, hostCpuPercent: 0, hostMemoryUsedMb: 0, hostMemoryTotalMb: 0,
});

/** Every record in the invocation stream, and the largest message's size. */
async function stored(nc: NatsConnection): Promise<{ records: InvocationEvent[]; largest: number }> {
  const jsm = await nc.jetstreamManager();
  const total = (await jsm.streams.info(INVOCATIONS_STREAM)).state.messages;
  const ci = await jsm.consumers.add(INVOCATIONS_STREAM, { ack_policy: AckPolicy.None, deliver_policy: DeliverPolicy.All, inactive_threshold: 30e9 });
  const consumer = await nc.jetstream().consumers.get(INVOCATIONS_STREAM, ci.name);
  const records: InvocationEvent[] = [];
  let largest = 0;
  let seen = 0;
  while (seen < total) {
    let got = 0;
    for await (const m of await consumer.fetch({ max_messages: 1000, expires: 2000 })) {
      records.push(...invocationEventsOf(m.json<unknown>()).events);
      largest = Math.max(largest, m.data.length);
      got++;
    }
    seen += got;
    if (got === 0) break;
  }
  await jsm.consumers.delete(INVOCATIONS_STREAM, ci.name);
  return { records, largest };
}

async function waitFor(cond: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

describe('agent telemetry and NATS max_payload', () => {
  let nats: TestNatsServer;
  let nc: NatsConnection;
  before(async () => {
    nats = await startTestNatsServer();
    nc = await connectNats(nats.url);
  });
  after(async () => {
    await nc.close();
    await nats.dispose();
  });

  it('publishes a record whose escaped logs exceed max_payload, its logs cut to fit, and every record around it', async () => {
    const telemetry = await createAgentTelemetry({ config: loadConfig({ natsUrl: nats.url, agentMetricsPort: 0 }), agentId: 'agent-big', logger, sampleGauges: gauges });
    try {
      const before = Array.from({ length: 100 }, () => makeInvocationEvent({ agentId: 'agent-big' }));
      const flood = makeInvocationEvent({ agentId: 'agent-big', logs: `start\n${'\u0001'.repeat(200_000)}`, logsBare: true });
      const after = Array.from({ length: 100 }, () => makeInvocationEvent({ agentId: 'agent-big' }));
      for (const r of before) telemetry.recordInvocation(r);
      telemetry.recordInvocation(flood);
      for (const r of after) telemetry.recordInvocation(r);
      await waitFor(() => telemetry.stats().published >= 201, 10_000);
      assert.equal(telemetry.stats().published, 201, `published ${telemetry.stats().published} of 201`);
      assert.equal(telemetry.stats().held, 0);
      const { records, largest } = await stored(nc);
      assert.equal(new Set(records.map((r) => r.id)).size, 201);
      const big = records.find((r) => r.id === flood.id)!;
      assert.equal(big.logsTruncated, true);
      assert.ok(big.logs.startsWith('start\n\u0001'), 'the head of the logs is kept');
      assert.ok(big.logs.length > 50_000, `kept ${big.logs.length} characters`);
      const info = nc.info!;
      assert.ok(largest <= info.max_payload, `largest message ${largest} B, max_payload ${info.max_payload}`);
    } finally {
      await telemetry.close();
    }
  });
});
