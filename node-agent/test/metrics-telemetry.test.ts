import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { AckPolicy, DeliverPolicy, type NatsConnection } from 'nats';
import { INVOCATIONS_STREAM, METRICS_STREAM, SUBJECTS, connectNats, createLogger, invocationEventsOf, loadConfig, overheadItemsMsOf, type GaugeEvent, type InvocationEvent } from '@stratus/common';
import { startTestNatsServer, type TestNatsServer } from '@stratus/common/testing/nats-server.ts';
import { makeInvocationEvent } from '@stratus/common/testing/invocation-events.ts';
import { createAgentTelemetry, Outbox } from '../src/metrics/index';

const logger = createLogger('test');
logger.level = 'warn';
const gauges = (): Omit<GaugeEvent, 'schema' | 'agentId' | 'at'> => ({
  containers: [
    { backend: 'docker', runtime: 'python3.11', state: 'warm', count: 2 },
    { backend: 'gvisor', runtime: 'nodejs20.x', state: 'busy', count: 1 },
  ],
  memoryUsedMb: 384,
  memoryBudgetMb: 4096,
  queued: 1,
  running: 3,
  hostCpuPercent: 12.5,
  hostMemoryUsedMb: 2000,
  hostMemoryTotalMb: 24000,
});

/** Record ids in the invocation stream (messages carry one record or a batch), read with an ephemeral consumer. */
async function idsInStream(nc: NatsConnection): Promise<string[]> {
  return (await eventsInStream(nc)).map((e) => e.id);
}

async function eventsInStream(nc: NatsConnection): Promise<InvocationEvent[]> {
  const jsm = await nc.jetstreamManager();
  const info = await jsm.streams.info(INVOCATIONS_STREAM);
  const total = info.state.messages;
  const js = nc.jetstream();
  const ci = await jsm.consumers.add(INVOCATIONS_STREAM, { ack_policy: AckPolicy.None, deliver_policy: DeliverPolicy.All, inactive_threshold: 30e9 });
  const consumer = await js.consumers.get(INVOCATIONS_STREAM, ci.name);
  const ids: InvocationEvent[] = [];
  let messages = 0;
  while (messages < total) {
    const batch = await consumer.fetch({ max_messages: 1000, expires: 2000 });
    let got = 0;
    for await (const m of batch) {
      ids.push(...invocationEventsOf(m.json<unknown>()).events);
      got++;
    }
    messages += got;
    if (got === 0) break;
  }
  await jsm.consumers.delete(INVOCATIONS_STREAM, ci.name);
  return ids;
}

