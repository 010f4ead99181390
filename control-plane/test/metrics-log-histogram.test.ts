import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LogHistogram, RELATIVE_ERROR } from '../src/metrics/log-histogram';

function exactQuantile(sorted: number[], q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
}

/** A deterministic pseudo-random generator, so the test sees the same values every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

describe('log histogram', () => {
  it('gives merged percentiles within 1% of the exact ones across many partial histograms', () => {
    const rand = rng(42);
    const values: number[] = [];
    const parts = Array.from({ length: 40 }, () => new LogHistogram());
    for (let i = 0; i < 20_000; i++) {
      // long-tailed: mostly 1-50 ms, some cold starts of 300-900 ms, a few multi-second calls
      const r = rand();
      const v = r < 0.9 ? 1 + 49 * rand() : r < 0.99 ? 300 + 600 * rand() : 2000 + 8000 * rand();
      values.push(v);
      parts[i % parts.length].recordMs(v);
    }
    // merge as the queries do: half through encoded bytes, half as objects
    const merged = new LogHistogram();
    parts.forEach((p, i) => (i % 2 ? merged.mergeEncoded(p.encode()) : merged.merge(LogHistogram.decode(p.encode()))));
    const sorted = [...values].sort((a, b) => a - b);
    assert.equal(merged.total, values.length);
    for (const q of [0.5, 0.9, 0.95, 0.99, 0.999, 1]) {
      const exact = exactQuantile(sorted, q);
      const got = merged.quantileMs(q);
      assert.ok(Math.abs(got - exact) / exact <= RELATIVE_ERROR + 1e-3, `q${q}: got ${got}, exact ${exact}`);
    }
  });

  it('shows why percentiles are never averaged: the mean of per-part p99s is far from the true p99', () => {
    const fast = new LogHistogram();
    const slow = new LogHistogram();
    for (let i = 0; i < 1000; i++) fast.recordMs(5);
    for (let i = 0; i < 10; i++) slow.recordMs(1000);
    const merged = new LogHistogram();
    merged.merge(fast);
    merged.merge(slow);
    const averaged = (fast.quantileMs(0.99) + slow.quantileMs(0.99)) / 2;
    assert.ok(Math.abs(merged.quantileMs(0.99) - 5) / 5 < 0.01);
    assert.ok(averaged > 400);
  });

  it('encodes an empty histogram and a sub-microsecond value without losing them', () => {
    assert.equal(LogHistogram.decode(new LogHistogram().encode()).total, 0);
    const h = new LogHistogram();
    h.recordMs(0);
    h.recordMs(0.0004);
    const d = LogHistogram.decode(h.encode());
    assert.equal(d.total, 2);
    assert.equal(d.quantileMs(1), 0.001);
  });

  it('merges a concatenation of encodings (string_agg of the rows) like the encodings one by one', () => {
    const rand = rng(7);
    const parts = Array.from({ length: 25 }, (_, k) => {
      const h = new LogHistogram();
      for (let i = 0; i < 50 + k; i++) h.recordMs(0.5 + 3000 * rand() ** 3);
      return h;
    });
    const one = new LogHistogram();
    for (const p of parts) one.mergeEncoded(p.encode());
    const all = new LogHistogram();
    all.mergeEncodedAll(Buffer.concat([new LogHistogram().encode(), ...parts.map((p) => p.encode())]));
    assert.equal(all.total, one.total);
    assert.equal(all.min, one.min);
    assert.equal(all.max, one.max);
    for (const q of [0, 0.5, 0.99, 1]) assert.equal(all.quantileMs(q), one.quantileMs(q));
  });
});
