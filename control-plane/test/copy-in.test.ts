// COPY's binary form as PostgreSQL documents it, written and read back. Quiet records kept in chunks
// (COPY binary tuples, or a compact batch as the agent sent it) read back exactly as stored, once
// each, and lists merge them with the records
// stored as rows. Overheads loaded with COPY; a COPY refused for a duplicate rejects (the driver left
// it hanging: copy-in.ts) and is stored by INSERT instead. On PGlite always, and on real PostgreSQL
// when STRATUS_TEST_DATABASE_URL is set (npm test sets it).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { decodeInvocationBatchMs, encodeInvocationBatch, type CompactInvocationBatch } from '@stratus/common';
import { makeInvocationEvent } from '@stratus/common/testing/invocation-events.ts';
import { copyValue } from '../src/store/copy-in';
import { CopyBinaryReader, CopyBinaryWriter } from '../src/store/copy-binary';
import { createScratchDatabase } from './scratch-database';
import { openDatabase, type OpenedDatabase } from '../src/store/db';
import { eventToRow, InvocationStore, readChunk, resultRows, rowToInvocation } from '../src/store/invocations-repo';
import type { InvocationRow } from '../src/store/schema';
import { splitQuietRows } from '../src/store/wire-chunks';

const ADMIN_URL = process.env.STRATUS_TEST_DATABASE_URL;

describe('COPY text format', () => {
  it('escapes what COPY reads as specials, and writes null as \\N', () => {
    assert.equal(copyValue('plain'), 'plain');
    assert.equal(copyValue('a\tb\nc\rd\\e'), 'a\\tb\\nc\\rd\\\\e');
    assert.equal(copyValue('\\N'), '\\\\N', 'the text \\N is not a null');
    assert.equal(copyValue(null), '\\N');
    assert.equal(copyValue(undefined), '\\N');
    assert.equal(copyValue(true), 't');
    assert.equal(copyValue(false), 'f');
    assert.equal(copyValue(12.5), '12.5');
  });
});

describe('COPY binary format', () => {
  it('writes the signature, each field as its length and send form, and the trailer', () => {
    const w = new CopyBinaryWriter(8); // small: it must grow
    w.row(7).int4(-2).text('é\t').null().bool(true).float8(0.5).timestamptz(Date.UTC(2000, 0, 1)).timestamptz(Date.UTC(2000, 0, 1) - 1);
    const hex = w.finish().toString('hex');
    const expected = [
      Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1').toString('hex'), '00000000', '00000000',
      '0007',
      '00000004', 'fffffffe',
      '00000003', 'c3a909',
      'ffffffff',
      '00000001', '01',
      '00000008', '3fe0000000000000',
      '00000008', '0000000000000000',
      '00000008', 'fffffffffffffc18', // -1000 µs
      'ffff',
    ].join('');
    assert.equal(hex, expected);
  });

  it('writes timestamptz as µs since 2000 for any ms a Date holds, near or far', () => {
    for (const ms of [0, 1, -1, Date.UTC(2026, 10, 28, 21, 54, 59, 7), Date.UTC(2500, 0, 1), Date.UTC(1500, 0, 1), 8.64e15, -8.64e15, 946_684_800_000.5]) {
      const w = new CopyBinaryWriter();
      const bytes = w.row(1).timestamptz(ms).finish();
      const us = bytes.readBigInt64BE(19 + 2 + 4);
      const whole = Math.trunc(ms);
      assert.equal(us, BigInt(whole - 946_684_800_000) * 1000n + BigInt(Math.round((ms - whole) * 1000)), `at ${ms}`);
      assert.equal(new CopyBinaryReader(bytes).row(), 1);
    }
  });

  it('reads back what it wrote, field by field', () => {
    const w = new CopyBinaryWriter(8);
    w.row(8).int4(-2).text('é\t☃').null().bool(true).float8(0.5).timestamptz(Date.UTC(2026, 11, 7, 5, 30, 0, 123)).timestamptz(Date.UTC(1969, 6, 20)).timestamptz(8.64e15);
    w.row(1).text('');
    const r = new CopyBinaryReader(w.finish());
    assert.equal(r.row(), 8);
    assert.deepEqual([r.int4(), r.text(), r.text(), r.bool(), r.float8(), r.timestamptz(), r.timestamptz(), r.timestamptz()], [-2, 'é\t☃', null, true, 0.5, Date.UTC(2026, 11, 7, 5, 30, 0, 123), Date.UTC(1969, 6, 20), 8.64e15]);
    assert.equal(r.row(), 1);
    assert.equal(r.text(), '');
    assert.equal(r.row(), -1, 'then the trailer');
    assert.throws(() => new CopyBinaryReader(Buffer.from('{"not":"copy"}')), /not COPY binary data/);
  });
});

