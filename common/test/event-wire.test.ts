import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeInvocationBatchMs, encodeInvocationBatch, OverheadRows, overheadEventOf, overheadItemsMsOf, WIRE_FORM_COMPACT } from '../src/event-wire';
import { invocationEventsOf } from '../src/events';
import { makeInvocationEvent } from '../src/testing/invocation-events';

describe('compact wire form of invocation batches', () => {
  it('gives back every field of every event, through JSON', () => {
    const ended = Date.parse('2026-11-28T14:00:00.000Z');
    const events = [
      makeInvocationEvent({ endedAt: new Date(ended).toISOString(), durationMs: 0.734, queueMs: 0.011, cpuMs: 0.5 }),
      makeInvocationEvent({ function: 'other', version: 3, backend: 'gvisor', runtime: 'nodejs20.x', memoryMb: 512, coldStart: true, startMs: 120.25, initMs: 40.5, endedAt: new Date(ended + 5).toISOString() }),
      makeInvocationEvent({ status: 'function_error', errorType: 'Runtime.ExitError', errorMessage: 'exit status 1 "quoted"\n', logs: 'line\u0000one\nline two\n', logsTruncated: true, logsBare: true, endedAt: new Date(ended + 7).toISOString() }),
      makeInvocationEvent({ endedAt: new Date(ended + 9).toISOString() }), // same function version as the first
    ];
    const wire = JSON.parse(JSON.stringify(encodeInvocationBatch(events)));
    assert.equal(wire.schema, WIRE_FORM_COMPACT);
    assert.equal(wire.fns.length, 2, 'each function version once');
    const { events: back, invalid } = invocationEventsOf(wire);
    assert.equal(invalid, 0);
    assert.deepEqual(back, events);
  });

  it('takes times as epoch ms too (as the agent records them), and encodes them as it does ISO strings', () => {
    const ended = Date.parse('2026-11-28T14:00:00.000Z');
    const iso = [makeInvocationEvent({ startedAt: new Date(ended - 4).toISOString(), endedAt: new Date(ended).toISOString() }), makeInvocationEvent({ startedAt: new Date(ended + 1).toISOString(), endedAt: new Date(ended + 2).toISOString() })];
    const ms = iso.map((e) => ({ ...e, startedAt: Date.parse(e.startedAt), endedAt: Date.parse(e.endedAt) }));
    assert.deepEqual(encodeInvocationBatch(ms), encodeInvocationBatch(iso));
    const [back] = invocationEventsOf(JSON.parse(JSON.stringify(encodeInvocationBatch([{ ...ms[0], endedAt: Number.NaN }])))).events;
    assert.equal(back.startedAt, iso[0].startedAt);
    assert.equal(back.endedAt, '', 'a time that is not one is left empty');
  });

  it('rounds durations to the microsecond and keeps a time it cannot shorten as it is', () => {
    const e = makeInvocationEvent({ durationMs: 1.23456789, startedAt: 'not a time' });
    const [back] = invocationEventsOf(JSON.parse(JSON.stringify(encodeInvocationBatch([e])))).events;
    assert.equal(back.durationMs, 1.235);
    assert.equal(back.startedAt, 'not a time');
    assert.equal(back.endedAt, e.endedAt);
  });

  it('is under a third of form 1 for a no-op record', () => {
    const events = Array.from({ length: 100 }, () => makeInvocationEvent({ durationMs: performance.now() % 1, queueMs: performance.now() % 0.1 }));
    const compact = JSON.stringify(encodeInvocationBatch(events)).length;
    const form1 = JSON.stringify(events).length;
    assert.ok(compact * 3 < form1, `compact ${compact} bytes, form 1 ${form1} bytes`);
  });

  it('counts rows that do not decode, and still reads form 1', () => {
    const wire = { schema: 2, agentId: 'a', t0: 0, fns: [['f', 1, 'docker', 'python3.11', 128]], rows: [[5, 'id'], 'junk', [0, 'ok-id', 'ok', 0, 0, 1, 0, 0, 0, 1, 1, 0, 30, 1, 2, 3, '', '', '']] };
    const { events, invalid } = invocationEventsOf(wire);
    assert.equal(invalid, 2);
    assert.equal(events[0].id, 'ok-id');
    const one = makeInvocationEvent();
    assert.deepEqual(invocationEventsOf(one).events, [one]);
    assert.deepEqual(invocationEventsOf([one, { schema: 9 }]), { events: [one], invalid: 1 });
  });
});

