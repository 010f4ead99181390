// The time axis of the dashboard's charts: one point gets a minute either side, not the 1,000 days
// uPlot itself widens a single time point to when x is in seconds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type uPlot from 'uplot';
import { buildOptions } from '../src/lib/chart-theme.ts';

const xRange = (data: (number | null)[][], min: number | null, max: number | null) => {
  const opts = buildOptions({ width: 400, height: 160, series: [{ label: 'a' }], unit: 'mb' });
  const range = opts.scales!.x!.range as (u: uPlot, min: number | null, max: number | null, key: string) => [number, number];
  return range({ data } as unknown as uPlot, min, max, 'x');
};

test('one point: a minute either side of it, whatever range uPlot proposes', () => {
  const t = 1_795_806_807;
  assert.deepEqual(xRange([[t], [13]], t, t + 86_400_000), [t - 60, t + 60]);
  assert.deepEqual(xRange([[t, t], [13, 14]], t, t), [t - 60, t + 60]);
});

test('several points: the data range; no data: a minute around now', () => {
  assert.deepEqual(xRange([[100, 160, 220], [1, 2, 3]], 100, 220), [100, 220]);
  const [a, b] = xRange([[], []], null, null);
  assert.equal(b - a, 120);
  assert.ok(Math.abs((a + b) / 2 - Date.now() / 1000) < 5);
});
