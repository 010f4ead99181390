// Puts the platform overheads a gateway measured (sent back on the invoke stream, InvokeBatch.overheads)
// into the records of their invocations, so an overhead travels and is stored inside its record:
// no message of its own on NATS, and no row of its own in the control plane's database. Those cost
// about a third of storing a record (bench/tools/ingest-cost.ts: control plane 3.5, PostgreSQL 3.6
// and NATS 1.5 µs of CPU per record; docs/metrics.md, "Platform overhead").
//
// An overhead usually comes while its record still waits in the agent's current batch (up to 1 s).
// One that comes after its record's batch left (already encoded), or whose record never comes,
// goes to `late`, which publishes it as an OverheadEvent as gateways did before. One that comes
// before its record (the record is made after the response, once logs and cgroup figures are in)
// waits here for it, up to `earlyWaitMs`.
//
// Gateways send overheads as columns (InvokeBatch.overhead_columns) without function and backend:
// an overhead that goes to `late` takes them from its record (none when the record never came).
import type { OverheadColumns } from '@stratus/proto';

/** What the matcher needs of a record: its id, function and backend, and its overhead to set. */
type MatchedRecord = { id: string; function: string; backend: string; overheadMs: number };

export interface OverheadItem {
  requestId: string;
  /** Empty when the gateway sent columns and the record never came. */
  function?: string;
  backend?: string;
  overheadMs: number;
  endToEndMs: number;
}

/** The overheads of InvokeBatch.overhead_columns; values beyond the shortest column are dropped. */
export function overheadsOfColumns(c: OverheadColumns): OverheadItem[] {
  if (!c.requestIds) return [];
  const ids = c.requestIds.split('\n');
  const n = Math.min(ids.length, c.overheadMs.length, c.endToEndMs.length);
  const items: OverheadItem[] = new Array(n);
  for (let i = 0; i < n; i++) items[i] = { requestId: ids[i], overheadMs: c.overheadMs[i], endToEndMs: c.endToEndMs[i] };
  return items;
}

/** Overheads waiting for their record at most; beyond this they go to `late` at once. */
const MAX_EARLY = 10_000;

export class OverheadMatcher {
  /** Records of the batch being gathered (not yet encoded): an overhead set here is published with it. */
  private current = new Map<string, MatchedRecord>();
  /** Records of the batch that left last: an overhead for one of them is late. */
  private recent = new Map<string, MatchedRecord>();
  private readonly early = new Map<string, { item: OverheadItem; at: number }>();

  constructor(
    private readonly late: (item: OverheadItem) => void,
    private readonly earlyWaitMs = 1_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** A record joins the current batch (with its overhead if that came first). */
  record(rec: MatchedRecord): void {
    const waiting = this.early.get(rec.id);
    if (waiting) {
      this.early.delete(rec.id);
      rec.overheadMs = waiting.item.overheadMs;
    }
    this.current.set(rec.id, rec);
  }

  overheads(items: readonly OverheadItem[]): void {
    for (const it of items) {
      if (!it.requestId || !Number.isFinite(it.overheadMs)) continue;
      const rec = this.current.get(it.requestId);
      if (rec) {
        rec.overheadMs = it.overheadMs;
        continue;
      }
      const sent = this.recent.get(it.requestId);
      if (sent) this.late({ ...it, function: sent.function, backend: sent.backend });
      else if (this.early.size >= MAX_EARLY) this.late(it);
      else this.early.set(it.requestId, { item: it, at: this.now() });
    }
  }

  /** Whether a record of the current or the last batch has this id. */
  knows(id: string): boolean {
    return this.current.has(id) || this.recent.has(id);
  }

  /** The current batch was encoded and left. */
  flushed(): void {
    this.recent = this.current;
    this.current = new Map();
  }

  /** Sends overheads that waited too long for their record to `late` (call now and then). */
  sweep(): void {
    const before = this.now() - this.earlyWaitMs;
    for (const [id, e] of this.early) {
      if (e.at > before) break; // inserted in time order
      this.early.delete(id);
      this.late(e.item);
    }
  }

  /** Every overhead still waiting goes to `late` (closing). */
  drain(): void {
    for (const e of this.early.values()) this.late(e.item);
    this.early.clear();
  }

  get waiting(): number {
    return this.early.size;
  }
}
