// --metrics-rounds and --metrics-sustained-rounds set how many alternating rounds the metrics on/off
// comparison runs (more rounds, a narrower interval of the round-by-round median).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOptions } from '../src/options.ts';

test('the metrics comparison runs 24 warm, 20 throughput and 4 sustained rounds unless told otherwise', () => {
  const defaults = parseOptions([], '/repo');
  assert.ok(defaults !== 'help');
  assert.deepEqual([defaults.metricsWarmRounds, defaults.metricsThroughputRounds, defaults.metricsSustainedRounds], [24, 20, 4]);
  const quick = parseOptions(['--quick'], '/repo');
  assert.ok(quick !== 'help');
  assert.deepEqual([quick.metricsWarmRounds, quick.metricsThroughputRounds], [2, 2]);
  const set = parseOptions(['--metrics-rounds', '80', '--metrics-sustained-rounds', '12'], '/repo');
  assert.ok(set !== 'help');
  assert.deepEqual([set.metricsWarmRounds, set.metricsThroughputRounds, set.metricsSustainedRounds], [80, 80, 12]);
});

test('a count of rounds that is not a whole number of at least 1 is refused, saying which option', () => {
  for (const bad of ['0', '-3', '2.5', 'many']) {
    assert.throws(() => parseOptions([`--metrics-rounds=${bad}`], '/repo'), new RegExp(`--metrics-rounds must be a whole number of rounds, at least 1, got "${bad.replace('.', '\\.')}"`));
  }
  assert.throws(() => parseOptions(['--metrics-sustained-rounds', '0'], '/repo'), /--metrics-sustained-rounds must be a whole number/);
});
