// Recent demand per function (arrival rate, duration, peak concurrency) in one-second buckets over a
// short window: the input of the scale-ahead policy.
import type { DemandSample } from './policy';

const BUCKETS = 10;

interface Bucket { second: number; arrivals: number; peak: number; durationSum: number; durations: number }

export class DemandTracker {
  private readonly byFunction = new Map<string, { inFlight: number; buckets: Bucket[] }>();

  constructor(private readonly now: () => number = Date.now) {}

  arrived(key: string): void {
    const entry = this.entry(key);
    entry.inFlight++;
    const b = this.bucket(entry.buckets);
    b.arrivals++;
    b.peak = Math.max(b.peak, entry.inFlight);
  }

  finished(key: string, durationMs: number): void {
    const entry = this.entry(key);
    entry.inFlight = Math.max(0, entry.inFlight - 1);
    const b = this.bucket(entry.buckets);
    b.durationSum += durationMs;
    b.durations++;
  }

  sample(key: string): DemandSample {
    const entry = this.byFunction.get(key);
    if (!entry) return { arrivalsPerSec: 0, avgDurationMs: 0, peakConcurrency: 0 };
    const oldest = Math.floor(this.now() / 1000) - BUCKETS + 1;
    let arrivals = 0, peak = entry.inFlight, sum = 0, n = 0;
    for (const b of entry.buckets) {
      if (b.second < oldest) continue;
      arrivals += b.arrivals;
      peak = Math.max(peak, b.peak);
      sum += b.durationSum;
      n += b.durations;
    }
    return { arrivalsPerSec: arrivals / BUCKETS, avgDurationMs: n ? sum / n : 0, peakConcurrency: arrivals ? peak : entry.inFlight };
  }

  keys(): string[] {
    return [...this.byFunction.keys()];
  }

  forget(key: string): void {
    this.byFunction.delete(key);
  }

  private entry(key: string) {
    let e = this.byFunction.get(key);
    if (!e) this.byFunction.set(key, (e = { inFlight: 0, buckets: [] }));
    return e;
  }

  private bucket(buckets: Bucket[]): Bucket {
    const second = Math.floor(this.now() / 1000);
    const last = buckets[buckets.length - 1];
    if (last && last.second === second) return last;
    const b = { second, arrivals: 0, peak: 0, durationSum: 0, durations: 0 };
    buckets.push(b);
    while (buckets.length > BUCKETS) buckets.shift();
    return b;
  }
}
