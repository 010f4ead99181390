// The records consumer folds the invocation batches it stores into the roll-ups (startMetrics'
// sharedInvocations, as the control plane runs them), on a real nats-server and PGlite: the roll-ups'
// consumer of its own from an earlier release is retired without losing or doubling what it had not
// folded when that release stopped, and every batch after is stored once and counted once. (A
// redelivery mid-load: test/integration/metrics-nats-restart.test.ts.)
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { NatsConnection } from 'nats';
import { sql } from 'drizzle-orm';
import { SUBJECTS, connectNats, createLogger, encodeInvocationBatch, ensureInvocationStream, ensureMetricsStream, INVOCATIONS_STREAM, loadConfig } from '@stratus/common';
import { startTestNatsServer, type TestNatsServer } from '@stratus/common/testing/nats-server.ts';
import { makeInvocationEvent } from '@stratus/common/testing/invocation-events.ts';
import { startInvocationRecordsConsumer, type InvocationRecordsConsumer } from '../src/consumers/invocation-records';
import { openDatabase, type OpenedDatabase } from '../src/store/db';
import { InvocationStore, resultRows } from '../src/store/invocations-repo';
import { INVOCATION_ROLLUPS_CONSUMER, startMetrics, type MetricsModule } from '../src/metrics/index';

const logger = createLogger('test');
logger.level = 'warn';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(cond: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`${what}: not met in time`);
    await sleep(50);
  }
}

function summary(metrics: MetricsModule, req: object): Promise<any> {
  const fn = metrics.handlers.GetSummary as unknown as (call: { request: object }, cb: (err: unknown, res?: unknown) => void) => void;
  return promisify((r: object, cb: (err: unknown, res?: unknown) => void) => fn({ request: r }, cb))(req);
}

describe('records consumer folding the roll-ups', () => {
  let nats: TestNatsServer;
  let nc: NatsConnection;
  let opened: OpenedDatabase;
  let store: InvocationStore;
  let tmp: string;
  const running: { close(): Promise<void> }[] = [];
  const config = loadConfig();
  const from = new Date(Date.now() - 3_600_000).toISOString();
  const to = () => new Date(Date.now() + 60_000).toISOString();

  before(async () => {
    nats = await startTestNatsServer();
    nc = await connectNats(nats.url);
    await ensureInvocationStream(nc);
    await ensureMetricsStream(nc);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stratus-fold-rollups-'));
    opened = await openDatabase({ databaseUrl: undefined, dataDir: tmp });
    store = new InvocationStore(opened.db, opened.copyIn);
  });

  after(async () => {
    for (const r of running.reverse()) await r.close().catch(() => undefined);
    await nc?.close();
    await nats?.dispose();
    await opened?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  // one agent message: a compact batch of n records, quiet ones and, every 4th, a failure
  const publish = async (fn: string, n: number) => {
    const events = Array.from({ length: n }, (_, i) =>
      makeInvocationEvent({ function: fn, agentId: 'agent-a', ...(i % 4 === 3 ? { status: 'function_error', errorType: 'Boom' } : { status: 'ok', logs: '' }) }),
    );
    await nc.jetstream().publish(SUBJECTS.invocation('agent-a'), JSON.stringify(encodeInvocationBatch(events)), { msgID: events[0].id });
  };
  const stored = async (fn: string) => {
    const [r] = resultRows(await opened.db.execute(sql`SELECT (SELECT count(*) FROM invocations WHERE function = ${fn})::int
      + (SELECT coalesce(sum(count), 0) FROM invocation_chunks WHERE ${fn} = ANY(functions))::int AS n`));
    return Number(r.n);
  };
  const counted = async (metrics: MetricsModule, fn: string) => {
    const res = await summary(metrics, { from, to: to(), function: fn });
    return { invocations: Number(res.total.invocations), errors: Number(res.total.errors) };
  };

  it('retires the roll-ups consumer of an earlier release, folding what it had not, each batch once', async () => {
    const fn = 'upgraded';
    // an earlier release: the roll-ups read the invocations with a consumer of their own
    let metrics = await startMetrics({ db: opened.db, nats: nc, config, logger, flushIntervalMs: 100 });
    let records: InvocationRecordsConsumer = await startInvocationRecordsConsumer({ nc, invocations: store, logger });
    for (let i = 0; i < 3; i++) await publish(fn, 8);
    await waitFor(async () => (await counted(metrics, fn)).invocations === 24 && (await stored(fn)) === 24, 10_000, 'the earlier release stored and counted');
    // its roll-ups stop first: the records consumer goes on storing batches they never see
    await metrics.close();
    for (let i = 0; i < 2; i++) await publish(fn, 8);
    await waitFor(async () => (await stored(fn)) === 40, 10_000, 'records stored while the roll-ups were down');
    await records.close();
    const jsm = await nc.jetstreamManager();
    assert.ok(await jsm.consumers.info(INVOCATIONS_STREAM, INVOCATION_ROLLUPS_CONSUMER), 'the earlier consumer is there');

    // this release: the records consumer folds; the earlier consumer's backlog is folded once, from the stream
    metrics = await startMetrics({ db: opened.db, nats: nc, config, logger, flushIntervalMs: 100, sharedInvocations: true });
    records = await startInvocationRecordsConsumer({ nc, invocations: store, logger, rollups: metrics.invocationRollups });
    running.push(metrics, records);
    await assert.rejects(jsm.consumers.info(INVOCATIONS_STREAM, INVOCATION_ROLLUPS_CONSUMER), 'the earlier consumer is gone');
    assert.deepEqual(await counted(metrics, fn), { invocations: 40, errors: 10 }, 'what it missed is counted, and nothing twice');
    for (let i = 0; i < 2; i++) await publish(fn, 8);
    await waitFor(async () => (await counted(metrics, fn)).invocations === 56 && (await stored(fn)) === 56, 10_000, 'this release stored and counted');
    await sleep(500);
    assert.deepEqual(await counted(metrics, fn), { invocations: 56, errors: 14 });
    assert.equal(await stored(fn), 56);
    // every message acknowledged once both are stored
    await waitFor(async () => {
      const info = await jsm.consumers.info(INVOCATIONS_STREAM, 'stratus-control-plane-records');
      return info.num_pending === 0 && info.num_ack_pending === 0;
    }, 5_000, 'nothing left unacknowledged');
    assert.equal(metrics.consumers[0].stats.unstored, 0);
  });
});
