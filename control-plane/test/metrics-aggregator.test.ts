import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeInvocationEvent } from '@stratus/common/testing/invocation-events.ts';
import { RESOLUTIONS, RollupAggregator, bucketOf, type RollupDelta } from '../src/metrics/aggregator';
import { LogHistogram } from '../src/metrics/log-histogram';

// The aggregator folds each event into its 10 s bucket only and derives the 60 s and 300 s ones
// when drained: they must be what folding each event into every resolution gives.
describe('roll-up aggregator', () => {
  const t0 = Date.parse('2026-11-28T14:00:00.000Z');
  const events = Array.from({ length: 600 }, (_, i) =>
    makeInvocationEvent({
      function: i % 3 ? 'a' : 'b',
      agentId: `agent-${i % 2}`,
      backend: i % 5 ? 'docker' : 'gvisor',
      status: i % 7 === 0 ? 'function_error' : i % 11 === 0 ? 'timeout' : i % 13 === 0 ? 'throttled' : 'ok',
      errorType: i % 7 === 0 ? 'Runtime.ExitError' : '',
      coldStart: i % 17 === 0,
      startMs: 100,
      initMs: 20,
      durationMs: 1 + (i % 37),
      endedAt: new Date(t0 + i * 1_777).toISOString(), // 600 events over about 18 minutes
    }),
  );

  /** What folding each event into each resolution gives, computed directly. */
  function expected(res: number): Map<string, { invocations: number; errors: number; timeouts: number; throttles: number; coldStarts: number; durationSumMs: number; p99: number }> {
    const out = new Map<string, { invocations: number; errors: number; timeouts: number; throttles: number; coldStarts: number; durationSumMs: number; h: LogHistogram }>();
    for (const e of events) {
      const k = `${bucketOf(Date.parse(e.endedAt), res).getTime()}|${e.function}|${e.agentId}|${e.backend}`;
      const v = out.get(k) ?? { invocations: 0, errors: 0, timeouts: 0, throttles: 0, coldStarts: 0, durationSumMs: 0, h: new LogHistogram() };
      out.set(k, v);
      if (e.status === 'throttled') {
        v.throttles++;
        continue;
      }
      v.invocations++;
      if (e.status !== 'ok') v.errors++;
      if (e.status === 'timeout') v.timeouts++;
      if (e.coldStart) v.coldStarts++;
      v.durationSumMs += e.durationMs;
      v.h.recordMs(e.durationMs);
    }
    return new Map([...out].map(([k, { h, ...v }]) => [k, { ...v, p99: h.quantileMs(0.99) }]));
  }

  it('gives at 60 s and 300 s exactly what folding every event into them gives', () => {
    const agg = new RollupAggregator();
    // as ISO strings (form 1) and as epoch ms (the consumers' reading) alike
    events.forEach((e, i) => agg.addInvocation(i % 2 ? e : { ...e, startedAt: Date.parse(e.startedAt), endedAt: Date.parse(e.endedAt) }));
    const deltas = agg.drain();
    assert.equal(agg.size, 0);
    for (const res of RESOLUTIONS) {
      const got = new Map(
        deltas
          .filter((d) => d.resolutionSec === res)
          .map((d: RollupDelta) => [
            `${d.bucket.getTime()}|${d.function}|${d.agentId}|${d.backend}`,
            { invocations: d.invocations, errors: d.errors, timeouts: d.timeouts, throttles: d.throttles, coldStarts: d.coldStarts, durationSumMs: d.durationSumMs, p99: d.latency?.quantileMs(0.99) ?? 0 },
          ]),
      );
      assert.deepEqual(got, expected(res), `${res} s`);
    }
  });

  it('keeps the errors by type and the overheads in the derived buckets', () => {
    const agg = new RollupAggregator();
    agg.addInvocation(makeInvocationEvent({ status: 'function_error', errorType: 'Boom', endedAt: new Date(t0 + 1_000).toISOString() }));
    agg.addInvocation(makeInvocationEvent({ status: 'function_error', errorType: 'Boom', endedAt: new Date(t0 + 15_000).toISOString() }));
    agg.addOverhead([
      { requestId: 'r1', function: 'hello', backend: 'docker', agentId: 'agent-1', overheadMs: 0.5, endToEndMs: 2, at: t0 + 1_000 },
      { requestId: 'r2', function: 'hello', backend: 'docker', agentId: 'agent-1', overheadMs: 1.5, endToEndMs: 2, at: new Date(t0 + 15_000).toISOString() },
    ]);
    const minute = agg.drain().filter((d) => d.resolutionSec === 60);
    assert.equal(minute.length, 2, 'one bucket for the records, one for the overheads (their key)');
    const records = minute.find((d) => d.invocations > 0)!;
    assert.deepEqual(records.errorsByType, { Boom: 2 });
    const overheads = minute.find((d) => d.overheadCount > 0)!;
    assert.equal(overheads.overheadSumMs, 2);
    assert.equal(overheads.overheadCount, 2);
  });

  it('folds the overhead a record carries (the gateway sent it back to the agent), and counts a record without one as none', () => {
    const agg = new RollupAggregator();
    const at = new Date(t0 + 1_000).toISOString();
    agg.addInvocation(makeInvocationEvent({ function: 'hello', agentId: 'agent-1', backend: 'docker', endedAt: at, overheadMs: 0.75 }));
    agg.addInvocation(makeInvocationEvent({ function: 'hello', agentId: 'agent-1', backend: 'docker', endedAt: at, overheadMs: 0 }));
    agg.addOverhead([{ requestId: 'r3', function: 'hello', backend: 'docker', agentId: 'agent-1', overheadMs: 0.25, endToEndMs: 2, at: t0 + 1_000 }]);
    // an agent's overhead whose record never came has no function: stored, but in no roll-up
    agg.addOverhead([{ requestId: 'r4', function: '', backend: '', agentId: 'agent-1', overheadMs: 9, endToEndMs: 10, at: t0 + 1_000 }]);
    const fines = agg.drain().filter((d) => d.resolutionSec === 10);
    assert.deepEqual(fines.map((d) => d.function), ['hello'], 'no roll-up of an unknown function');
    const [fine] = fines;
    assert.equal(fine!.invocations, 2);
    assert.equal(fine!.overheadCount, 2, 'one in a record, one in an overhead event');
    assert.equal(fine!.overheadSumMs, 1);
  });
});
