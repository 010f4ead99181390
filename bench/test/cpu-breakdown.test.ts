// The metrics on/off throughput rows say how much CPU each of a side's processes used per request in
// its rounds, read from /proc.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { processCpuMs } from '../src/platform.ts';
import { cpuNote, roundByRound } from '../src/scenarios/metrics-cost.ts';

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
  assert.equal(roundByRound([100], [0]), undefined);
  assert.equal(roundByRound([], []), undefined);
});
