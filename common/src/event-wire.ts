// Wire form 2 of the batched telemetry messages: invocation batches (agent) and overhead batches
// (gateway). Form 1 repeats every field name and every function's name, version, backend, runtime
// and agent in each record, and writes times as ISO strings and durations to 17 digits: 577 bytes
// for a no-op record, which NATS stores and delivers twice (records and roll-ups) and the agent
// encodes at thousands a second. Form 2 says what repeats once per message and writes each record as
// a positional row, times as millisecond offsets, durations to the microsecond. The events readers
// get back (invocationEventsOf, overheadEventOf) are the same as form 1's: only the bytes differ.
import type { InvocationEvent, OverheadEvent } from './events';

export const WIRE_FORM_COMPACT = 2;

/** [function, version, backend, runtime, memoryMb]: what the rows of one function version share. */
type FunctionKey = [string, number, string, string, number];

/** One invocation; the order is fixed (append only). Times are ms after the message's t0, or the ISO string itself if it was not one. */
export type InvocationRow = [
  fn: number,
  id: string,
  status: string,
  flags: number, // COLD_START | LOGS_TRUNCATED | LOGS_BARE
  startedAt: number | string,
  endedAt: number | string,
  queueMs: number,
  startMs: number,
  initMs: number,
  durationMs: number,
  billedMs: number,
  overheadMs: number,
  maxMemoryMb: number,
  cpuMs: number,
  requestBytes: number,
  responseBytes: number,
  logs: string,
  errorType: string,
  errorMessage: string,
];

export interface CompactInvocationBatch {
  schema: typeof WIRE_FORM_COMPACT;
  agentId: string;
  /** Epoch ms the rows' times count from. */
  t0: number;
  fns: FunctionKey[];
  rows: InvocationRow[];
}

const COLD_START = 1;
const LOGS_TRUNCATED = 2;
const LOGS_BARE = 4;

/** To the microsecond: what a duration measured with performance.now() on one host can claim. */
const micros = (ms: number): number => Math.round((Number(ms) || 0) * 1000) / 1000;

/** ms since t0 for epoch ms, or for an ISO string as Date.toISOString writes it (24 characters, ending in Z); otherwise the string. */
function offsetOf(iso: string | number, t0: number): number | string {
  if (typeof iso === 'number') return Number.isFinite(iso) ? iso - t0 : '';
  if (iso.length !== 24 || iso.charCodeAt(23) !== 90 /* Z */) return iso;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms - t0 : iso;
}

const isoOf = (t: number | string, t0: number): string => (typeof t === 'number' ? new Date(t0 + t).toISOString() : String(t ?? ''));

/**
 * One message's body for a batch of one agent's invocation events. The agent's own records carry
 * their times as epoch ms: an ISO string made per record only to be parsed back here cost 1.8 µs
 * of the invocation path's CPU (node-agent/test/metrics-hotpath.measure.ts).
 */
export function encodeInvocationBatch(events: (InvocationEvent | InvocationEventMs)[]): CompactInvocationBatch {
  const first = events[0]?.startedAt;
  const t0 = typeof first === 'number' ? (Number.isFinite(first) ? first : 0) : first !== undefined ? Date.parse(first) || 0 : 0;
  const fns: FunctionKey[] = [];
  const fnIndex = new Map<string, number>();
  const rows = events.map((e): InvocationRow => {
    const key = `${e.function}\u0000${e.version}\u0000${e.backend}\u0000${e.runtime}\u0000${e.memoryMb}`;
    let fn = fnIndex.get(key);
    if (fn === undefined) {
      fn = fns.push([e.function, e.version, e.backend, e.runtime, e.memoryMb]) - 1;
      fnIndex.set(key, fn);
    }
    const flags = (e.coldStart ? COLD_START : 0) | (e.logsTruncated ? LOGS_TRUNCATED : 0) | (e.logsBare ? LOGS_BARE : 0);
    return [
      fn, e.id, e.status, flags, offsetOf(e.startedAt, t0), offsetOf(e.endedAt, t0),
      micros(e.queueMs), micros(e.startMs), micros(e.initMs), micros(e.durationMs), micros(e.billedMs), micros(e.overheadMs),
      e.maxMemoryMb, micros(e.cpuMs), e.requestBytes, e.responseBytes, e.logs ?? '', e.errorType ?? '', e.errorMessage ?? '',
    ];
  });
  return { schema: WIRE_FORM_COMPACT, agentId: events[0]?.agentId ?? '', t0, fns, rows };
}

