// The gateway's overhead is read with its invocation record whichever arrives first: real
// nats-server (JetStream), the records consumer, and PGlite and (when STRATUS_TEST_DATABASE_URL is
// set) PostgreSQL.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import type { NatsConnection } from 'nats';
import { EVENT_SCHEMA_VERSION, SUBJECTS, connectNats, createLogger, ensureInvocationStream, ensureMetricsStream, type OverheadEvent } from '@stratus/common';
import { startTestNatsServer, type TestNatsServer } from '@stratus/common/testing/nats-server.ts';
import { makeInvocationEvent } from '@stratus/common/testing/invocation-events.ts';
import { createScratchDatabase } from './scratch-database';
import { openDatabase, type OpenedDatabase } from '../src/store/db';
import { InvocationStore } from '../src/store/invocations-repo';
import { invocationOverheads } from '../src/store/schema';
import { startInvocationRecordsConsumer, type InvocationRecordsConsumer } from '../src/consumers/invocation-records';

const logger = createLogger('test');
logger.level = 'warn';
const ADMIN_URL = process.env.STRATUS_TEST_DATABASE_URL;

function overheadEvent(items: { requestId: string; overheadMs: number }[]): OverheadEvent {
  const at = new Date().toISOString();
  return {
    schema: EVENT_SCHEMA_VERSION,
    gatewayId: 'gw-test',
    id: randomUUID(),
    at,
    items: items.map((i) => ({ ...i, function: 'echo', backend: 'docker', agentId: 'agent-a', endToEndMs: i.overheadMs + 12.5, at })),
  };
}

async function waitFor(cond: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

for (const storage of ['pglite', 'postgres'] as const) {
  const skip = storage === 'postgres' && !ADMIN_URL ? 'STRATUS_TEST_DATABASE_URL is not set (no PostgreSQL)' : false;
  describe(`gateway overhead on stored records (${storage})`, { skip }, () => {
    let nats: TestNatsServer;
    let nc: NatsConnection;
    let opened: OpenedDatabase;
    let store: InvocationStore;
    let consumer: InvocationRecordsConsumer;
    let tmp: string;
    let drop = async () => {};

    before(async () => {
      nats = await startTestNatsServer();
      nc = await connectNats(nats.url);
      await ensureInvocationStream(nc);
      await ensureMetricsStream(nc);
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stratus-overheads-'));
      let url: string | undefined;
      if (storage === 'postgres') {
        const pg = await createScratchDatabase(ADMIN_URL!, 'stratus_oh');
        url = pg.url;
        drop = pg.drop;
      }
      opened = await openDatabase({ databaseUrl: url, dataDir: tmp });
      store = new InvocationStore(opened.db, opened.copyIn);
      consumer = await startInvocationRecordsConsumer({ nc, invocations: store, logger });
    });

    after(async () => {
      await consumer?.close();
      await nc?.close();
      await nats?.dispose();
      await opened?.close();
      await drop();
      fs.rmSync(tmp, { recursive: true, force: true });
    });

    const js = () => nc.jetstream();
    const publishRecord = async (e: ReturnType<typeof makeInvocationEvent>) => js().publish(SUBJECTS.invocation(e.agentId), JSON.stringify(e), { msgID: e.id });
    const publishOverhead = async (e: OverheadEvent) => js().publish(SUBJECTS.overhead(e.gatewayId), JSON.stringify(e), { msgID: e.id });
    const overheadOf = async (id: string) => (await store.get(id).catch(() => undefined))?.overheadMs;
    const overheadRows = async () => (await opened.db.select().from(invocationOverheads)).length;

    it('sets overhead_ms when the record is stored first', async () => {
      const rec = makeInvocationEvent();
      await publishRecord(rec);
      await waitFor(async () => (await overheadOf(rec.id)) === 0);
      await publishOverhead(overheadEvent([{ requestId: rec.id, overheadMs: 3.25 }]));
      await waitFor(async () => (await overheadOf(rec.id)) === 3.25);
    });

    it('sets overhead_ms when the overhead comes first', async () => {
      const rec = makeInvocationEvent();
      await publishOverhead(overheadEvent([{ requestId: rec.id, overheadMs: 7.5 }]));
      await waitFor(async () => (await opened.db.select().from(invocationOverheads).where(eq(invocationOverheads.requestId, rec.id))).length === 1);
      assert.equal(await overheadOf(rec.id), undefined);
      await publishRecord(rec);
      await waitFor(async () => (await overheadOf(rec.id)) !== undefined);
      assert.equal(await overheadOf(rec.id), 7.5);
      assert.equal((await store.list({ requestId: rec.id }))[0].overheadMs, 7.5, 'lists join it too');
    });

    it('handles a mixed batch both ways at once, and a redelivered batch changes nothing', async () => {
      const stored = Array.from({ length: 20 }, () => makeInvocationEvent());
      const later = Array.from({ length: 20 }, () => makeInvocationEvent());
      for (const r of stored) await publishRecord(r);
      await waitFor(async () => (await overheadOf(stored[19].id)) !== undefined);
      const items = [...stored, ...later].map((r, i) => ({ requestId: r.id, overheadMs: 1 + i }));
      const event = overheadEvent(items);
      await publishOverhead(event);
      // the same items again under another event id (a gateway resend): idempotent
      await publishOverhead({ ...event, id: randomUUID() });
      for (const r of later) await publishRecord(r);
      const all = [...stored, ...later];
      await waitFor(async () => (await Promise.all(all.map((r) => overheadOf(r.id)))).every((v, i) => v === 1 + i));
      assert.ok(consumer.stats.overheadsStored >= 40);
    });

    it('counts the overheads it stored: one per request id, none without an id or a number', async () => {
      const id = `count-${randomUUID()}`;
      const items = [{ requestId: id, overheadMs: 1 }, { requestId: id, overheadMs: 2 }, { requestId: '', overheadMs: 3 }, { requestId: `nan-${randomUUID()}`, overheadMs: Number.NaN }];
      assert.equal(await store.setOverheads(items), 1);
      assert.equal(await store.setOverheads([{ requestId: id, overheadMs: 4 }]), 1, 'a resend updates the row it stored');
      assert.equal(await overheadOf(id), undefined, 'no record yet: the overhead waits for it');
    });

    it('prunes overheads with the records, past the retention', async () => {
      await store.setOverheads([{ requestId: `never-${randomUUID()}`, overheadMs: 1 }]);
      const before = await overheadRows();
      await store.prune(new Date(Date.now() - 60_000));
      assert.equal(await overheadRows(), before);
      await store.prune(new Date(Date.now() + 1_000));
      assert.equal(await overheadRows(), 0);
    });
  });
}
