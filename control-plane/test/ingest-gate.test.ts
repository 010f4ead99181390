// Ingestion yields to serving (consumers/ingest-gate.ts): the policy as a pure function, the gate
// with a scripted CPU reading, and the records and roll-up consumers on a real nats-server and PGlite
// holding records back while the (scripted) host is busy, then storing them all, exactly once.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { NatsConnection } from 'nats';
import { SUBJECTS, connectNats, cpuBusyPercent, createLogger, encodeInvocationBatch, ensureInvocationStream, ensureMetricsStream, hostCpuTimes, loadConfig, type CpuTimes } from '@stratus/common';
import { startTestNatsServer, type TestNatsServer } from '@stratus/common/testing/nats-server.ts';
import { makeInvocationEvent } from '@stratus/common/testing/invocation-events.ts';
import { IngestGate, SMALL_BATCH_BYTES, shouldDefer } from '../src/consumers/ingest-gate';
import { nextPullSize, startInvocationRecordsConsumer, type InvocationRecordsConsumer } from '../src/consumers/invocation-records';
import { openDatabase, type OpenedDatabase } from '../src/store/db';
import { InvocationStore } from '../src/store/invocations-repo';
import { startMetrics, type MetricsModule } from '../src/metrics/index';

const logger = createLogger('test');
logger.level = 'warn';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A CPU whose use is whatever `percent` says, advancing 100 ticks per reading. */
function scriptedCpu(percent: { value: number }): () => CpuTimes {
  const t = { idle: 0, total: 0 };
  return () => {
    t.total += 100;
    t.idle += 100 - percent.value;
    return { ...t };
  };
}

describe('ingest gate: policy', () => {
  it('defers only while the host was busy within the quiet period and the batch is younger than the limit', () => {
    const base = { quietMs: 1_000, maxDeferMs: 10_000 };
    assert.equal(shouldDefer({ ...base, msSinceBusy: 0, lagMs: 100 }), true);
    assert.equal(shouldDefer({ ...base, msSinceBusy: 999, lagMs: 9_999 }), true, 'a dip under the threshold does not release');
    assert.equal(shouldDefer({ ...base, msSinceBusy: 1_000, lagMs: 100 }), false, 'quiet for the whole period: store');
    assert.equal(shouldDefer({ ...base, msSinceBusy: 0, lagMs: 10_000 }), false, 'never later than maxDeferMs');
    assert.equal(shouldDefer({ ...base, msSinceBusy: undefined, lagMs: 0 }), false, 'never busy (or no reading) never defers');
    assert.equal(shouldDefer({ ...base, maxDeferMs: 0, msSinceBusy: 0, lagMs: 0 }), false, '0 turns deferral off');
    assert.equal(shouldDefer({ ...base, msSinceBusy: 0, lagMs: 100, bytes: 65_535, smallBatchBytes: 65_536 }), false, 'a small batch never waits');
    assert.equal(shouldDefer({ ...base, msSinceBusy: 0, lagMs: 100, bytes: 65_536, smallBatchBytes: 65_536 }), true, 'from the size on, it does');
    assert.equal(shouldDefer({ ...base, msSinceBusy: 0, lagMs: 100, bytes: 10, smallBatchBytes: 0 }), true, '0: no batch is small');
  });

  it("counts a trickle's message as small and a busy agent's full message as large, in the wire form agents publish", () => {
    const bytesOf = (n: number) => JSON.stringify(encodeInvocationBatch(Array.from({ length: n }, () => makeInvocationEvent({ function: 'bench-mif7k2x1-pon-noop-py-docker', logsBare: true })))).length;
    assert.ok(bytesOf(50) < SMALL_BATCH_BYTES, `50 records: ${bytesOf(50)} bytes`);
    assert.ok(bytesOf(256) > SMALL_BATCH_BYTES, `an agent's full message (256 records): ${bytesOf(256)} bytes`);
  });

  it('computes busy percent between two readings', () => {
    assert.equal(cpuBusyPercent({ idle: 90, total: 100 }, { idle: 140, total: 200 }), 50);
    assert.equal(cpuBusyPercent({ idle: 90, total: 100 }, { idle: 90, total: 100 }), undefined);
    assert.equal(cpuBusyPercent(undefined, { idle: 90, total: 100 }), undefined);
    const real = hostCpuTimes();
    assert.ok(real.total >= real.idle && real.idle >= 0, 'reads the host');
  });

  it('admits at once on a quiet host, waits on a busy one until it quiets or the batch is too old', async () => {
    const percent = { value: 10 };
    const gate = new IngestGate({ maxDeferMs: 1_500, busyPercent: 85, sampleMs: 20, quietMs: 100, readCpu: scriptedCpu(percent) });
    try {
      await sleep(60);
      let t0 = Date.now();
      await gate.admit(Date.now());
      assert.ok(Date.now() - t0 < 50, 'quiet: no wait');
      assert.equal(gate.stats.deferred, 0);

      percent.value = 100;
      await sleep(60);
      t0 = Date.now();
      setTimeout(() => (percent.value = 20), 300);
      await gate.admit(Date.now());
      const waited = Date.now() - t0;
      assert.ok(waited >= 280 && waited < 1_400, `waited until the host quieted (${waited} ms)`);

      percent.value = 100;
      await sleep(60);
      t0 = Date.now();
      await gate.admit(Date.now() - 1_000);
      const capped = Date.now() - t0;
      assert.ok(capped >= 400 && capped < 1_200, `a busy host holds a batch only until it is maxDeferMs old (${capped} ms)`);
      assert.equal(gate.stats.deferred, 2);

      t0 = Date.now();
      setTimeout(() => gate.close(), 100);
      await gate.admit(Date.now());
      assert.ok(Date.now() - t0 < 1_000, 'close releases a waiting batch');
    } finally {
      gate.close();
    }
  });
});

