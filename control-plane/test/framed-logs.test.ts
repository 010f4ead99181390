// Stored records hold only the function's output when the agent says so (logsBare), and reads give
// Lambda's framed text; rows from before, without the flag, are read as they were stored (PGlite).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeInvocationEvent } from '@stratus/common/testing/invocation-events.ts';
import { openDatabase, type OpenedDatabase } from '../src/store/db';
import { InvocationStore, eventToRow } from '../src/store/invocations-repo';

describe('framed logs on read', () => {
  let tmp: string;
  let opened: OpenedDatabase;
  let store: InvocationStore;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stratus-framed-'));
    opened = await openDatabase({ databaseUrl: undefined, dataDir: tmp });
    store = new InvocationStore(opened.db, opened.copyIn);
  });

  after(async () => {
    await opened?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('frames a bare record with its own figures and keeps an old framed one as stored', async () => {
    const bare = makeInvocationEvent({ logs: 'order 12345 paid\n', logsBare: true, coldStart: true, initMs: 40.25, durationMs: 3.5, billedMs: 4, memoryMb: 256, maxMemoryMb: 31, version: 7 });
    const framedText = 'START RequestId: x Version: 1\nold line\nEND RequestId: x\nREPORT RequestId: x\tDuration: 1.00 ms\n';
    const old = makeInvocationEvent({ logs: framedText });
    assert.equal(await store.insert([eventToRow(bare), eventToRow(old)]), 2);

    const got = await store.get(bare.id);
    assert.equal(got.logs,
      `START RequestId: ${bare.id} Version: 7\norder 12345 paid\nEND RequestId: ${bare.id}\n` +
      `REPORT RequestId: ${bare.id}\tDuration: 3.50 ms\tBilled Duration: 4 ms\tMemory Size: 256 MB\tMax Memory Used: 31 MB\tInit Duration: 40.25 ms\n`);
    assert.equal((await store.get(old.id)).logs, framedText);
    // the words' index still finds what the function printed
    const found = await store.list({ search: '12345' });
    assert.deepEqual(found.map((r) => r.id), [bare.id]);
  });
});
