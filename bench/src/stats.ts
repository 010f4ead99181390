// Latency statistics over a list of samples in milliseconds (exact percentiles, nearest-rank).
import type { RoundCost } from './types.ts';

export interface LatencyStats {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function summarize(samplesMs: number[]): LatencyStats {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    n: sorted.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.length ? sorted[sorted.length - 1] : NaN),
    mean: round(sorted.length ? sum / sorted.length : NaN),
  };
}

/** Rounds to 3 decimals (microsecond resolution for milliseconds). */
export function round(value: number, digits = 3): number {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/**
 * A 95% (or `level`) percentile-bootstrap interval of the median of xs: xs resampled with
 * replacement `resamples` times, the median of each, and the middle `level` of those medians. How
 * far a run's median could move by the luck of its rounds alone. Seeded, so a report can be
 * recomputed exactly from its rounds.
 */
export function medianInterval(xs: number[], level = 0.95, resamples = 4_000, seed = 1): [number, number] | undefined {
  if (xs.length === 0) return undefined;
  let s = seed >>> 0;
  // mulberry32: small, fast and good enough to pick indices
  const random = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const sample = new Array<number>(xs.length);
  const medians = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < xs.length; i++) sample[i] = xs[Math.floor(random() * xs.length)];
    medians[b] = medianOf(sample);
  }
  medians.sort();
  const tail = (1 - level) / 2;
  return [medians[Math.floor(tail * (resamples - 1))], medians[Math.ceil((1 - tail) * (resamples - 1))]];
}

/** The median (the mean of the middle two for an even count); sorts xs in place. */
function medianOf(xs: number[]): number {
  xs.sort((a, b) => a - b);
  const mid = xs.length >> 1;
  return xs.length % 2 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2;
}

/** A round-by-round cost's bootstrap interval, as the reports print it. */
export const intervalText = (r: RoundCost) => `95% interval of the median ${r.interval[0].toFixed(1)}% to ${r.interval[1].toFixed(1)}% over ${r.rounds} rounds`;
