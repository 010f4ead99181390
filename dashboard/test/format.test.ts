import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, formatBytes, formatCount, formatPercent, formatRate, formatRelative, formatMb, statusTone, shortId, formatMoney } from '../src/lib/format.ts';

test('durations read naturally from sub-millisecond to minutes', () => {
  assert.equal(formatDuration(0.123), '0.12 ms');
  assert.equal(formatDuration(4.56), '4.6 ms');
  assert.equal(formatDuration(245.4), '245 ms');
  assert.equal(formatDuration(1234), '1.23 s');
  assert.equal(formatDuration(42_000), '42.0 s');
  assert.equal(formatDuration(125_000), '2 min 5 s');
  assert.equal(formatDuration(null), '—');
  assert.equal(formatDuration(NaN), '—');
});

test('sizes, counts, rates, percentages and money', () => {
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(2048), '2.0 KB');
  assert.equal(formatBytes(5 * 1024 * 1024), '5.0 MB');
  assert.equal(formatMb(512), '512 MB');
  assert.equal(formatMb(2048), '2 GB');
  assert.equal(formatCount(1234), '1,234');
  assert.equal(formatCount(12_345), '12.3k');
  assert.equal(formatCount(12_345_678), '12.3M');
  assert.equal(formatRate(0), '0/s');
  assert.equal(formatRate(0.5), '0.50/s');
  assert.equal(formatRate(12.34), '12.3/s');
  assert.equal(formatRate(1000), '1,000/s');
  assert.equal(formatPercent(0.1234), '12.3%');
  assert.equal(formatPercent(0), '0%');
  assert.equal(formatPercent(1), '100%');
  assert.equal(formatPercent(0.0004), '<0.1%');
  assert.equal(formatMoney(0), '$0');
  assert.equal(formatMoney(0.2), '$0.20');
  assert.equal(formatMoney(0.00021), '$0.00021');
});

test('relative times', () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0);
  const ago = (s: number) => new Date(now - s * 1000).toISOString();
  assert.equal(formatRelative('', now), 'never');
  assert.equal(formatRelative(ago(2), now), 'just now');
  assert.equal(formatRelative(ago(30), now), '30 s ago');
  assert.equal(formatRelative(ago(300), now), '5 min ago');
  assert.equal(formatRelative(ago(7200), now), '2 h ago');
  assert.equal(formatRelative(ago(3 * 86400), now), '3 d ago');
  assert.equal(formatRelative('not a date', now), 'never');
});

test('status tones and short ids', () => {
  assert.equal(statusTone('ok'), 'ok');
  assert.equal(statusTone('timeout'), 'warn');
  assert.equal(statusTone('throttled'), 'warn');
  assert.equal(statusTone('oom'), 'error');
  assert.equal(statusTone(''), 'muted');
  assert.equal(shortId('0123456789abcdef'), '01234567…');
  assert.equal(shortId('abc'), 'abc');
});
