import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RingBuffer, SeriesRing, createSampler, quantileSorted, type SamplerClock } from '../src/lib/ring.ts';

test('a ring buffer keeps the newest items up to its capacity, oldest first', () => {
  const r = new RingBuffer<number>(3);
  r.pushAll([1, 2, 3, 4, 5]);
  assert.equal(r.length, 3);
  assert.deepEqual(r.toArray(), [3, 4, 5]);
  assert.deepEqual(r.latest(2), [5, 4]);
  assert.equal(r.last(), 5);
  r.clear();
  assert.deepEqual(r.toArray(), []);
  assert.equal(r.last(), undefined);
});

test('a ring buffer refuses a capacity that is not a positive integer', () => {
  assert.throws(() => new RingBuffer(0), RangeError);
  assert.throws(() => new RingBuffer(1.5), RangeError);
});

test('a series ring gives uPlot columns, bounded, with gaps as null and a repeated timestamp replacing the point', () => {
  const s = new SeriesRing(3, 2);
  s.push(10, [1, 2]);
  s.push(11, [3, null]);
  s.push(11, [4, NaN]);
  s.push(9, [100, 100]); // out of order: ignored
  s.push(12, [5, 6]);
  s.push(13, [7, 8]);
  assert.deepEqual(s.data(), [
    [11, 12, 13],
    [4, 5, 7],
    [null, 6, 8],
  ]);
  assert.throws(() => s.push(14, [1]), RangeError);
});

function fakeClock() {
  let now = 0;
  const timers: { at: number; fn: () => void; id: number }[] = [];
  let nextId = 1;
  const clock: SamplerClock = {
    now: () => now,
    setTimeout: (fn, ms) => {
      const id = nextId++;
      timers.push({ at: now + ms, fn, id });
      return id;
    },
    clearTimeout: (id) => {
      const i = timers.findIndex((t) => t.id === id);
      if (i >= 0) timers.splice(i, 1);
    },
  };
  const advance = (ms: number) => {
    now += ms;
    for (;;) {
      timers.sort((a, b) => a.at - b.at);
      const t = timers[0];
      if (!t || t.at > now) break;
      timers.shift();
      t.fn();
    }
  };
  return { clock, advance };
}

test('the sampler delivers at most once per interval, always the latest value', () => {
  const { clock, advance } = fakeClock();
  const seen: number[] = [];
  const s = createSampler<number>((v) => seen.push(v), 1000, clock);
  for (let i = 1; i <= 1000; i++) s.offer(i); // a thousand events in the same instant
  advance(0);
  assert.deepEqual(seen, [1000]);
  s.offer(1001);
  s.offer(1002);
  advance(500);
  assert.deepEqual(seen, [1000], 'nothing before the interval has passed');
  advance(500);
  assert.deepEqual(seen, [1000, 1002]);
  advance(5000);
  assert.deepEqual(seen, [1000, 1002], 'no redraw without new values');
  s.offer(7);
  s.cancel();
  advance(2000);
  assert.deepEqual(seen, [1000, 1002]);
  s.offer(8);
  s.flush();
  assert.deepEqual(seen, [1000, 1002, 8]);
});

test('quantiles use the nearest rank', () => {
  const xs = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(quantileSorted(xs, 0.5), 50);
  assert.equal(quantileSorted(xs, 0.99), 99);
  assert.equal(quantileSorted(xs, 1), 100);
  assert.equal(quantileSorted([42], 0.99), 42);
  assert.ok(Number.isNaN(quantileSorted([], 0.5)));
});
