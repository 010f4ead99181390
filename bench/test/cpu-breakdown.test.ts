// The metrics on/off throughput rows say how much CPU each of a side's processes used per request in
// its rounds, read from /proc.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { processCpuMs } from '../src/platform.ts';
import { cpuNote, roundByRound } from '../src/scenarios/metrics-cost.ts';
import { medianInterval } from '../src/stats.ts';

test('processCpuMs reads a process CPU time, and 0 for one that is gone', () => {
  const before = processCpuMs(process.pid);
  const until = Date.now() + 150;
  let x = 0;
  while (Date.now() < until) x += Math.sqrt(x + 1);
  assert.ok(x > 0);
  const after = processCpuMs(process.pid);
  assert.ok(after - before >= 50, `busy 150 ms, read ${after - before} ms`);
  assert.equal(processCpuMs(undefined), 0);
  assert.equal(processCpuMs(2 ** 22 + 12345), 0); // above pid_max
});

test('cpuNote gives microseconds per request per process', () => {
  assert.equal(cpuNote({ 'node-agent': 460, 'nats-server': 50 }, 2_000), 'CPU µs per request in its rounds: node-agent 230, nats-server 25');
  assert.equal(cpuNote({ 'node-agent': 1 }, 0), 'CPU µs per request in its rounds: node-agent 0');
});

test('roundByRound takes each round on against off, then the median and quartiles', () => {
  // rounds 1 and 4 slow for both sides alike: the pooled figures move, the ratios do not
  const r = roundByRound([950, 475, 960, 490, 940], [1000, 500, 1000, 500, 1000]);
  assert.ok(r);
  assert.equal(r.median.toFixed(1), '5.0');
  assert.equal(r.q1.toFixed(1), '4.0');
  assert.equal(r.q3.toFixed(1), '5.0');
  assert.deepEqual(r.interval, medianInterval([4, 5, 4, 2, 6]), 'the interval is of the rounds\' percentages');
  assert.equal(r.rounds, 5);
  assert.equal(roundByRound([100], [0]), undefined);
  assert.equal(roundByRound([], []), undefined);
});

test('medianInterval: a bootstrap interval around the median, the same for the same rounds, narrower with more of them', () => {
  assert.equal(medianInterval([]), undefined);
  assert.deepEqual(medianInterval([3, 3, 3]), [3, 3]);
  // 24 rounds scattered around 3% (as the warm comparison has): the interval holds 3 and is inside the rounds' range
  const rounds = [-4, 7, 2.5, 3, 9, -1, 4, 3.5, 1, 6, 2, 3, 5, -2, 8, 3, 2.8, 4.2, 0, 3.1, 6.5, 1.5, 2.9, 3.3];
  const [lo, hi] = medianInterval(rounds)!;
  assert.ok(lo <= 3 && 3 <= hi && lo >= -4 && hi <= 9, `${lo} to ${hi}`);
  assert.ok(hi - lo < 4, `${lo} to ${hi}`);
  assert.deepEqual(medianInterval(rounds), [lo, hi], 'seeded');
  // four times the rounds, the same spread: about half as wide
  const [lo4, hi4] = medianInterval([...rounds, ...rounds, ...rounds, ...rounds])!;
  assert.ok(hi4 - lo4 < hi - lo, `${lo4} to ${hi4} against ${lo} to ${hi}`);
  // a level of 50% is inside the 95% one
  const [l50, h50] = medianInterval(rounds, 0.5)!;
  assert.ok(l50 >= lo && h50 <= hi);
});
