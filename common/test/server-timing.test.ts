// Server-Timing header values: written by the gateway, read by the benchmark and the dashboard.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatServerTiming, parseServerTiming } from '../src/server-timing';

test('formats parts to 0.01 ms, a negative duration as 0', () => {
  assert.equal(formatServerTiming([['gateway', 0.214], ['hop', -0.001], ['total', 2]]), 'gateway;dur=0.21, hop;dur=0.00, total;dur=2.00');
});

test('parses parts into milliseconds in order, leaving out parts without a duration', () => {
  const parsed = parseServerTiming('gateway;dur=0.21, hop;dur=0.35, agent;desc="x";dur=0.10, cache, miss;dur=abc, function;dur=1.5, total;dur=2.16');
  assert.deepEqual(parsed, { gateway: 0.21, hop: 0.35, agent: 0.1, function: 1.5, total: 2.16 });
  assert.deepEqual(Object.keys(parsed), ['gateway', 'hop', 'agent', 'function', 'total']);
  assert.deepEqual(parseServerTiming(undefined), {});
  assert.deepEqual(parseServerTiming(''), {});
});

test('reads back what it writes', () => {
  const parts: [string, number][] = [['gateway', 0.3], ['function', 12.25], ['total', 12.55]];
  assert.deepEqual(parseServerTiming(formatServerTiming(parts)), Object.fromEntries(parts));
});
