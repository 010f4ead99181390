// GET /api/v1/metrics/series?step=: whole seconds, or a duration as Prometheus writes it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stepSeconds } from '../src/metrics/index';

test('reads whole seconds and s/m/h/d durations', () => {
  assert.equal(stepSeconds('60'), 60);
  assert.equal(stepSeconds('10s'), 10);
  assert.equal(stepSeconds('5m'), 300);
  assert.equal(stepSeconds('1h'), 3600);
  assert.equal(stepSeconds('1d'), 86_400);
  assert.equal(stepSeconds(' 2m '), 120);
});

test('refuses anything else', () => {
  for (const bad of ['', '1.5', '-60', '10ms', '1w', 'm', '10 s', '1e3']) assert.equal(stepSeconds(bad), undefined, bad);
});
