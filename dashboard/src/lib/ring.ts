// Bounded buffers and sampling for the live views: the dashboard keeps the last N points or events
// in fixed memory and redraws on a clock (at most about once a second), never per event.

/** A fixed-capacity FIFO: pushing past capacity drops the oldest item. O(1) push. */
export class RingBuffer<T> {
  private items: (T | undefined)[];
  private start = 0;
  private size = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity <= 0) throw new RangeError('capacity must be a positive integer');
    this.items = new Array(capacity);
  }

  get length(): number {
    return this.size;
  }

  push(item: T): void {
    const end = (this.start + this.size) % this.capacity;
    this.items[end] = item;
    if (this.size < this.capacity) this.size++;
    else this.start = (this.start + 1) % this.capacity;
  }

  pushAll(items: Iterable<T>): void {
    for (const item of items) this.push(item);
  }

  /** Oldest first. */
  toArray(): T[] {
    const out: T[] = new Array(this.size);
    for (let i = 0; i < this.size; i++) out[i] = this.items[(this.start + i) % this.capacity] as T;
    return out;
  }

  /** The newest `n` items, newest first. */
  latest(n: number): T[] {
    const count = Math.min(n, this.size);
    const out: T[] = new Array(count);
    for (let i = 0; i < count; i++) out[i] = this.items[(this.start + this.size - 1 - i) % this.capacity] as T;
    return out;
  }

  last(): T | undefined {
    return this.size ? this.items[(this.start + this.size - 1) % this.capacity] : undefined;
  }

  clear(): void {
    this.items = new Array(this.capacity);
    this.start = 0;
    this.size = 0;
  }
}

/**
 * Columns of a time series for uPlot (x = unix seconds, then one column per series), bounded to the
 * last `capacity` points. A point with the same timestamp as the newest one replaces it.
 */
export class SeriesRing {
  private rows: RingBuffer<number[]>;

  constructor(readonly capacity: number, readonly seriesCount: number) {
    this.rows = new RingBuffer(capacity);
  }

  get length(): number {
    return this.rows.length;
  }

  push(t: number, values: (number | null)[]): void {
    if (values.length !== this.seriesCount) throw new RangeError(`expected ${this.seriesCount} values, got ${values.length}`);
    const row = [t, ...values.map((v) => (v === null || v === undefined || !Number.isFinite(v) ? NaN : v))];
    const last = this.rows.last();
    if (last && last[0] === t) {
      last.splice(0, last.length, ...row);
      return;
    }
    if (last && t < last[0]) return; // out of order: ignore (the live view only moves forward)
    this.rows.push(row);
  }

  /** uPlot's AlignedData: [xs, ys1, ys2, ...]; NaN becomes null (a gap). */
  data(): (number | null)[][] {
    const rows = this.rows.toArray();
    const cols: (number | null)[][] = Array.from({ length: this.seriesCount + 1 }, () => new Array(rows.length));
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      for (let c = 0; c <= this.seriesCount; c++) cols[c][i] = Number.isNaN(row[c]) ? null : row[c];
    }
    return cols;
  }

  clear(): void {
    this.rows.clear();
  }
}

/**
 * Calls `fn` with the latest value at most once per `intervalMs` (trailing edge: the last value
 * offered in an interval is always delivered). `offer` is O(1); no work happens per event.
 */
export interface SamplerClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: SamplerClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export function createSampler<T>(fn: (value: T) => void, intervalMs: number, clock: SamplerClock = realClock) {
  let pending: { value: T } | null = null;
  let timer: unknown = null;
  let lastRun = -Infinity;
  const run = () => {
    timer = null;
    if (!pending) return;
    const { value } = pending;
    pending = null;
    lastRun = clock.now();
    fn(value);
  };
  return {
    offer(value: T): void {
      pending = { value };
      if (timer) return;
      const wait = Math.max(0, lastRun + intervalMs - clock.now());
      timer = clock.setTimeout(run, wait);
    },
    flush(): void {
      if (timer) clock.clearTimeout(timer);
      run();
    },
    cancel(): void {
      if (timer) clock.clearTimeout(timer);
      timer = null;
      pending = null;
    },
  };
}

/** The q-quantile (0..1) of an ascending sorted array, nearest-rank; NaN when empty. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil(q * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}
