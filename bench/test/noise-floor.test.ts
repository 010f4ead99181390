// The metrics comparison's third platform: round orders that treat the three sides alike, and the
// noise floor (a second metrics-off platform against the first) next to the metrics cost.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ordered } from '../src/scenarios/metrics-cost.ts';
import { noiseFloor, ratios, targets } from '../src/analysis.ts';
import type { ResultRow } from '../src/types.ts';

test('three sides: in six rounds each runs in each position twice and after each other side', () => {
  const positions = new Map<string, number[]>([['on', [0, 0, 0]], ['off', [0, 0, 0]], ['control', [0, 0, 0]]]);
  const follows = new Map<string, number>();
  let previous: string | undefined;
  for (let round = 0; round < 6; round++) {
    ordered(['on', 'off', 'control'], round).forEach((side, i) => {
      positions.get(side)![i]++;
      if (previous) follows.set(`${previous}>${side}`, (follows.get(`${previous}>${side}`) ?? 0) + 1);
      previous = side;
    });
  }
  for (const [side, counts] of positions) assert.deepEqual(counts, [2, 2, 2], side);
  for (const a of ['on', 'off', 'control']) for (const b of ['on', 'off', 'control']) if (a !== b) assert.ok((follows.get(`${a}>${b}`) ?? 0) >= 2, `${b} after ${a}`);
  assert.deepEqual(ordered(['on', 'off'], 0), ['on', 'off']);
  assert.deepEqual(ordered(['on', 'off'], 1), ['off', 'on']);
});

const row = (metrics: ResultRow['metrics'], rps: number, p50 = 1): ResultRow => ({
  scenario: 'metrics-throughput', target: 'stratus', backend: 'docker', fn: 'noop-py', runtime: 'python3.11', metrics, concurrency: 32,
  latency: { n: 20, p50, p95: Number.NaN, p99: 2, max: 3, mean: Number.NaN }, rps, requests: rps * 40, errors: 0,
});

test('the noise floor is the control against the metrics-off side, shown beside the cost', () => {
  const rows = [row('on', 940), row('off', 1000), row('control', 970)];
  assert.deepEqual(noiseFloor(rows, rows[1]), { pct: 3, detail: 'control 970, off 1000 req/s' });
  const floor = ratios(rows).find((r) => r.name.startsWith('noise floor'));
  assert.equal(floor?.value, 3);
  const t = targets(rows, 0).find((x) => x.issue === 5)!;
  assert.match(t.measured, /\(6\.0%\); noise floor 3\.0%/);
  assert.equal(t.pass, false, 'the target is judged on the cost itself');
  assert.equal(targets(rows, 0).filter((x) => x.issue === 5).length, 1, 'the control makes no target of its own');
  assert.equal(noiseFloor([row('on', 1), row('off', 1)], row('off', 1)), undefined);
});

test('the sustained comparison names its round length from its rounds', () => {
  const sustained = (metrics: ResultRow['metrics'], rps: number): ResultRow => ({ ...row(metrics, rps), scenario: 'metrics-sustained', durationSec: 120, latency: { ...row(metrics, rps).latency, n: 4 } });
  const rows = [sustained('on', 950), sustained('off', 1000)];
  assert.ok(ratios(rows).some((r) => r.name.includes('sustained throughput (rounds of 30 s)')), 'four rounds in 120 s: 30 s each');
  assert.match(targets(rows, 0).find((x) => x.issue === 5)!.name, /rounds of 30 s/);
});