describe('ingest gate: how much the consumers pull', () => {
  const busy = { busy: () => true };
  const quiet = { busy: () => false };
  it('one message while the host is busy, a batch on a quiet host or when catching up', () => {
    assert.equal(nextPullSize(false, quiet), 8);
    assert.equal(nextPullSize(false, undefined), 8);
    assert.equal(nextPullSize(false, busy), 1);
    assert.equal(nextPullSize(true, busy), 8);
  });
  it('busy() follows the readings and the quiet period, and is false for a gate that never holds', async () => {
    const percent = { value: 100 };
    const gate = new IngestGate({ maxDeferMs: 1_000, busyPercent: 85, sampleMs: 20, quietMs: 100, readCpu: scriptedCpu(percent) });
    const never = new IngestGate({ maxDeferMs: 0, busyPercent: 85, readCpu: scriptedCpu(percent) });
    try {
      await sleep(80);
      assert.equal(gate.busy(), true);
      assert.equal(never.busy(), false);
      percent.value = 10;
      await sleep(250);
      assert.equal(gate.busy(), false);
    } finally {
      gate.close();
      never.close();
    }
  });
});

describe('ingest gate: a host under load that dips under the threshold now and then', () => {
  it('keeps holding through the dips, and stores once the host stayed quiet for the quiet period', async () => {
    // one reading in four under the threshold, as a loaded host waiting on wake-ups reads
    let n = 0;
    const percent = { value: 90 };
    const t = { idle: 0, total: 0 };
    const flapping = () => {
      const p = n++ % 4 === 3 ? 60 : percent.value;
      t.total += 100;
      t.idle += 100 - p;
      return { ...t };
    };
    const gate = new IngestGate({ maxDeferMs: 5_000, busyPercent: 85, sampleMs: 20, quietMs: 200, readCpu: flapping });
    try {
      await sleep(60);
      let admitted = false;
      const t0 = Date.now();
      const admission = gate.admit(Date.now()).then(() => { admitted = true; });
      await sleep(600);
      assert.equal(admitted, false, 'held through 600 ms of readings with dips');
      percent.value = 10; // the load ends
      await admission;
      const waited = Date.now() - t0;
      assert.ok(waited >= 750 && waited < 2_000, `stored once quiet for 200 ms (${waited} ms)`);
    } finally {
      gate.close();
    }
  });
});