/**
 * An invocation event whose startedAt / endedAt are epoch milliseconds (NaN when it has none), as
 * the control plane's consumers read them: building each event's two ISO strings only to parse them
 * again cost more than the rest of a record's decoding (0.6 µs for each toISOString here).
 */
export type InvocationEventMs = Omit<InvocationEvent, 'startedAt' | 'endedAt'> & { startedAt: number; endedAt: number };

/** The events of a compact batch; rows that do not decode are counted in `invalid`. */
export function decodeInvocationBatch(body: CompactInvocationBatch): { events: InvocationEvent[]; invalid: number } {
  return readInvocationRows(body, isoOf);
}

/** decodeInvocationBatch with the times as epoch ms (an ISO string in a row is parsed). */
export function decodeInvocationBatchMs(body: CompactInvocationBatch): { events: InvocationEventMs[]; invalid: number } {
  return readInvocationRows(body, msOf);
}

const msOf = (t: number | string, t0: number): number => (typeof t === 'number' ? t0 + t : Date.parse(String(t ?? '')));

function readInvocationRows<T>(body: CompactInvocationBatch, time: (t: number | string, t0: number) => T) {
  type Event = Omit<InvocationEvent, 'startedAt' | 'endedAt'> & { startedAt: T; endedAt: T };
  const events: Event[] = [];
  let invalid = 0;
  const fns = Array.isArray(body.fns) ? body.fns : [];
  const t0 = Number(body.t0) || 0;
  for (const r of Array.isArray(body.rows) ? body.rows : []) {
    const key = Array.isArray(r) ? fns[r[0]] : undefined;
    if (!key || typeof r[1] !== 'string') {
      invalid++;
      continue;
    }
    const flags = Number(r[3]) || 0;
    const e: Event = {
      schema: 1,
      id: r[1],
      function: key[0],
      version: key[1],
      agentId: body.agentId,
      backend: key[2],
      runtime: key[3],
      status: r[2],
      errorType: r[17] ?? '',
      errorMessage: r[18] ?? '',
      coldStart: (flags & COLD_START) !== 0,
      startedAt: time(r[4], t0),
      endedAt: time(r[5], t0),
      queueMs: r[6],
      startMs: r[7],
      initMs: r[8],
      durationMs: r[9],
      billedMs: r[10],
      overheadMs: r[11],
      maxMemoryMb: r[12],
      cpuMs: r[13],
      requestBytes: r[14],
      responseBytes: r[15],
      memoryMb: key[4],
      logs: r[16] ?? '',
      logsTruncated: (flags & LOGS_TRUNCATED) !== 0,
    };
    if (flags & LOGS_BARE) e.logsBare = true;
    events.push(e);
  }
  return { events, invalid };
}

export const isCompactInvocationBatch = (body: unknown): body is CompactInvocationBatch =>
  !!body && typeof body === 'object' && (body as { schema?: unknown }).schema === WIRE_FORM_COMPACT && Array.isArray((body as { rows?: unknown }).rows);

/** [function, backend, agentId]: what an overhead batch's items share. */
type OverheadKey = [string, string, string];
/** [requestId, key, overheadMs, endToEndMs, at (ms after t0)] */
export type OverheadRow = [string, number, number, number, number];

export interface CompactOverheadEvent {
  schema: typeof WIRE_FORM_COMPACT;
  gatewayId: string;
  id: string;
  at: string;
  t0: number;
  keys: OverheadKey[];
  items: OverheadRow[];
}