async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('agent telemetry', () => {
  let nats: TestNatsServer;
  before(async () => {
    nats = await startTestNatsServer();
  });
  after(async () => {
    await nats.dispose();
  });

  it('publishes every record to JetStream, gauges on core NATS, and serves valid Prometheus text', async () => {
    const config = loadConfig({ natsUrl: nats.url, agentMetricsPort: 0 });
    const nc = await connectNats(nats.url);
    const gaugeSub = nc.subscribe(SUBJECTS.gauges('agent-t1'), { max: 1 });
    const telemetry = await createAgentTelemetry({ config, agentId: 'agent-t1', logger, sampleGauges: gauges, gaugeIntervalMs: 200 });
    try {
      const records = Array.from({ length: 50 }, (_, i) =>
        makeInvocationEvent({ agentId: 'agent-t1', function: i % 2 ? 'echo' : 'sleep', coldStart: i < 3, status: i % 10 === 0 ? 'error' : 'success', errorType: i % 10 === 0 ? 'Handled' : '' }),
      );
      for (const r of records) telemetry.recordInvocation(r);
      telemetry.recordThrottle('echo', 'docker');
      await waitFor(() => telemetry.stats().published >= 50);
      const ids = await idsInStream(nc);
      assert.deepEqual(new Set(ids), new Set(records.map((r) => r.id)));

      for await (const m of gaugeSub) {
        const g = m.json<GaugeEvent>();
        assert.equal(g.agentId, 'agent-t1');
        assert.equal(g.schema, 1);
        assert.equal(g.containers.length, 2);
      }

      const res = await fetch(`http://127.0.0.1:${telemetry.metricsPort}/metrics`);
      const text = await res.text();
      assert.equal(res.status, 200);
      assert.match(text, /stratus_invocations_total\{function="echo",backend="docker",status="success",start="warm",agent="agent-t1"\} \d+/);
      assert.match(text, /stratus_cold_starts_total\{function="sleep",backend="docker",agent="agent-t1"\} 2/);
      assert.match(text, /stratus_throttles_total\{function="echo",backend="docker",agent="agent-t1"\} 1/);
      assert.match(text, /stratus_containers\{backend="gvisor",runtime="nodejs20.x",state="busy",agent="agent-t1"\} 1/);
      assert.match(text, /stratus_invocation_duration_seconds_bucket\{le="0.025",agent="agent-t1",function="echo",backend="docker"\} \d+/);
      execFileSync('promtool', ['check', 'metrics'], { input: text });
    } finally {
      await telemetry.close();
      await nc.close();
    }
  });

  it('puts the overheads a gateway sends back in their records, and publishes those that miss their batch', async () => {
    const config = loadConfig({ natsUrl: nats.url, agentMetricsPort: 0 });
    const nc = await connectNats(nats.url);
    const telemetry = await createAgentTelemetry({ config, agentId: 'agent-oh', logger, sampleGauges: gauges });
    const overhead = (requestId: string, overheadMs: number) => ({ requestId, function: 'echo', backend: 'docker', overheadMs, endToEndMs: overheadMs + 12.5 });
    try {
      assert.ok(telemetry.recordOverheads, 'an agent that publishes takes overheads');
      const [early, inBatch, late] = ['early', 'in-batch', 'late'].map(() => makeInvocationEvent({ agentId: 'agent-oh', function: 'echo' }));
      telemetry.recordOverheads([overhead(early.id, 0.75)]); // before its record: waits for it
      telemetry.recordInvocation(early);
      telemetry.recordInvocation(inBatch);
      telemetry.recordInvocation(late);
      telemetry.recordOverheads([overhead(inBatch.id, 0.5)]);
      await waitFor(() => telemetry.stats().published >= 1); // the batch left
      telemetry.recordOverheads([overhead(late.id, 2.25)]);

      const overheads = new Map((await eventsInStream(nc)).map((e) => [e.id, e.overheadMs]));
      assert.deepEqual([overheads.get(early.id), overheads.get(inBatch.id), overheads.get(late.id)], [0.75, 0.5, 0]);

      const jsm = await nc.jetstreamManager();
      const ci = await jsm.consumers.add(METRICS_STREAM, { ack_policy: AckPolicy.None, deliver_policy: DeliverPolicy.All, filter_subject: SUBJECTS.overhead('agent-oh') });
      const consumer = await nc.jetstream().consumers.get(METRICS_STREAM, ci.name);
      const messages = await consumer.fetch({ max_messages: 10, expires: 3_000 }); // published within a second
      const items = [];
      for await (const m of messages) {
        items.push(...(overheadItemsMsOf(m.json<unknown>()) ?? []));
        break;
      }
      assert.deepEqual(items.map((i) => [i.requestId, i.function, i.agentId, i.overheadMs]), [[late.id, 'echo', 'agent-oh', 2.25]], 'only the late one, once');
    } finally {
      await telemetry.close();
      await nc.close();
    }
  });

  it('sends a batch as soon as it holds STRATUS_METRICS_BATCH_RECORDS records, and the rest after STRATUS_METRICS_BATCH_MS', async () => {
    const windowMs = 3_000;
    const config = loadConfig({ natsUrl: nats.url, agentMetricsPort: 0, metricsBatchRecords: 10, metricsBatchMs: windowMs });
    const nc = await connectNats(nats.url);
    const telemetry = await createAgentTelemetry({ config, agentId: 'agent-batch', logger, sampleGauges: gauges });
    try {
      const records = Array.from({ length: 25 }, () => makeInvocationEvent({ agentId: 'agent-batch' }));
      const t0 = Date.now();
      for (const r of records) telemetry.recordInvocation(r);
      await waitFor(() => telemetry.stats().published >= 20);
      // checked in the same tick: the window's timer cannot have fired in between
      assert.ok(Date.now() - t0 < windowMs, 'two full batches leave without waiting for the window');
      assert.equal(telemetry.stats().published, 20, 'the last five wait for the window');
      await waitFor(() => telemetry.stats().published === 25, windowMs + 10_000);
      assert.ok(Date.now() - t0 >= windowMs, 'and leave once it has passed');

      const jsm = await nc.jetstreamManager();
      const ci = await jsm.consumers.add(INVOCATIONS_STREAM, { ack_policy: AckPolicy.None, deliver_policy: DeliverPolicy.All, filter_subject: SUBJECTS.invocation('agent-batch') });
      const consumer = await nc.jetstream().consumers.get(INVOCATIONS_STREAM, ci.name);
      const sizes: number[] = [];
      for await (const m of await consumer.fetch({ max_messages: 3, expires: 3_000 })) sizes.push(invocationEventsOf(m.json<unknown>()).events.length);
      assert.deepEqual(sizes, [10, 10, 5]);
    } finally {
      await telemetry.close();
      await nc.close();
    }
  });

  it('switches publishing on and off while it runs: records made while off never leave', async () => {
    const config = loadConfig({ natsUrl: nats.url, agentMetricsPort: 0, metricsEnabled: false });
    const nc = await connectNats(nats.url);
    const telemetry = await createAgentTelemetry({ config, agentId: 'agent-sw', logger, sampleGauges: gauges });
    try {
      const [a, b, c, d] = [0, 1, 2, 3].map(() => makeInvocationEvent({ agentId: 'agent-sw', function: 'echo' }));
      assert.equal(telemetry.takesOverheads(), false);
      telemetry.recordInvocation(a); // started off: not published
      telemetry.setPublishing(true); // connects to NATS now
      assert.equal(telemetry.takesOverheads(), true);
      telemetry.recordInvocation(b);
      telemetry.recordInvocation(c);
      telemetry.setPublishing(false); // the batch being gathered (b, c) still leaves
      assert.equal(telemetry.takesOverheads(), false);
      telemetry.recordInvocation(d);
      await waitFor(() => telemetry.stats().published >= 1 && telemetry.stats().held === 0);
      await new Promise((r) => setTimeout(r, 1_300)); // past a batch window (1 s): d would have left by now
      const ids = (await eventsInStream(nc)).filter((e) => e.agentId === 'agent-sw').map((e) => e.id);
      assert.deepEqual(ids, [b.id, c.id]);
    } finally {
      await telemetry.close();
      await nc.close();
    }
  });

  it('caps distinct function labels and puts the rest under _other', async () => {
    const config = loadConfig({ natsUrl: nats.url, agentMetricsPort: 0, metricsEnabled: false });
    const telemetry = await createAgentTelemetry({ config, agentId: 'agent-cap', logger, sampleGauges: gauges, maxFunctionLabels: 3 });
    try {
      for (let i = 0; i < 10; i++) telemetry.recordInvocation(makeInvocationEvent({ function: `f${i}` }));
      const text = await (await fetch(`http://127.0.0.1:${telemetry.metricsPort}/metrics`)).text();
      const fns = new Set([...text.matchAll(/stratus_invocations_total\{function="([^"]+)"/g)].map((m) => m[1]));
      assert.deepEqual([...fns].sort(), ['_other', 'f0', 'f1', 'f2']);
      assert.match(text, /stratus_invocations_total\{function="_other"[^}]*\} 7/);
    } finally {
      await telemetry.close();
    }
  });

  it('loses no record when NATS is stopped and restarted in the middle of a load', async () => {
    const config = loadConfig({ natsUrl: nats.url, agentMetricsPort: 0 });
    const telemetry = await createAgentTelemetry({ config, agentId: 'agent-outage', logger, sampleGauges: gauges });
    const nc0 = await connectNats(nats.url);
    const before = (await idsInStream(nc0)).length;
    await nc0.close();
    const sent: string[] = [];
    let stop = false;
    // a steady load of ~2000 records/s for the whole test
    const load = (async () => {
      while (!stop) {
        for (let i = 0; i < 20; i++) {
          const r = makeInvocationEvent({ agentId: 'agent-outage' });
          telemetry.recordInvocation(r);
          sent.push(r.id);
        }
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    try {
      await waitFor(() => telemetry.stats().published > 500);
      await nats.stop();
      const atStop = sent.length;
      await waitFor(() => sent.length > atStop + 2000); // the load goes on while NATS is down
      assert.ok(telemetry.stats().held > 1000, 'records wait in the outbox while NATS is down');
      await nats.start();
      await new Promise((r) => setTimeout(r, 1000));
      stop = true;
      await load;
      await waitFor(() => telemetry.stats().held === 0, 60_000);
      const nc = await connectNats(nats.url);
      const ids = await idsInStream(nc);
      await nc.close();
      const stored = new Set(ids);
      const missing = sent.filter((id) => !stored.has(id));
      assert.equal(missing.length, 0, `${missing.length} of ${sent.length} records missing`);
      assert.equal(ids.length - before, sent.length, 'no duplicates in the stream');
      assert.equal(telemetry.stats().dropped, 0);
    } finally {
      stop = true;
      await load;
      await telemetry.close();
    }
  });
});

describe('outbox', () => {
  it('drops the oldest items beyond its bounds and counts them', () => {
    const box = new Outbox({ maxItems: 3, maxBytes: 1_000 });
    for (let i = 0; i < 5; i++) box.push({ subject: 's', msgId: String(i), payload: i, bytes: 10 });
    assert.equal(box.length, 3);
    assert.equal(box.dropped, 2);
    assert.deepEqual(box.take(10).map((x) => x.msgId), ['2', '3', '4']);
  });

  it('puts failed items back ahead of newer ones', () => {
    const box = new Outbox({ maxItems: 10, maxBytes: 1_000 });
    for (let i = 0; i < 3; i++) box.push({ subject: 's', msgId: String(i), payload: i, bytes: 10 });
    const taken = box.take(2);
    box.push({ subject: 's', msgId: 'new', payload: 0, bytes: 10 });
    box.putBack(taken);
    assert.deepEqual(box.take(10).map((x) => x.msgId), ['0', '1', '2', 'new']);
  });

  it('replaces a taken item by smaller ones at the front, and counts records it loses as dropped', () => {
    const box = new Outbox({ maxItems: 10, maxBytes: 1_000 });
    box.push({ subject: 's', msgId: 'big', payload: 0, bytes: 100, records: 4 });
    box.push({ subject: 's', msgId: 'next', payload: 0, bytes: 10 });
    const [big] = box.take(1);
    box.replace(big, [{ subject: 's', msgId: 'a', payload: 0, bytes: 50, records: 2 }, { subject: 's', msgId: 'b', payload: 0, bytes: 50, records: 1 }]);
    assert.equal(box.held, 4); // a, b and next
    assert.equal(box.dropped, 1);
    assert.equal(box.bytes, 110);
    assert.deepEqual(box.take(10).map((x) => x.msgId), ['a', 'b', 'next']);
  });

  it('bounds bytes as well as items', () => {
    const box = new Outbox({ maxItems: 100, maxBytes: 100 });
    for (let i = 0; i < 5; i++) box.push({ subject: 's', msgId: String(i), payload: i, bytes: 40 });
    assert.equal(box.length, 2);
    assert.equal(box.bytes, 80);
  });
});
