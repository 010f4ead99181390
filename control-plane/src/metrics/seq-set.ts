// Which stream sequences are already folded into the roll-ups: everything up to `floor`, plus ranges
// above it. Messages can come back out of order (a delivery lost while NATS restarts is redelivered
// after ack_wait, after later ones were committed), so a single high-water mark is not enough.
export type SeqRange = [number, number];

export class SeqSet {
  constructor(public floor = 0, public ranges: SeqRange[] = [], private readonly maxRanges = 10_000) {}

  has(seq: number): boolean {
    if (seq <= this.floor) return true;
    // ranges are few (one per gap still open): a linear scan is fine
    for (const [a, b] of this.ranges) {
      if (seq < a) return false;
      if (seq <= b) return true;
    }
    return false;
  }

  add(seq: number): void {
    if (this.has(seq)) return;
    const r = this.ranges;
    let i = 0;
    while (i < r.length && r[i][1] < seq - 1) i++;
    if (i < r.length && r[i][0] <= seq + 1) {
      // touches range i: extend it, maybe joining the next one
      r[i][0] = Math.min(r[i][0], seq);
      r[i][1] = Math.max(r[i][1], seq);
      if (i + 1 < r.length && r[i + 1][0] <= r[i][1] + 1) {
        r[i][1] = Math.max(r[i][1], r[i + 1][1]);
        r.splice(i + 1, 1);
      }
    } else {
      r.splice(i, 0, [seq, seq]);
    }
    this.normalize();
  }

  private normalize(): void {
    while (this.ranges.length > 0 && this.ranges[0][0] <= this.floor + 1) {
      this.floor = Math.max(this.floor, this.ranges[0][1]);
      this.ranges.shift();
    }
    // a gap that never fills (its message aged out of the stream) must not grow state without bound
    while (this.ranges.length > this.maxRanges) {
      this.floor = this.ranges[0][1];
      this.ranges.shift();
    }
  }

  clone(): SeqSet {
    return new SeqSet(this.floor, this.ranges.map(([a, b]) => [a, b] as SeqRange), this.maxRanges);
  }
}
