import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LiveStats, summarize } from '../src/lib/live-stats.ts';

const ev = (o: Partial<{ function: string; backend: string; status: string; coldStart: boolean; durationMs: number; endedAt: string; maxMemoryMb: number }> = {}) => ({
  function: 'f',
  backend: 'docker',
  status: 'ok',
  coldStart: false,
  durationMs: 10,
  endedAt: new Date(1_000_000_000).toISOString(),
  maxMemoryMb: 20,
  ...o,
});

test('invocations are counted per second with errors, cold starts and exact percentiles', () => {
  const s = new LiveStats({ nowSec: 100 });
  for (let i = 1; i <= 100; i++) s.add(ev({ durationMs: i, coldStart: i <= 5, status: i <= 2 ? 'function_error' : 'ok' }));
  s.add(ev({ status: 'throttled', durationMs: 0 }));
  const [first] = s.flush(101);
  assert.equal(first.t, 100);
  assert.equal(first.count, 101);
  assert.equal(first.errors, 2);
  assert.equal(first.throttled, 1);
  assert.equal(first.cold, 5);
  assert.equal(first.p50, 50);
  assert.equal(first.p99, 99);
  assert.equal(first.backends.docker.count, 101);
  assert.equal(first.backends.docker.memMb, 20);
});

test('quiet seconds close as empty buckets, and a long gap does not emit more than the history holds', () => {
  const s = new LiveStats({ nowSec: 0, historySeconds: 10 });
  const closed = s.flush(3);
  assert.deepEqual(closed.map((c) => [c.t, c.count, c.p50]), [[0, 0, null], [1, 0, null], [2, 0, null]]);
  const many = s.flush(1000);
  assert.ok(many.length <= 11, `closed ${many.length} seconds`);
  assert.equal(s.seconds.length, 10);
  assert.equal(s.seconds.last()?.t, 999);
});

test('a thousand invocations a second stay bounded in memory (percentiles from a reservoir)', () => {
  const s = new LiveStats({ nowSec: 0 });
  for (let i = 0; i < 20_000; i++) s.add(ev({ durationMs: i % 100 }));
  const [b] = s.flush(1);
  assert.equal(b.count, 20_000);
  assert.ok(b.p50 !== null && b.p50 > 35 && b.p50 < 65, `p50 ${b.p50}`);
});

test('per-function traffic is kept per minute for the sparkline, with the last invocation time', () => {
  const s = new LiveStats({ nowSec: 0 });
  const base = Date.UTC(2026, 0, 1, 12, 0, 0);
  s.trackFunction({ function: 'a', status: 'ok', endedAt: new Date(base).toISOString() });
  s.trackFunction({ function: 'a', status: 'timeout', endedAt: new Date(base + 61_000).toISOString() });
  s.trackFunction({ function: 'a', status: 'ok', endedAt: new Date(base + 62_000).toISOString() });
  const live = s.functionLive('a', 3, base / 1000 + 120);
  assert.ok(live);
  assert.deepEqual(live.perMinute, [1, 2, 0]);
  assert.deepEqual(live.errorsPerMinute, [0, 1, 0]);
  assert.equal(live.minuteStart, base / 1000);
  assert.equal(live.lastAt, new Date(base + 62_000).toISOString());
  assert.equal(s.functionLive('nope'), undefined);
});

test('the headline summary weighs rates over the seconds given', () => {
  const seconds = [
    { t: 1, count: 10, errors: 1, cold: 2, throttled: 0, p50: 10, p99: 50, backends: {} },
    { t: 2, count: 30, errors: 0, cold: 0, throttled: 0, p50: 20, p99: 80, backends: {} },
  ];
  const s = summarize(seconds);
  assert.equal(s.count, 40);
  assert.equal(s.rate, 20);
  assert.equal(s.errorRate, 1 / 40);
  assert.equal(s.coldRate, 2 / 40);
  assert.equal(s.p50, (10 * 10 + 20 * 30) / 40);
  assert.equal(s.p99, 80);
  assert.deepEqual(summarize([]).rate, 0);
});

test('invocations a source left out still count in the second they arrived', () => {
  const s = new LiveStats({ nowSec: 0 });
  s.add(ev({ durationMs: 5 }));
  s.addDropped(99);
  const [b] = s.flush(1);
  assert.equal(b.count, 100);
  assert.equal(b.p50, 5);
});
