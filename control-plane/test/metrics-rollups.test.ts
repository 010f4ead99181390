// Roll-ups end to end on a private nats-server: synthetic events from two agents go through
// JetStream into the metrics consumer and the store (PostgreSQL of this machine and PGlite), and the
// MetricsService queries give back exactly the known counts and percentiles.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { headers, type NatsConnection } from 'nats';
import {
  EVENT_SCHEMA_VERSION,
  SUBJECTS,
  connectNats,
  createLogger,
  ensureInvocationStream,
  ensureMetricsStream,
  loadConfig,
  type InvocationEvent,
  type OverheadEvent,
  type ThrottleEvent,
} from '@stratus/common';
import { startTestNatsServer, type TestNatsServer } from '@stratus/common/testing/nats-server.ts';
import { makeInvocationEvent } from '@stratus/common/testing/invocation-events.ts';
import { openDatabase, type OpenedDatabase } from '../src/store/db';
import { startMetrics, type MetricsModule } from '../src/metrics/index';
import { writeRollups, pruneRollups, rollups } from '../src/metrics/rollup-store';
import { RollupAggregator } from '../src/metrics/aggregator';
import { RELATIVE_ERROR } from '../src/metrics/log-histogram';
import { createScratchDatabase } from './scratch-database';

const logger = createLogger('test');
logger.level = 'warn';

/** PostgreSQL for the store tests: STRATUS_TEST_DATABASE_URL (npm test sets it when one answers), else none. */
const ADMIN_URL = process.env.STRATUS_TEST_DATABASE_URL;

/** Calls a unary handler the way grpc-js would, returning its response. */
function callHandler<Req, Res>(handler: unknown, request: Req): Promise<Res> {
  const fn = handler as (call: { request: Req }, cb: (err: unknown, res?: Res) => void) => void;
  return promisify((req: Req, cb: (err: unknown, res?: Res) => void) => fn({ request: req }, cb))(request) as Promise<Res>;
}

async function publish(nc: NatsConnection, subject: string, body: { id: string }): Promise<void> {
  const h = headers();
  await nc.jetstream().publish(subject, JSON.stringify(body), { msgID: body.id, headers: h });
}

async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

function exactQuantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
}

/**
 * The known sequence: agent-a runs 100 successful calls of `echo` (1..100 ms, the first 5 cold) and
 * 7 throttles; agent-b runs `echo` 40 times (101..140 ms) with 10 handled errors, 3 timeouts and 2
 * out-of-memory among them, plus `slow` 5 times on gvisor (1000..1004 ms, all cold).
 */
function knownSequence(at: number): { events: InvocationEvent[]; throttles: ThrottleEvent; overhead: OverheadEvent } {
  const events: InvocationEvent[] = [];
  const endedAt = (i: number) => new Date(at + i).toISOString();
  for (let i = 1; i <= 100; i++) {
    events.push(makeInvocationEvent({ agentId: 'agent-a', function: 'echo', durationMs: i, billedMs: i, memoryMb: 128, coldStart: i <= 5, startMs: i <= 5 ? 100 : 0, initMs: i <= 5 ? 20 : 0, endedAt: endedAt(i) }));
  }
  for (let i = 1; i <= 40; i++) {
    let status = 'ok';
    let errorType = '';
    if (i <= 10) [status, errorType] = ['function_error', 'Handled'];
    else if (i <= 13) [status, errorType] = ['timeout', 'Sandbox.Timedout'];
    else if (i <= 15) [status, errorType] = ['oom', 'Runtime.OutOfMemory'];
    events.push(makeInvocationEvent({ agentId: 'agent-b', function: 'echo', durationMs: 100 + i, billedMs: 100 + i, memoryMb: 128, status, errorType, endedAt: endedAt(i) }));
  }
  for (let i = 0; i < 5; i++) {
    events.push(makeInvocationEvent({ agentId: 'agent-b', function: 'slow', backend: 'gvisor', durationMs: 1000 + i, billedMs: 1000 + i, memoryMb: 1024, coldStart: true, startMs: 300, initMs: 50, endedAt: endedAt(i) }));
  }
  const throttles: ThrottleEvent = { schema: EVENT_SCHEMA_VERSION, agentId: 'agent-a', id: randomUUID(), at: endedAt(0), counts: [{ function: 'echo', backend: 'docker', count: 7, at: endedAt(0) }] };
  const overhead: OverheadEvent = {
    schema: EVENT_SCHEMA_VERSION,
    gatewayId: 'gw',
    id: randomUUID(),
    at: endedAt(0),
    items: [
      { requestId: events[0].id, function: 'echo', backend: 'docker', agentId: 'agent-a', overheadMs: 2, endToEndMs: 3, at: endedAt(0) },
      { requestId: events[1].id, function: 'echo', backend: 'docker', agentId: 'agent-a', overheadMs: 4, endToEndMs: 6, at: endedAt(0) },
    ],
  };
  return { events, throttles, overhead };
}

