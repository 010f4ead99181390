// Quiet records kept as the agent sent them. A chunk (schema.ts, invocation_chunks) of a compact
// batch's quiet records holds the batch itself, in wire form 2 (common/src/event-wire.ts): the
// message's own bytes when every record in it is quiet (a healthy function's batch), otherwise the
// quiet rows written again as a batch of their own. Turning each record into an event, a row and a
// COPY tuple only to pack it away was a quarter of the control plane's CPU for storing a record
// (bench/tools/ingest-cost.ts; docs/metrics.md, "Quiet records as they came"). A record is read
// back the way the records consumer reads a batch (decodeInvocationBatchMs, then eventToRow), so it
// reads the same as one stored as a row.
//
// A row goes into such a chunk only if it is quiet and well formed here; any other row (odd types,
// an id with a newline, a function without a name) goes the way of an event, where it is cleaned up
// or refused as before.
import { decodeInvocationBatchMs, type CompactInvocationBatch, type InvocationRow as WireRow } from '@stratus/common';
import type { invocationChunks } from './schema';

export type NewChunk = typeof invocationChunks.$inferInsert;

/** The first byte of a chunk in wire form ('{'); a chunk of COPY tuples starts with COPY's signature ('PGCOPY'). */
const WIRE_CHUNK_FIRST_BYTE = 0x7b;

/** An id a chunk can list between newlines and PostgreSQL can store as text. */
const CHUNK_ID = /^[^\n\u0000]{1,200}$/;
const NUL = /\u0000/g;
const text = (s: unknown): string => (typeof s === 'string' ? s.replace(NUL, '') : '');
/** Epoch ms a Date can hold (a start PostgreSQL cannot, before 4713 BC, fails the insert as a row's would). */
const TIME_MAX = 8.64e15;

/**
 * Splits a compact batch into a chunk of its quiet records (in wire form) and a batch of the others
 * (undefined when none). `bytes`: the message the batch was parsed from, kept as the chunk when
 * every row is quiet.
 */
export function splitQuietRows(batch: CompactInvocationBatch, bytes?: Uint8Array): { chunk?: NewChunk; rest?: CompactInvocationBatch } {
  const rows = batch.rows;
  const fns = Array.isArray(batch.fns) ? batch.fns : [];
  const t0 = Number(batch.t0);
  if (!Number.isFinite(t0)) return { rest: batch };
  const quiet: WireRow[] = [];
  const rest: WireRow[] = [];
  const usedFns = new Set<number>();
  let min = Infinity;
  let max = -Infinity;
  let ids = '\n';
  for (const r of rows) {
    const key = Array.isArray(r) ? fns[r[0]] : undefined;
    const t = Array.isArray(r) && typeof r[4] === 'number' ? t0 + r[4] : NaN;
    if (
      key && Array.isArray(key) && typeof key[0] === 'string' && key[0] !== '' && typeof r[1] === 'string' && CHUNK_ID.test(r[1])
      && r[2] === 'ok' && !r[16] && !r[17] && !r[18] && Math.abs(t) <= TIME_MAX
    ) {
      quiet.push(r);
      usedFns.add(r[0]);
      if (t < min) min = t;
      if (t > max) max = t;
      ids += r[1] + '\n';
    } else rest.push(r);
  }
  if (quiet.length === 0) return { rest: batch };
  const functions = new Set<string>();
  const backends = new Set<string>();
  for (const i of usedFns) {
    functions.add(text(fns[i][0]));
    backends.add(text(fns[i][2]));
  }
  const whole = rest.length === 0 && bytes !== undefined && bytes[0] === WIRE_CHUNK_FIRST_BYTE;
  const chunk: NewChunk = {
    firstId: quiet[0][1],
    agentId: text(batch.agentId),
    functions: [...functions],
    backends: [...backends],
    startedMin: new Date(min),
    startedMax: new Date(max),
    count: quiet.length,
    ids,
    // a copy of the message's bytes: the NATS client's buffer is not ours to keep
    rows: whole ? Buffer.from(bytes) : Buffer.from(JSON.stringify({ schema: batch.schema, agentId: batch.agentId, t0: batch.t0, fns: batch.fns, rows: quiet })),
  };
  return { chunk, rest: rest.length > 0 ? { ...batch, rows: rest } : undefined };
}

export const isWireChunk = (data: Uint8Array): boolean => data.length > 0 && data[0] === WIRE_CHUNK_FIRST_BYTE;

/** A chunk in wire form's records, as events read from the batch (eventToRow makes them rows). */
export function readWireChunk<T>(data: Uint8Array, toRow: (e: ReturnType<typeof decodeInvocationBatchMs>['events'][number]) => T): T[] {
  const body = JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8')) as CompactInvocationBatch;
  return decodeInvocationBatchMs(body).events.map(toRow);
}

