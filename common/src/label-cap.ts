// Bounded label cardinality for Prometheus metrics: the first `max` distinct values keep their own
// label; later ones share "_other", so a platform with thousands of functions cannot blow up a scrape.
export const OTHER_LABEL = '_other';

export class LabelCap {
  private readonly seen = new Set<string>();
  constructor(readonly max: number = 500) {}

  /** The label to use for `value` (itself while there is room or it was seen before, else "_other"). */
  label(value: string): string {
    if (this.seen.has(value)) return value;
    if (this.seen.size >= this.max) return OTHER_LABEL;
    this.seen.add(value);
    return value;
  }

  get size(): number {
    return this.seen.size;
  }
}