for (const storage of ['postgres', 'pglite'] as const) {
  const skip = storage === 'postgres' && !ADMIN_URL ? 'STRATUS_TEST_DATABASE_URL is not set (no PostgreSQL)' : false;
  describe(`metrics roll-ups (${storage})`, { skip }, () => {
    let nats: TestNatsServer;
    let nc: NatsConnection;
    let opened: OpenedDatabase;
    let dropDb: (() => Promise<void>) | undefined;
    let tmp: string;
    let metrics: MetricsModule;
    const config = loadConfig({ backends: ['docker', 'gvisor'] });
    // a fixed time inside the last 10 minutes, at the start of a minute so all events share buckets
    const at = Math.floor((Date.now() - 5 * 60_000) / 60_000) * 60_000;
    const seq = knownSequence(at);
    const window = { from: new Date(at - 60_000).toISOString(), to: new Date(at + 120_000).toISOString() };

    before(async () => {
      nats = await startTestNatsServer();
      nc = await connectNats(nats.url);
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stratus-g-metrics-'));
      if (storage === 'postgres') {
        const pg = await createScratchDatabase(ADMIN_URL!, 'stratus_g');
        dropDb = pg.drop;
        opened = await openDatabase({ databaseUrl: pg.url, dataDir: tmp });
      } else {
        opened = await openDatabase({ databaseUrl: undefined, dataDir: tmp });
      }
      metrics = await startMetrics({ db: opened.db, nats: nc, config, logger, flushIntervalMs: 200 });
      await ensureInvocationStream(nc);
      await ensureMetricsStream(nc);
      for (const e of seq.events) await publish(nc, SUBJECTS.invocation(e.agentId), e);
      await publish(nc, SUBJECTS.throttles('agent-a'), seq.throttles);
      await publish(nc, SUBJECTS.overhead('gw'), seq.overhead);
      await waitFor(() => metrics.consumers[0].stats.processed >= seq.events.length && metrics.consumers[1].stats.processed >= 2);
      // everything folded is stored too (a consumer may have flushed after its first messages)
      await waitFor(() => metrics.consumers.every((c) => c.stats.lastFlushAt > 0 && c.stats.unstored === 0));
    });

    after(async () => {
      await metrics?.close();
      await nc?.close();
      await opened?.close();
      await dropDb?.();
      await nats?.dispose();
      fs.rmSync(tmp, { recursive: true, force: true });
    });

    it('counts invocations, errors by type, timeouts, cold starts and throttles per function', async () => {
      const res = await callHandler<object, any>(metrics.handlers.GetSummary, { ...window, groupBy: 'function' });
      const echo = res.rows.find((r: any) => r.key === 'echo');
      const slow = res.rows.find((r: any) => r.key === 'slow');
      assert.equal(echo.invocations, 140);
      assert.equal(echo.errors, 15);
      assert.deepEqual(echo.errorsByType, { Handled: 10, 'Sandbox.Timedout': 3, 'Runtime.OutOfMemory': 2 });
      assert.equal(echo.timeouts, 3);
      assert.equal(echo.coldStarts, 5);
      assert.equal(echo.throttles, 7);
      assert.equal(slow.invocations, 5);
      assert.equal(slow.coldStarts, 5);
      assert.equal(res.total.invocations, 145);
      assert.equal(res.total.errors, 15);
    });

    it('gives percentiles within 1% of the exact ones, merged across agents and buckets', async () => {
      const res = await callHandler<object, any>(metrics.handlers.GetSummary, { ...window, groupBy: 'function', function: 'echo' });
      const echo = res.rows[0];
      const durations = seq.events.filter((e) => e.function === 'echo').map((e) => e.durationMs);
      for (const [field, q] of [['p50Ms', 0.5], ['p95Ms', 0.95], ['p99Ms', 0.99]] as const) {
        const exact = exactQuantile(durations, q);
        assert.ok(Math.abs(echo[field] - exact) / exact <= RELATIVE_ERROR + 1e-3, `${field}: ${echo[field]} vs exact ${exact}`);
      }
      const all = seq.events.map((e) => e.durationMs);
      assert.ok(Math.abs(res.total.p99Ms - exactQuantile(durations, 0.99)) / exactQuantile(durations, 0.99) <= 0.011);
      const total = await callHandler<object, any>(metrics.handlers.GetSummary, { ...window });
      assert.ok(Math.abs(total.total.p99Ms - exactQuantile(all, 0.99)) / exactQuantile(all, 0.99) <= 0.011);
    });

    it('splits the same counts by agent and by backend', async () => {
      const byAgent = await callHandler<object, any>(metrics.handlers.GetSummary, { ...window, groupBy: 'agent' });
      const a = byAgent.rows.find((r: any) => r.key === 'agent-a');
      const b = byAgent.rows.find((r: any) => r.key === 'agent-b');
      assert.equal(a.invocations, 100);
      assert.equal(a.throttles, 7);
      assert.equal(b.invocations, 45);
      assert.equal(b.errors, 15);
      const byBackend = await callHandler<object, any>(metrics.handlers.GetSummary, { ...window, groupBy: 'backend' });
      assert.equal(byBackend.rows.find((r: any) => r.key === 'gvisor').invocations, 5);
      assert.equal(byBackend.rows.find((r: any) => r.key === 'docker').invocations, 140);
    });

    it('serves series whose points add up to the totals, at 10 s, 60 s and 300 s steps', async () => {
      for (const stepSec of [10, 60, 300, 600]) {
        const s = await callHandler<object, any>(metrics.handlers.GetSeries, { ...window, metric: 'invocations', stepSec });
        assert.equal(s.stepSec, stepSec);
        assert.equal(s.timestamps.length, s.values.length);
        assert.equal(s.values.reduce((x: number, y: number) => x + y, 0), 145);
      }
      const errs = await callHandler<object, any>(metrics.handlers.GetSeries, { ...window, metric: 'errors', function: 'echo', agent: 'agent-b' });
      assert.equal(errs.values.reduce((x: number, y: number) => x + y, 0), 15);
      const p99 = await callHandler<object, any>(metrics.handlers.GetSeries, { ...window, metric: 'p99', function: 'slow', stepSec: 60 });
      assert.ok(p99.values.some((v: number) => Math.abs(v - 1004) / 1004 <= 0.011));
      // 300 s roll-ups (step 300) and 60 s ones (step 60) give the same merged percentiles
      for (const metric of ['p50', 'p99', 'max']) {
        const coarse = await callHandler<object, any>(metrics.handlers.GetSeries, { ...window, metric, stepSec: 300 });
        const fine = await callHandler<object, any>(metrics.handlers.GetSeries, { ...window, metric, stepSec: 60 });
        assert.deepEqual(coarse.values.filter((v: number) => v > 0), fine.values.filter((v: number) => v > 0), metric);
      }
      const overhead = await callHandler<object, any>(metrics.handlers.GetSeries, { ...window, metric: 'overhead_avg', function: 'echo', stepSec: 60 });
      assert.ok(overhead.values.includes(3));
    });

    it('prices GB-seconds and requests, and what the work would cost on the other backend', async () => {
      const res = await callHandler<object, any>(metrics.handlers.GetCost, { ...window });
      const slow = res.rows.find((r: any) => r.function === 'slow');
      const gbs = (1000 + 1001 + 1002 + 1003 + 1004) / 1000; // 1 GB each
      assert.ok(Math.abs(slow.gbSeconds - gbs) < 1e-9);
      const expected = gbs * 0.0000166667 + (5 / 1e6) * 0.2;
      assert.ok(Math.abs(slow.cost - expected) < 1e-12);
      assert.ok(slow.costOnBackend.gvisor > slow.costOnBackend.docker);
      assert.ok(slow.overheadMb > 0);
      const bad = callHandler<object, any>(metrics.handlers.GetCost, { from: 'yesterday' });
      await assert.rejects(bad, (err: any) => err.code === 3 && /from/.test(err.message));
    });

    it('rejects an unknown metric naming the field', async () => {
      await assert.rejects(callHandler<object, any>(metrics.handlers.GetSeries, { ...window, metric: 'nope' }), (err: any) => err.code === 3 && /metric/.test(err.message));
    });

    it('counts nothing twice when the consumer restarts and messages are delivered again', async () => {
      await metrics.close();
      metrics = await startMetrics({ db: opened.db, nats: nc, config, logger, flushIntervalMs: 200 });
      const extra = makeInvocationEvent({ agentId: 'agent-a', function: 'echo', durationMs: 50, endedAt: new Date(at + 500).toISOString() });
      await publish(nc, SUBJECTS.invocation('agent-a'), extra);
      // a resend of an already-counted record (same id) is dropped by the stream's duplicate window
      await publish(nc, SUBJECTS.invocation('agent-a'), seq.events[0]);
      await waitFor(async () => {
        const r = await callHandler<object, any>(metrics.handlers.GetSummary, { ...window });
        return r.total.invocations >= 146;
      });
      await new Promise((r) => setTimeout(r, 500));
      const res = await callHandler<object, any>(metrics.handlers.GetSummary, { ...window });
      assert.equal(res.total.invocations, 146);
    });

    it('prunes 10 s roll-ups after 24 h and 60 s and 300 s roll-ups after 7 days', async () => {
      const agg = new RollupAggregator();
      const now = Date.now();
      const old = (ms: number) => makeInvocationEvent({ function: 'old', endedAt: new Date(now - ms).toISOString() });
      agg.addInvocation(old(25 * 3600_000)); // 10 s row goes, 60 s and 300 s rows stay
      agg.addInvocation(old(8 * 24 * 3600_000)); // all three go
      agg.addInvocation(old(3600_000)); // all three stay
      await writeRollups(opened.db, agg.drain(), new Map());
      const removed = await pruneRollups(opened.db, now);
      assert.equal(removed, 4);
      const { eq } = await import('drizzle-orm');
      const left = await opened.db.select({ res: rollups.resolutionSec, bucket: rollups.bucket }).from(rollups).where(eq(rollups.function, 'old'));
      assert.deepEqual(left.map((r) => r.res).sort((x, y) => x - y), [10, 60, 60, 300, 300]);
    });
  });
}
