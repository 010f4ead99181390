// A bounded outbox of events waiting for a JetStream acknowledgement. Records enter it on the hot path
// (an O(1) push, no encoding); a background pump drains it. While NATS is down it keeps filling up to
// its bounds, then drops the oldest (counted), so an outage costs memory, never invocation latency.

export interface OutboxItem {
  subject: string;
  /** Nats-Msg-Id: the stream drops a resend of an id it already holds (duplicate window). */
  msgId: string;
  payload: unknown;
  /** Estimated bytes, for the byte bound (not exact: avoids encoding on the hot path). */
  bytes: number;
  /** Records the item carries (a batch carries several; default 1): what held, dropped and published count. */
  records?: number;
}

const recordsOf = (item: OutboxItem): number => item.records ?? 1;

export interface OutboxLimits {
  maxItems: number;
  maxBytes: number;
}

export const DEFAULT_OUTBOX_LIMITS: OutboxLimits = { maxItems: 100_000, maxBytes: 64 * 1024 * 1024 };

/** FIFO with O(1) push/shift and a put-back at the front for batches that failed to publish. */
export class Outbox {
  private items: (OutboxItem | undefined)[] = [];
  private head = 0;
  private bytesHeld = 0;
  /** Items taken out for publishing and not yet acknowledged or put back: counted in the bounds. */
  private inFlightItems = 0;
  private inFlightBytes = 0;
  private recordsHeld = 0;
  /** Records dropped to keep the bounds. */
  dropped = 0;

  constructor(readonly limits: OutboxLimits = DEFAULT_OUTBOX_LIMITS) {}

  get length(): number {
    return this.items.length - this.head;
  }
  get bytes(): number {
    return this.bytesHeld;
  }
  /** Records waiting plus in flight. */
  get held(): number {
    return this.recordsHeld;
  }

  push(item: OutboxItem): void {
    this.items.push(item);
    this.bytesHeld += item.bytes;
    this.recordsHeld += recordsOf(item);
    while (
      this.length > 0 &&
      (this.length + this.inFlightItems > this.limits.maxItems || this.bytesHeld + this.inFlightBytes > this.limits.maxBytes)
    ) {
      const old = this.shiftOne();
      if (!old) break;
      this.drop(old);
    }
  }

  /** Takes up to n items for publishing; give each back with `settle` (acked) or `putBack` (failed). */
  take(n: number): OutboxItem[] {
    const out: OutboxItem[] = [];
    while (out.length < n) {
      const item = this.shiftOne();
      if (!item) break;
      out.push(item);
      this.inFlightItems++;
      this.inFlightBytes += item.bytes;
    }
    return out;
  }

  settle(items: OutboxItem[]): void {
    for (const item of items) {
      this.inFlightItems--;
      this.inFlightBytes -= item.bytes;
      this.recordsHeld -= recordsOf(item);
    }
  }

  /** Failed items go back to the front, in their original order, ahead of newer ones. */
  putBack(items: OutboxItem[]): void {
    this.settle(items);
    this.putFirst(items);
  }

  /**
   * One taken item is replaced by others (the same records in smaller messages, or fewer: those
   * missing are counted as dropped), at the front.
   */
  replace(taken: OutboxItem, by: OutboxItem[]): void {
    this.settle([taken]);
    this.dropped += Math.max(0, recordsOf(taken) - by.reduce((n, item) => n + recordsOf(item), 0));
    this.putFirst(by);
  }

  private putFirst(items: OutboxItem[]): void {
    if (items.length === 0) return;
    const rest = this.items.slice(this.head);
    this.items = [...items, ...rest];
    this.head = 0;
    for (const item of items) {
      this.bytesHeld += item.bytes;
      this.recordsHeld += recordsOf(item);
    }
    // the bounds still hold: drop the oldest if newer records filled the space meanwhile
    while (this.length > this.limits.maxItems || this.bytesHeld > this.limits.maxBytes) {
      const old = this.shiftOne();
      if (!old) break;
      this.drop(old);
    }
  }

  private drop(item: OutboxItem): void {
    const n = recordsOf(item);
    this.recordsHeld -= n;
    this.dropped += n;
  }

  private shiftOne(): OutboxItem | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head++;
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    if (item) this.bytesHeld -= item.bytes;
    return item;
  }
}
