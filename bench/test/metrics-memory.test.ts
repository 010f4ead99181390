// The metrics on/off comparison runs its functions at --metrics-memory (default 1769 MB, one CPU),
// and the ratios and targets say so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOptions } from '../src/options.ts';
import { ratios, targets } from '../src/analysis.ts';
import type { ResultRow } from '../src/types.ts';

test('--metrics-memory defaults to one CPU (1769 MB) and takes a size', () => {
  const defaults = parseOptions([], '/repo');
  assert.ok(defaults !== 'help');
  assert.equal(defaults.metricsMemoryMb, 1769);
  assert.equal(defaults.memoryMb, 128);
  const set = parseOptions(['--metrics-memory', '512'], '/repo');
  assert.ok(set !== 'help');
  assert.equal(set.metricsMemoryMb, 512);
  assert.throws(() => parseOptions(['--metrics-memory', 'lots'], '/repo'), /--metrics-memory must be a non-negative number/);
});

test("the metrics rows' ratio and target name the memory they ran at", () => {
  const latency = { n: 500, p50: 1, p95: 1, p99: 2, max: 3, mean: 1 };
  const row = (metrics: 'on' | 'off', p50: number): ResultRow => ({
    scenario: 'metrics-warm', target: 'stratus', backend: 'docker', fn: 'noop-py', runtime: 'python3.11', metrics,
    concurrency: 1, latency: { ...latency, p50 }, rps: 0, requests: 500, errors: 0, memoryMb: 1769,
  });
  const rows = [row('on', 1.04), row('off', 1)];
  const ratio = ratios(rows).find((r) => r.name.startsWith('metrics cost'));
  assert.equal(ratio?.name, 'metrics cost at 1769 MB, warm p50 noop-py docker: % slower with metrics');
  assert.equal(ratio?.value, 4);
  const target = targets(rows, 0).find((t) => t.issue === 5);
  assert.equal(target?.name, 'metrics cost at 1769 MB, warm noop-py docker');
  assert.equal(target?.pass, true);
});