describe('ingest gate: consumers on a real nats-server and PGlite', () => {
  let nats: TestNatsServer;
  let nc: NatsConnection;
  let opened: OpenedDatabase;
  let store: InvocationStore;
  let records: InvocationRecordsConsumer;
  let metrics: MetricsModule;
  let gate: IngestGate;
  let tmp: string;
  const percent = { value: 100 };

  before(async () => {
    nats = await startTestNatsServer();
    nc = await connectNats(nats.url);
    await ensureInvocationStream(nc);
    await ensureMetricsStream(nc);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stratus-ingest-gate-'));
    opened = await openDatabase({ databaseUrl: undefined, dataDir: tmp });
    store = new InvocationStore(opened.db, opened.copyIn);
    // small batches pass at once: below 2 KiB here (one record is about 490 bytes), so the 10- and
    // 30-record batches below are held and a lone record is not
    gate = new IngestGate({ maxDeferMs: 4_000, busyPercent: 85, sampleMs: 25, quietMs: 100, smallBatchBytes: 2_048, readCpu: scriptedCpu(percent) });
    records = await startInvocationRecordsConsumer({ nc, invocations: store, logger, gate });
    metrics = await startMetrics({ db: opened.db, nats: nc, config: loadConfig(), logger, flushIntervalMs: 100, gate });
  });

  after(async () => {
    gate?.close();
    await records?.close();
    await metrics?.close();
    await nc?.close();
    await nats?.dispose();
    await opened?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const publish = async (n: number, fn: string) => {
    const events = Array.from({ length: n }, () => makeInvocationEvent({ function: fn }));
    // as agents do: one message per batch
    await nc.jetstream().publish(SUBJECTS.invocation('agent-a'), JSON.stringify(events), { msgID: events[0].id });
    return events;
  };
  const storedOf = async (fn: string) => (await store.list({ function: fn, limit: 1000 })).length;
  const waitFor = async (cond: () => Promise<boolean>, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await cond())) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await sleep(50);
    }
  };

  it('holds records and roll-ups back while the host is busy, stores them once it quiets', async () => {
    percent.value = 100;
    await sleep(100);
    const processedBefore = metrics.consumers[0].stats.processed;
    await publish(30, 'held');
    await sleep(1_000);
    assert.equal(await storedOf('held'), 0, 'nothing stored while busy');
    assert.equal(metrics.consumers[0].stats.processed, processedBefore, 'nothing folded while busy');
    const info = await (await nc.jetstreamManager()).consumers.info('STRATUS_INVOCATIONS', 'stratus-control-plane-records');
    assert.ok(info.num_pending + info.num_ack_pending > 0, 'the record waits in JetStream, unacknowledged');
    percent.value = 10;
    await waitFor(async () => (await storedOf('held')) === 30, 3_000);
    await waitFor(async () => metrics.consumers[0].stats.processed === processedBefore + 30, 3_000);
  });

  it('pulls nothing more while it holds a batch: the backlog stays in JetStream, not delivered', async () => {
    percent.value = 100;
    await sleep(100);
    // 30 messages of 100 records (about 49 KB each): more than a pull made on a quiet host takes
    // (8 messages; 1 MiB for the roll-ups), which may still be waiting when the load starts
    for (let i = 0; i < 30; i++) await publish(100, `backlog-${i % 3}`);
    const stored = async () => (await storedOf('backlog-0')) + (await storedOf('backlog-1')) + (await storedOf('backlog-2'));
    await sleep(1_200);
    const jsm = await nc.jetstreamManager();
    const recordsInfo = await jsm.consumers.info('STRATUS_INVOCATIONS', 'stratus-control-plane-records');
    const rollupsInfo = await jsm.consumers.info('STRATUS_INVOCATIONS', 'stratus-metrics-rollups');
    // before, nats.js's consume() kept pulling: all 30 were delivered as they came and held in memory
    assert.ok(recordsInfo.num_ack_pending <= 8, `records consumer holds ${recordsInfo.num_ack_pending} messages`);
    assert.ok(recordsInfo.num_pending >= 22, `records consumer left ${recordsInfo.num_pending} in JetStream`);
    assert.ok(rollupsInfo.num_pending >= 5, `roll-up consumer left ${rollupsInfo.num_pending} in JetStream`);
    assert.equal(await stored(), 0);
    percent.value = 10;
    await waitFor(async () => (await stored()) === 3_000, 15_000);
  });

  it('stores a small batch at once on a busy host: a trickle of records is not what keeps it busy', async () => {
    percent.value = 100;
    await sleep(100);
    const deferredBefore = gate.stats.deferred;
    const [lone] = await publish(1, 'lone');
    await waitFor(async () => (await storedOf('lone')) === 1, 2_000);
    assert.equal((await store.get(lone.id)).id, lone.id);
    assert.equal(gate.stats.deferred, deferredBefore, 'the small batch did not wait');
  });

  it('stores regardless once a batch is maxDeferMs old, so a saturated host sees records at most that late', async () => {
    percent.value = 100;
    await sleep(100);
    const t0 = Date.now();
    await publish(10, 'capped');
    await waitFor(async () => (await storedOf('capped')) === 10, 10_000);
    const took = Date.now() - t0;
    assert.ok(took >= 3_500, `held about maxDeferMs (${took} ms)`);
    assert.ok(gate.stats.maxLagMs >= 3_900, `the gate saw the lag (${gate.stats.maxLagMs} ms)`);
    assert.equal(records.stats.duplicates, 0, 'nothing redelivered twice');
  });
});
