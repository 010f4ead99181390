// The series' step and resolution choice (pure functions; the queries themselves run in
// metrics-rollups.test.ts against PostgreSQL and PGlite).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_SERIES_POINTS, resolutionFor, stepFor } from '../src/metrics/queries';

const now = Date.parse('2026-06-01T12:00:00Z');
const ago = (h: number) => new Date(now - h * 3600_000);

describe('series step and resolution', () => {
  it('defaults to at most 360 points on steps the coarse roll-ups serve', () => {
    assert.equal(stepFor(ago(1), ago(0), undefined, now), 10);
    assert.equal(stepFor(ago(24), ago(0), undefined, now), 300);
    assert.equal(stepFor(ago(24 * 7), ago(0), undefined, now), 1800);
    assert.equal(resolutionFor(ago(24), ago(0), now, 300), 300);
    assert.equal(resolutionFor(ago(24 * 7), ago(0), now, 1800), 300);
    assert.equal(resolutionFor(ago(3), ago(0), now, 60), 60);
    assert.equal(resolutionFor(ago(1), ago(0), now, 10), 10);
  });

  it('keeps a requested step unless it gives more than MAX_SERIES_POINTS points', () => {
    assert.equal(stepFor(ago(24), ago(0), 60, now), 60);
    assert.equal(stepFor(ago(24), ago(0), 120, now), 120);
    const raised = stepFor(ago(24), ago(0), 10, now);
    assert.equal(raised, 60);
    assert.ok((24 * 3600) / raised <= MAX_SERIES_POINTS);
    assert.ok((7 * 24 * 3600) / stepFor(ago(24 * 7), ago(0), 60, now) <= MAX_SERIES_POINTS);
    assert.throws(() => stepFor(ago(1), ago(0), 30, now), /stepSec/);
  });
});
