// The agent's matching of gateways' overheads to its records (a scripted clock): in the batch being
// gathered they go into the record; before their record they wait for it, up to a limit; after
// their record's batch left, or when the record never comes, they go out on their own, once; sent
// as columns (without function and backend), a late one takes those from its record.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeInvocationEvent } from '@stratus/common/testing/invocation-events.ts';
import { OverheadMatcher, overheadsOfColumns, type OverheadItem } from '../src/metrics/overhead-matcher';

const item = (requestId: string, overheadMs: number): OverheadItem => ({ requestId, function: 'echo', backend: 'docker', overheadMs, endToEndMs: overheadMs + 1 });

test('overheads go into their records, wait for a record that has not come, and go out on their own when late', () => {
  let now = 0;
  const late: string[] = [];
  const m = new OverheadMatcher((it) => late.push(it.requestId), 1_000, () => now);
  const [a, b, c] = [1, 2, 3].map(() => makeInvocationEvent({ overheadMs: 0 }));

  m.record(a);
  m.overheads([item(a.id, 0.5), item(b.id, 0.25), item('never', 9), item('', 1), item('nan', Number.NaN)]);
  assert.equal(a.overheadMs, 0.5, 'in the batch being gathered: into the record');
  assert.equal(m.waiting, 2, 'b and "never" wait for their records; the malformed ones are dropped');
  m.record(b);
  assert.equal(b.overheadMs, 0.25, 'came before its record');
  m.record(c);
  m.flushed();
  m.overheads([item(c.id, 3)]);
  assert.equal(c.overheadMs, 0, 'its batch left: the record is not changed');
  assert.deepEqual(late, [c.id]);

  now = 999;
  m.sweep();
  assert.deepEqual(late, [c.id], 'still within the wait');
  now = 1_000;
  m.sweep();
  assert.deepEqual(late, [c.id, 'never'], 'a record that never came');
  assert.equal(m.waiting, 0);

  m.overheads([item('closing', 1)]);
  m.drain();
  assert.deepEqual(late, [c.id, 'never', 'closing'], 'closing sends what waits');
});

test('overheads sent as columns: read back in order (the shortest column bounds them); a late one takes its function and backend from its record', () => {
  assert.deepEqual(overheadsOfColumns({ requestIds: 'a\nb\nc', overheadMs: [0.5, 0.25, 9], endToEndMs: [1.5, 1.25] }), [
    { requestId: 'a', overheadMs: 0.5, endToEndMs: 1.5 },
    { requestId: 'b', overheadMs: 0.25, endToEndMs: 1.25 },
  ]);
  assert.deepEqual(overheadsOfColumns({ requestIds: '', overheadMs: [], endToEndMs: [] }), []);

  const late: OverheadItem[] = [];
  const m = new OverheadMatcher((it) => late.push(it), 1_000, () => 0);
  const rec = makeInvocationEvent({ function: 'resize', backend: 'gvisor', overheadMs: 0 });
  m.record(rec);
  m.flushed();
  m.overheads(overheadsOfColumns({ requestIds: rec.id, overheadMs: [0.4], endToEndMs: [3.4] }));
  assert.deepEqual(late, [{ requestId: rec.id, function: 'resize', backend: 'gvisor', overheadMs: 0.4, endToEndMs: 3.4 }]);
});
