// The metrics comparison's third platform: round orders that treat the three sides alike, and the
// noise floor (a second metrics-off platform against the first) next to the metrics cost; the
// metrics-on platform measured again with its metrics switched off, next to its 'on' rounds.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ordered, roundOrder } from '../src/scenarios/metrics-cost.ts';
import { costAgainstBothOff, costAgainstSwitchedOff, noiseFloor, ratios, targets } from '../src/analysis.ts';
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
  const rows = [row('on', 930), row('off', 1000), row('control', 970)];
  assert.deepEqual(noiseFloor(rows, rows[1]), { pct: 3, detail: 'control 970, off 1000 req/s' });
  const floor = ratios(rows).find((r) => r.name.startsWith('noise floor'));
  assert.equal(floor?.value, 3);
  const t = targets(rows, 0).find((x) => x.issue === 5)!;
  assert.match(t.measured, /\(7\.0%\); noise floor 3\.0%/);
  assert.equal(t.pass, false, '5.6% against the mean of 985');
  assert.equal(targets(rows, 0).filter((x) => x.issue === 5).length, 1, 'the control makes no target of its own');
  assert.equal(noiseFloor([row('on', 1), row('off', 1)], row('off', 1)), undefined);
});

test('with two metrics-off platforms the target is judged against their mean', () => {
  // off 1000 and control 920: 4.5% fewer req/s against off alone, 0.2% against the mean of 960
  const rows = [row('on', 955), row('off', 1000), row('control', 920)];
  assert.deepEqual(costAgainstBothOff(rows, rows[1], rows[0]), { pct: (100 * (960 - 955)) / 960, detail: 'on 955, off 960 req/s' });
  assert.ok(ratios(rows).some((r) => r.name.includes("two metrics-off platforms' mean") && r.value === 0.52));
  const t = targets(rows, 0).find((x) => x.issue === 5)!;
  assert.match(t.measured, /\(4\.5%\); noise floor 8\.0% .*against both metrics-off platforms' mean \(on 955, off 960 req\/s\): 0\.5%/);
  assert.equal(t.pass, true);
  // and the other way: off alone would pass, the mean does not
  const worse = [row('on', 955), row('off', 990), row('control', 1030)];
  assert.equal(targets(worse, 0).find((x) => x.issue === 5)!.pass, false);
  // warm latency: the mean of the two p50s
  const warm = (metrics: ResultRow['metrics'], p50: number): ResultRow => ({ ...row(metrics, 0, p50), scenario: 'metrics-warm', concurrency: 1 });
  const w = [warm('on', 1.04), warm('off', 1.0), warm('control', 0.96)];
  assert.equal(costAgainstBothOff(w, w[1], w[0])!.pct.toFixed(1), '6.1', '1.04 against 0.98');
  assert.equal(targets(w, 0).find((x) => x.issue === 5)!.pass, false);
});

test('the sustained comparison names its round length from its rounds', () => {
  const sustained = (metrics: ResultRow['metrics'], rps: number): ResultRow => ({ ...row(metrics, rps), scenario: 'metrics-sustained', durationSec: 120, latency: { ...row(metrics, rps).latency, n: 4 } });
  const rows = [sustained('on', 950), sustained('off', 1000)];
  assert.ok(ratios(rows).some((r) => r.name.includes('sustained throughput (rounds of 30 s)')), 'four rounds in 120 s: 30 s each');
  assert.match(targets(rows, 0).find((x) => x.issue === 5)!.name, /rounds of 30 s/);
});

test("the switched-off side runs right after the 'on' side in even rounds and right before it in odd ones", () => {
  const sides = ['on', 'off', 'control', 'switched-off'].map((metrics) => ({ metrics }));
  let after = 0;
  for (let round = 0; round < 6; round++) {
    const order = roundOrder(sides, round).map((s) => s.metrics);
    assert.equal(order.length, 4);
    const i = order.indexOf('on');
    const j = order.indexOf('switched-off');
    assert.equal(Math.abs(i - j), 1, `adjacent in round ${round}: ${order.join(',')}`);
    if (j === i + 1) after++;
    assert.deepEqual(order.filter((m) => m !== 'switched-off'), ordered(['on', 'off', 'control'], round), 'the platforms in the usual order');
  }
  assert.equal(after, 3, 'after it in half the rounds');
  assert.deepEqual(roundOrder([{ metrics: 'on' }, { metrics: 'off' }], 1).map((s) => s.metrics), ['off', 'on'], 'no switched-off side: as before');
});

test('the target is judged against the same platform with its metrics switched off when the run has it', () => {
  // against the metrics-off platforms: 7.0% (off) and 5.6% (mean of 985); against itself switched off: 2.1%
  const rows = [row('on', 930), row('off', 1000), row('control', 970), row('switched-off', 950)];
  assert.deepEqual(costAgainstSwitchedOff(rows, rows[0]), { pct: (100 * (950 - 930)) / 950, detail: 'on 930, switched off 950 req/s' });
  assert.ok(ratios(rows).some((r) => r.name.includes('the same platform with them switched off') && r.value === 2.11));
  const t = targets(rows, 0).find((x) => x.issue === 5)!;
  assert.match(t.measured, /against the same platform with metrics switched off \(on 930, switched off 950 req\/s\): 2\.1%/);
  assert.equal(t.pass, true);
  assert.doesNotMatch(t.measured, /round by round/, 'no rounds, no round-by-round figure');
  const withRounds = [{ ...rows[0], costByRound: { median: 2.4, q1: 1, q3: 4, interval: [0.5, 4.6] as [number, number], rounds: 8 } }, ...rows.slice(1)];
  assert.match(targets(withRounds, 0).find((x) => x.issue === 5)!.measured, /round by round 2\.4% \(95% interval of the median 0\.5% to 4\.6% over 8 rounds\)$/);
  assert.equal(targets(rows, 0).filter((x) => x.issue === 5).length, 1, 'the switched-off side makes no target of its own');
  const warm = (metrics: ResultRow['metrics'], p50: number): ResultRow => ({ ...row(metrics, 0, p50), scenario: 'metrics-warm', concurrency: 1 });
  const w = [warm('on', 0.8), warm('off', 0.7), warm('control', 0.78), warm('switched-off', 0.75)];
  assert.equal(costAgainstSwitchedOff(w, w[0])!.pct.toFixed(1), '6.7');
  assert.equal(targets(w, 0).find((x) => x.issue === 5)!.pass, false, '6.7% over itself switched off, though 8.1% over the mean');
});
