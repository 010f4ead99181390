// A mergeable latency histogram with a relative-error guarantee (the DDSketch idea): a value v (in
// microseconds) falls in bucket ceil(log_γ v), γ = 1.02, so any quantile read back is within 1% of a
// value that was recorded at that rank. Two histograms merge by adding bucket counts, which is what
// makes percentiles correct across time buckets and agents (never an average of percentiles).
//
// Why not hdr-histogram-js for storage: decoding one of its compressed histograms and adding it cost
// ~155 µs here (inflate + a 4k-slot array per decode), too slow to merge the 1,440 roll-ups of a
// 24 h series under 100 ms; this encoding merges straight into one dense array in a few µs.
//
// Encoding (version 1): byte 1, then varints: min µs, max µs, number of buckets n, then n pairs
// (bucket index delta from the previous bucket, count).

const GAMMA = 1.02;
const LOG_GAMMA = Math.log(GAMMA);
/** Values up to ~1.7 hours (in µs) have their own bucket; larger ones share the last. */
export const MAX_INDEX = Math.ceil(Math.log(6e9) / LOG_GAMMA);
/** Worst relative error of a quantile (against the recorded value at that rank). */
export const RELATIVE_ERROR = (GAMMA - 1) / (GAMMA + 1);

function indexOf(us: number): number {
  if (us <= 1) return 0;
  return Math.min(MAX_INDEX, Math.ceil(Math.log(us) / LOG_GAMMA));
}

function representative(index: number): number {
  if (index === 0) return 1;
  return (2 * Math.pow(GAMMA, index)) / (GAMMA + 1);
}

export class LogHistogram {
  private counts = new Float64Array(MAX_INDEX + 1);
  total = 0;
  min = Number.POSITIVE_INFINITY;
  max = 0;

  /** Empties it (to reuse one accumulator for many merges). */
  reset(): void {
    if (this.total === 0) return;
    this.counts.fill(0);
    this.total = 0;
    this.min = Number.POSITIVE_INFINITY;
    this.max = 0;
  }

  /** Records a duration in milliseconds. */
  recordMs(ms: number, count = 1): void {
    const us = Number.isFinite(ms) ? Math.max(1, Math.round(ms * 1000)) : 1;
    this.counts[indexOf(us)] += count;
    this.total += count;
    if (us < this.min) this.min = us;
    if (us > this.max) this.max = us;
  }

  merge(other: LogHistogram): void {
    if (other.total === 0) return;
    const c = this.counts;
    const o = other.counts;
    for (let i = 0; i <= MAX_INDEX; i++) if (o[i] !== 0) c[i] += o[i];
    this.total += other.total;
    if (other.min < this.min) this.min = other.min;
    if (other.max > this.max) this.max = other.max;
  }

  /** Adds an encoded histogram without building an object for it. Ignores an empty or unknown buffer. */
  mergeEncoded(buf: Uint8Array | null | undefined): void {
    if (buf && buf.length > 0) this.mergeAt(buf, 0);
  }

  /**
   * Adds every histogram of a concatenation of encodings (an encoding says how many pairs it holds,
   * so they need no separator: SQL's string_agg over the rows' bytea gives one buffer per step).
   */
  mergeEncodedAll(buf: Uint8Array | null | undefined): void {
    if (!buf) return;
    for (let pos = 0; pos < buf.length; ) {
      const next = this.mergeAt(buf, pos);
      if (next <= pos) return;
      pos = next;
    }
  }

  /** Merges the encoding starting at `start`; returns where it ends (start when it is not one). */
  private mergeAt(buf: Uint8Array, start: number): number {
    if (buf[start] !== 1) return start;
    const r = { pos: start + 1 };
    const min = readVarint(buf, r);
    const max = readVarint(buf, r);
    const n = readVarint(buf, r);
    const c = this.counts;
    let index = 0;
    let added = 0;
    for (let k = 0; k < n; k++) {
      index += readVarint(buf, r);
      const count = readVarint(buf, r);
      if (index <= MAX_INDEX) c[index] += count;
      added += count;
    }
    this.total += added;
    if (added > 0) {
      if (min < this.min) this.min = min;
      if (max > this.max) this.max = max;
    }
    return r.pos;
  }

  static decode(buf: Uint8Array | null | undefined): LogHistogram {
    const h = new LogHistogram();
    h.mergeEncoded(buf);
    return h;
  }

  encode(): Buffer {
    const out: number[] = [1];
    writeVarint(out, this.total > 0 ? this.min : 0);
    writeVarint(out, this.max);
    let n = 0;
    for (let i = 0; i <= MAX_INDEX; i++) if (this.counts[i] !== 0) n++;
    writeVarint(out, n);
    let prev = 0;
    for (let i = 0; i <= MAX_INDEX; i++) {
      if (this.counts[i] === 0) continue;
      writeVarint(out, i - prev);
      writeVarint(out, this.counts[i]);
      prev = i;
    }
    return Buffer.from(out);
  }

  /** The value (ms) at quantile q in [0, 1] by nearest rank; 0 when empty. */
  quantileMs(q: number): number {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let i = 0; i <= MAX_INDEX; i++) {
      seen += this.counts[i];
      if (seen >= rank) return Math.min(this.max, Math.max(this.min, representative(i))) / 1000;
    }
    return this.max / 1000;
  }
}

function writeVarint(out: number[], value: number): void {
  let v = Math.max(0, Math.floor(value));
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

function readVarint(buf: Uint8Array, r: { pos: number }): number {
  let result = 0;
  let mul = 1;
  for (;;) {
    const b = buf[r.pos++];
    if (b === undefined) return result;
    result += (b & 0x7f) * mul;
    if (b < 0x80) return result;
    mul *= 0x80;
  }
}