/**
 * Gathers a gateway's overhead items in the compact form as they come (no per-request ISO string
 * or object): take() gives the rows and keys gathered so far and starts again.
 */
export class OverheadRows {
  private t0 = 0;
  private keys: OverheadKey[] = [];
  private keyIndex = new Map<string, number>();
  private rows: OverheadRow[] = [];

  get length(): number {
    return this.rows.length;
  }

  add(requestId: string, fn: string, backend: string, agentId: string, overheadMs: number, endToEndMs: number, at = Date.now()): void {
    if (this.rows.length === 0) this.t0 = at;
    const k = `${fn}\u0000${backend}\u0000${agentId}`;
    let key = this.keyIndex.get(k);
    if (key === undefined) {
      key = this.keys.push([fn, backend, agentId]) - 1;
      this.keyIndex.set(k, key);
    }
    this.rows.push([requestId, key, micros(overheadMs), micros(endToEndMs), at - this.t0]);
  }

  /** Up to `max` events' worth of rows, each with the keys and t0 they refer to. */
  take(gatewayId: string, newId: () => string, max: number): CompactOverheadEvent[] {
    const out: CompactOverheadEvent[] = [];
    const at = new Date().toISOString();
    for (let i = 0; i < this.rows.length; i += max) {
      out.push({ schema: WIRE_FORM_COMPACT, gatewayId, id: newId(), at, t0: this.t0, keys: this.keys, items: this.rows.slice(i, i + max) });
    }
    this.rows = [];
    this.keys = [];
    this.keyIndex = new Map();
    return out;
  }
}

/** One overhead item with its time as epoch ms (NaN when it has none). */
export type OverheadItemMs = Omit<OverheadEvent['items'][number], 'at'> & { at: number };

/** An overhead event in either wire form as form 1's OverheadEvent; undefined if it is neither. */
export function overheadEventOf(body: unknown): OverheadEvent | undefined {
  if (!body || typeof body !== 'object') return undefined;
  if ((body as { schema?: unknown }).schema === 1 && Array.isArray((body as { items?: unknown }).items)) return body as OverheadEvent;
  return readOverheadRows(body, (ms) => new Date(ms).toISOString());
}

/** The items of an overhead event in either wire form, times as epoch ms; undefined if it is neither. */
export function overheadItemsMsOf(body: unknown): OverheadItemMs[] | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as { schema?: unknown; items?: unknown };
  if (b.schema === 1 && Array.isArray(b.items)) {
    const eventAt = Date.parse(String((body as { at?: unknown }).at));
    return (b.items as OverheadEvent['items']).filter((it) => it && typeof it === 'object').map((it) => ({ ...it, at: Date.parse(it.at) || eventAt }));
  }
  return readOverheadRows(body, (ms) => ms)?.items;
}

function readOverheadRows<T>(body: object, time: (ms: number) => T) {
  const b = body as { schema?: unknown; items?: unknown; keys?: OverheadKey[]; t0?: unknown; gatewayId?: unknown; id?: unknown; at?: unknown };
  if (b.schema !== WIRE_FORM_COMPACT || !Array.isArray(b.items)) return undefined;
  const keys = Array.isArray(b.keys) ? b.keys : [];
  const t0 = Number(b.t0) || 0;
  const items: (Omit<OverheadEvent['items'][number], 'at'> & { at: T })[] = [];
  for (const r of b.items as OverheadRow[]) {
    const key = Array.isArray(r) ? keys[r[1]] : undefined;
    if (!key || typeof r[0] !== 'string') continue;
    items.push({ requestId: r[0], function: key[0], backend: key[1], agentId: key[2], overheadMs: Number(r[2]), endToEndMs: Number(r[3]), at: time(t0 + (Number(r[4]) || 0)) });
  }
  return { schema: 1 as const, gatewayId: String(b.gatewayId ?? ''), id: String(b.id ?? ''), at: String(b.at ?? ''), items };
}