const DRIVERS = [
  { driver: 'pglite', skip: false },
  { driver: 'postgres', skip: ADMIN_URL ? false : 'STRATUS_TEST_DATABASE_URL is not set (no PostgreSQL)' },
] as const;

for (const { driver, skip } of DRIVERS) describe(`records and overheads through COPY (${driver})`, { skip }, () => {
  let opened: OpenedDatabase;
  let copying: InvocationStore;
  let inserting: InvocationStore;
  let tmp: string;
  let drop = async () => {};

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stratus-copy-'));
    let databaseUrl: string | undefined;
    if (driver === 'postgres') {
      const pg = await createScratchDatabase(ADMIN_URL!, 'stratus_copy');
      drop = pg.drop;
      databaseUrl = pg.url;
    }
    opened = await openDatabase({ databaseUrl, dataDir: tmp });
    assert.equal(opened.driver, driver);
    assert.ok(opened.copyIn, `${driver} opens with COPY`);
    copying = new InvocationStore(opened.db, opened.copyIn);
    inserting = new InvocationStore(opened.db);
  });

  after(async () => {
    await opened?.close();
    await drop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  // Values COPY must carry: the text format's specials, a text reading \N, unicode, a missing end,
  // extreme numbers, times in the same second and across seconds.
  const tricky = () => {
    const ended = Date.UTC(2026, 10, 28, 12, 0, 0, 7);
    return [
      makeInvocationEvent({ function: 'tab\tand\nnewline', agentId: 'back\\slash', runtime: '\\N', backend: 'ünïcødé ☃', endedAt: new Date(ended).toISOString(), durationMs: 3 }),
      makeInvocationEvent({ function: 'f', endedAt: undefined as unknown as string, startedAt: new Date(ended - 1000).toISOString(), queueMs: 1e-7, cpuMs: 123456789.125, maxMemoryMb: 2_147_483_647 }),
      makeInvocationEvent({ function: 'f', endedAt: new Date(ended + 993).toISOString(), durationMs: 0.001, logsTruncated: true, logsBare: true }),
      makeInvocationEvent({ function: 'f', endedAt: new Date(ended + 1_000).toISOString(), coldStart: true, status: 'ok', initMs: 250.25 }),
      // before PostgreSQL's epoch (2000), and far enough from it that µs pass 2^53
      makeInvocationEvent({ function: 'f', startedAt: '1969-07-20T20:17:40.001Z', endedAt: '2500-01-01T00:00:00.999Z', billedMs: 1e300 }),
    ].map((e) => eventToRow({ ...e, status: 'ok' })); // quiet: kept in chunks
  };
  const readBack = async (ids: string[]) => {
    const out: Record<string, unknown>[] = [];
    for (const id of ids) {
      const { id: _id, ...rest } = (await copying.get(id)) as unknown as Record<string, unknown>;
      // framed logs name the request id, which is all the two sides' records differ in
      out.push({ ...rest, logs: String(rest.logs).replaceAll(id, '<id>') });
    }
    return out;
  };

  it('keeps quiet records in one chunk per message and reads them back as stored', async () => {
    const first = tricky();
    const second = tricky();
    assert.equal(await copying.insertMessages([first, second]), first.length + second.length);
    const chunks = resultRows(await opened.db.execute(sql`SELECT first_id, count FROM invocation_chunks WHERE first_id IN (${first[0].id}, ${second[0].id})`));
    assert.equal(chunks.length, 2, 'a chunk for each message');
    const rows = resultRows(await opened.db.execute(sql`SELECT count(*)::int AS n FROM invocations WHERE id IN (${first[0].id}, ${second[0].id})`));
    assert.equal(rows[0].n, 0, 'and no row of their own');
    for (const r of [...first, ...second]) assert.deepEqual(await copying.get(r.id), rowToInvocation({ ...r, searchVector: null } as InvocationRow), r.id);
    const [back] = await readBack([first[0].id]);
    assert.equal(back.function, 'tab\tand\nnewline');
    assert.equal(back.runtime, '\\N');
    assert.equal(await copying.insertMessages([first]), 0, 'a redelivered message adds nothing');
    const third = tricky();
    assert.equal(await inserting.insertMessages([third]), third.length, 'without COPY, a chunk is an INSERT');
    for (const r of third) assert.deepEqual(await inserting.get(r.id), rowToInvocation({ ...r, searchVector: null } as InvocationRow), r.id);
    assert.equal(await inserting.insertMessages([third]), 0);
    assert.equal(readChunk(Buffer.from(new CopyBinaryWriter().finish())).length, 0);
  });

  it("keeps a compact batch's quiet records as the agent sent them, and reads them back as rows read", async () => {
    const t = Date.UTC(2026, 11, 7, 9, 0, 0, 5);
    const fn = `wire-${randomUUID()}`;
    const at = (ms: number) => new Date(t + ms).toISOString();
    const quietEvents = [
      makeInvocationEvent({ function: fn, runtime: 'py\u0000thon', backend: 'ünïcødé ☃', startedAt: at(0), endedAt: at(3), durationMs: 2.125, coldStart: true, initMs: 250.25 }),
      makeInvocationEvent({ function: `${fn}-b`, backend: 'gvisor', startedAt: at(-7), endedAt: at(1), overheadMs: 0.412, logsBare: true }),
      makeInvocationEvent({ function: fn, startedAt: at(9), endedAt: at(10), maxMemoryMb: 2_147_483_647, cpuMs: 123456789.125 }),
    ].map((e) => ({ ...e, status: 'ok' as const, logs: '' }));
    const others = [
      makeInvocationEvent({ function: fn, status: 'function_error', errorType: 'Boom', errorMessage: 'it broke', startedAt: at(4), endedAt: at(5) }),
      makeInvocationEvent({ function: fn, status: 'ok', logs: 'printed something\n', startedAt: at(5), endedAt: at(6) }),
      { ...makeInvocationEvent({ function: fn, status: 'ok', logs: '', startedAt: at(6), endedAt: at(7) }), id: `odd\nid-${randomUUID()}` },
    ];
    const stored = async (batch: CompactInvocationBatch, bytes: Buffer) => {
      const { chunk, rest } = splitQuietRows(batch, bytes);
      const rows = rest ? decodeInvocationBatchMs(rest).events.map(eventToRow) : [];
      return { chunk, rest, count: await copying.insertMessages([{ rows, chunk }]) };
    };
    // what the records consumer stored before chunks kept the wire form: every record as a row
    const asRows = (batch: CompactInvocationBatch) => decodeInvocationBatchMs(batch).events.map(eventToRow);

    // every record quiet: the chunk is the message's own bytes
    const whole = encodeInvocationBatch(quietEvents);
    const wholeBytes = Buffer.from(JSON.stringify(whole));
    const first = await stored(whole, wholeBytes);
    assert.equal(first.count, 3);
    assert.equal(first.rest, undefined);
    assert.deepEqual(first.chunk?.rows, wholeBytes);
    assert.deepEqual(first.chunk?.functions.sort(), [fn, `${fn}-b`].sort());
    assert.equal(first.chunk?.startedMin.getTime(), t - 7);
    assert.equal(first.chunk?.startedMax.getTime(), t + 9);
    for (const r of asRows(whole)) assert.deepEqual(await copying.get(r.id), rowToInvocation({ ...r, searchVector: null } as InvocationRow), r.id);
    assert.equal((await copying.get(quietEvents[0].id)).runtime, 'python', 'a NUL is cleaned up as in a row');
    assert.equal((await stored(whole, wholeBytes)).count, 0, 'a redelivered message adds nothing');

    // some records not quiet (an error, logs, an id a chunk cannot list): rows; the quiet ones a batch of their own
    const mixed = encodeInvocationBatch([...quietEvents.map((e) => ({ ...e, id: randomUUID() })), ...others]);
    const second = await stored(mixed, Buffer.from(JSON.stringify(mixed)));
    assert.equal(second.count, 6);
    assert.equal(second.chunk?.count, 3);
    assert.equal(second.rest?.rows.length, 3);
    assert.ok(second.chunk && readChunk(second.chunk.rows).every((r) => r.status === 'ok' && !r.logs));
    for (const r of asRows(mixed)) assert.deepEqual(await copying.get(r.id), rowToInvocation({ ...r, searchVector: null } as InvocationRow), r.id);
    const listed = (await copying.list({ function: fn, limit: 100 })).map((r) => r.id);
    assert.deepEqual(listed, asRows(whole).concat(asRows(mixed)).filter((r) => r.function === fn).sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime() || (a.id < b.id ? 1 : -1)).map((r) => r.id));

    // not one row quiet, or no time to bound a chunk by: all rows
    const none = splitQuietRows({ ...mixed, t0: Number.NaN });
    assert.equal(none.chunk, undefined);
    assert.equal(none.rest?.rows.length, 6);
  });

  it('lists quiet records in chunks and records as rows together, newest first, by every filter', async () => {
    const t0 = Date.UTC(2030, 0, 1);
    const fn = `merge-${randomUUID()}`;
    const all: ReturnType<typeof eventToRow>[] = [];
    // 40 messages (more than a page of chunks), each of 5 records a ms apart; every 7th record failed
    const messages = Array.from({ length: 40 }, (_, m) =>
      Array.from({ length: 5 }, (_, i) => {
        const n = m * 5 + i;
        const failed = n % 7 === 3;
        const row = eventToRow(makeInvocationEvent({
          function: n % 2 ? fn : `${fn}-other`, agentId: m % 3 ? 'agent-a' : 'agent-b', backend: n % 5 ? 'docker' : 'gvisor',
          status: failed ? 'function_error' : 'ok', errorType: failed ? 'Boom' : '', startedAt: new Date(t0 + n).toISOString(), endedAt: new Date(t0 + n + 1).toISOString(),
        }));
        all.push(row);
        return row;
      }),
    );
    assert.equal(await copying.insertMessages(messages), 200);
    const newest = [...all].sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime());
    const expect = (pred: (r: (typeof all)[number]) => boolean, limit = 50) => newest.filter(pred).slice(0, limit).map((r) => r.id);
    const ids = async (f: Parameters<InvocationStore['list']>[0]) => (await copying.list(f)).map((r) => r.id);
    const mine = (r: (typeof all)[number]) => r.function.startsWith(fn);
    const from = new Date(t0 + 33).toISOString();
    const to = new Date(t0 + 121).toISOString();
    assert.deepEqual(await ids({ function: fn, limit: 1000 }), expect((r) => r.function === fn, 1000));
    assert.deepEqual(await ids({ function: fn, limit: 7 }), expect((r) => r.function === fn, 7));
    assert.deepEqual(await ids({ function: `${fn}-other`, status: 'ok', agentId: 'agent-b', limit: 1000 }), expect((r) => r.function === `${fn}-other` && r.status === 'ok' && r.agentId === 'agent-b', 1000));
    assert.deepEqual(await ids({ function: fn, status: 'function_error' }), expect((r) => r.function === fn && r.status === 'function_error'));
    assert.deepEqual(await ids({ function: fn, backend: 'gvisor', from, to }), expect((r) => r.function === fn && r.backend === 'gvisor' && r.startedAt.toISOString() >= from && r.startedAt.toISOString() <= to));
    assert.deepEqual(await ids({ from, to, limit: 1000 }), expect((r) => mine(r) && r.startedAt.toISOString() >= from && r.startedAt.toISOString() <= to, 1000));
    const quietOne = all[102];
    assert.equal(quietOne.status, 'ok');
    assert.deepEqual(await ids({ requestId: quietOne.id }), [quietOne.id]);
    assert.deepEqual(await ids({ search: quietOne.id.toUpperCase() }), [quietOne.id], 'a request id searched for');
    assert.deepEqual(await ids({ requestId: quietOne.id, agentId: quietOne.agentId === 'agent-a' ? 'agent-b' : 'agent-a' }), []);
    assert.deepEqual(await ids({ search: 'Boom', function: fn }), expect((r) => r.function === fn && r.errorType === 'Boom'));
    await assert.rejects(copying.get(randomUUID()), /not found/);
    // pruning: a chunk goes once its latest record is past the retention
    assert.ok((await copying.prune(new Date(t0 + 100))) >= 100, 'the 20 chunks before t0+100, and their failed records as rows');
    assert.deepEqual(await ids({ function: fn, limit: 1000 }), expect((r) => r.function === fn && r.startedAt.getTime() >= t0 + 100, 1000));
  });

  it('records with words to index are rows of invocations, found by search', async () => {
    const rows = [
      makeInvocationEvent({ logs: 'quiet\tline with zebraword\n', status: 'ok' }),
      makeInvocationEvent({ status: 'function_error', errorType: 'ValueError', errorMessage: 'bad input' }),
      makeInvocationEvent({ status: 'ok' }),
    ].map(eventToRow);
    assert.equal(await copying.insert(rows), 3);
    assert.deepEqual((await copying.list({ search: 'zebraword' })).map((r) => r.id), [rows[0].id]);
    assert.deepEqual((await copying.list({ search: 'ValueError' })).map((r) => r.id), [rows[1].id]);
    const stored = resultRows(await opened.db.execute(sql`SELECT id FROM invocations WHERE id IN (${rows[0].id}, ${rows[1].id}, ${rows[2].id})`));
    assert.deepEqual(stored.map((r) => r.id).sort(), [rows[0].id, rows[1].id].sort(), 'the quiet one is in a chunk');
  });

  it('overheads: COPY for new request ids, an upsert when one is stored already', async () => {
    const a = `oh-${randomUUID()}`;
    const b = `oh-${randomUUID()}`;
    const fallbacks = copying.copyFallbacks;
    assert.equal(await copying.setOverheads([{ requestId: a, overheadMs: 1.5 }, { requestId: b, overheadMs: 2 }, { requestId: a, overheadMs: 1.75 }]), 2);
    assert.equal(copying.copyFallbacks, fallbacks);
    assert.equal(await copying.setOverheads([{ requestId: a, overheadMs: 4.25 }]), 1);
    assert.equal(copying.copyFallbacks, fallbacks + 1);
    const rec = eventToRow(makeInvocationEvent({ id: a }));
    await copying.insert([rec]);
    assert.equal((await copying.get(a)).overheadMs, 4.25);
  });

  it('copyIn rejects with the server error for a duplicate key, and the connection serves on', async () => {
    const id = randomUUID();
    await opened.copyIn!('invocation_overheads', ['request_id', 'overhead_ms'], `${id}\t1\n`);
    await assert.rejects(opened.copyIn!('invocation_overheads', ['request_id', 'overhead_ms'], `${id}\t2\n`), (err: { code?: string }) => err.code === '23505');
    const first = randomUUID();
    await assert.rejects(opened.copyIn!('invocation_overheads', ['request_id', 'overhead_ms'], `${first}\t3\n${id}\t2\n`), (err: { code?: string }) => err.code === '23505');
    const stored = resultRows(await opened.db.execute(sql`SELECT count(*)::int AS n FROM invocation_overheads WHERE request_id = ${first}`));
    assert.equal(stored[0].n, 0, 'a refused COPY stores none of its rows, not even those before the refused one');
    await assert.rejects(opened.copyIn!('invocation_overheads', ['request_id', 'overhead_ms'], `x\tnot-a-number\n`), /invalid input syntax/);
    for (let i = 0; i < 12; i++) await opened.copyIn!('invocation_overheads', ['request_id', 'overhead_ms'], `${randomUUID()}\t${i}\n`);
  });
});