describe('the consumers\' epoch-ms reading', () => {
  it('gives the same events with their times as epoch ms, NaN for a time that is not one', () => {
    const ended = Date.parse('2026-11-28T14:00:00.000Z');
    const events = [makeInvocationEvent({ startedAt: new Date(ended - 3).toISOString(), endedAt: new Date(ended).toISOString() }), makeInvocationEvent({ startedAt: 'not a time', endedAt: '' })];
    const wire = JSON.parse(JSON.stringify(encodeInvocationBatch(events)));
    const { events: back, invalid } = decodeInvocationBatchMs(wire);
    assert.equal(invalid, 0);
    assert.deepEqual(back[0], { ...events[0], startedAt: ended - 3, endedAt: ended });
    assert.ok(Number.isNaN(back[1].startedAt) && Number.isNaN(back[1].endedAt));
  });

  it('reads overhead items of either form with their times as epoch ms', () => {
    const rows = new OverheadRows();
    const t = Date.parse('2026-11-28T14:00:00.000Z');
    rows.add('r1', 'f', 'docker', 'agent-a', 0.5, 1.5, t + 12);
    const [compact] = rows.take('gw', () => 'id-1', 10).map((e) => JSON.parse(JSON.stringify(e)));
    assert.deepEqual(overheadItemsMsOf(compact), [{ requestId: 'r1', function: 'f', backend: 'docker', agentId: 'agent-a', overheadMs: 0.5, endToEndMs: 1.5, at: t + 12 }]);
    const item = { requestId: 'r2', function: 'f', backend: 'docker', agentId: 'a', overheadMs: 1, endToEndMs: 2 };
    const form1 = { schema: 1, gatewayId: 'gw', id: 'x', at: '2026-11-28T14:00:01.000Z', items: [{ ...item, at: '2026-11-28T14:00:00.500Z' }, { ...item, at: 'junk' }, null] };
    assert.deepEqual(overheadItemsMsOf(form1)?.map((i) => i.at), [t + 500, t + 1000], 'an item without a time takes its event\'s; a null item is left out');
    assert.equal(overheadItemsMsOf({ schema: 3, items: [] }), undefined);
  });
});

describe('compact overhead events', () => {
  it('gives back the items of either form, with their times to the millisecond', () => {
    const rows = new OverheadRows();
    const t = Date.parse('2026-11-28T14:00:00.000Z');
    rows.add('r1', 'f', 'docker', 'agent-a', 0.4567, 1.5, t);
    rows.add('r2', 'g', 'gvisor', 'agent-a', 0.25, 2, t + 12);
    rows.add('r3', 'f', 'docker', 'agent-a', 0.5, 1, t + 20);
    const [first, second] = rows.take('gw', () => 'id-1', 2).map((e) => JSON.parse(JSON.stringify(e)));
    assert.equal(rows.length, 0);
    assert.equal(first.keys.length, 2);
    assert.deepEqual(overheadEventOf(first)?.items, [
      { requestId: 'r1', function: 'f', backend: 'docker', agentId: 'agent-a', overheadMs: 0.457, endToEndMs: 1.5, at: '2026-11-28T14:00:00.000Z' },
      { requestId: 'r2', function: 'g', backend: 'gvisor', agentId: 'agent-a', overheadMs: 0.25, endToEndMs: 2, at: '2026-11-28T14:00:00.012Z' },
    ]);
    assert.equal(overheadEventOf(second)?.items[0].at, '2026-11-28T14:00:00.020Z');
    const form1 = { schema: 1, gatewayId: 'gw', id: 'x', at: 'now', items: [] };
    assert.equal(overheadEventOf(form1), form1);
    assert.equal(overheadEventOf({ schema: 3, items: [] }), undefined);
    assert.equal(overheadEventOf('junk'), undefined);
  });
});
