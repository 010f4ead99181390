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

describe('300 s roll-ups built from the 60 s ones (PGlite)', () => {
  it('gives the same series as the 60 s rows, once', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const { openDatabase } = await import('../src/store/db');
    const { RollupAggregator } = await import('../src/metrics/aggregator');
    const { backfillCoarseRollups, writeRollups } = await import('../src/metrics/rollup-store');
    const { getSeries } = await import('../src/metrics/queries');
    const { makeInvocationEvent } = await import('@stratus/common/testing/invocation-events.ts');
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stratus-backfill-'));
    const opened = await openDatabase({ dataDir: tmp, databaseUrl: undefined });
    try {
      const t0 = Math.floor(Date.now() / 3600_000) * 3600_000 - 2 * 3600_000;
      const agg = new RollupAggregator();
      for (let i = 0; i < 600; i++) {
        agg.addInvocation(makeInvocationEvent({ function: i % 3 ? 'a' : 'b', agentId: `agent-${i % 2}`, durationMs: 1 + (i % 97) * 3, endedAt: new Date(t0 + i * 11_000).toISOString() }));
      }
      // a store from before the 300 s level: only 10 s and 60 s rows
      await writeRollups(opened.db, agg.drain().filter((d) => d.resolutionSec !== 300), new Map());
      assert.ok((await backfillCoarseRollups(opened.db, 20 * 60_000)) > 0);
      assert.equal(await backfillCoarseRollups(opened.db), 0);
      // every 300 s row is the sum of its five 60 s rows, histogram included
      const { rollups } = await import('../src/metrics/rollup-store');
      const { LogHistogram } = await import('../src/metrics/log-histogram');
      const rows = await opened.db.select().from(rollups);
      const coarse = rows.filter((r) => r.resolutionSec === 300);
      assert.ok(coarse.length >= 48);
      for (const c of coarse) {
        const parts = rows.filter((r) => r.resolutionSec === 60 && r.function === c.function && r.agentId === c.agentId && Math.floor(r.bucket.getTime() / 300_000) * 300_000 === c.bucket.getTime());
        assert.equal(c.invocations, parts.reduce((x, r) => x + r.invocations, 0));
        assert.ok(Math.abs(c.durationSumMs - parts.reduce((x, r) => x + r.durationSumMs, 0)) < 1e-6);
        const merged = new LogHistogram();
        for (const r of parts) merged.mergeEncoded(r.latency);
        assert.deepEqual(c.latency, merged.encode());
      }
      // and the series read from them add up like the 60 s ones
      const window = { from: new Date(t0).toISOString(), to: new Date(t0 + 2 * 3600_000).toISOString() };
      const values = async (stepSec: number) => ((await getSeries(opened.db, { ...window, metric: 'invocations', stepSec })).values ?? []).map(Number);
      const inv60 = await values(60);
      const inv300 = await values(300);
      const sum = (v: number[]) => v.reduce((x, y) => x + y, 0);
      assert.equal(inv300.length, 24);
      for (let i = 0; i < 24; i++) assert.equal(inv300[i], sum(inv60.slice(i * 5, i * 5 + 5)));
      assert.equal(sum(inv300), 600);
    } finally {
      await opened.close();
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
