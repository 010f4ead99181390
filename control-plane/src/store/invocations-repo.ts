// Invocation records: written in batches by the JetStream consumer (idempotent, so a redelivered
// message adds nothing), read by GetInvocation / ListInvocations, pruned by retention. A record with
// an error or logs is a row of `invocations`, with its words indexed for search; a quiet one (a
// healthy function's every call) is kept in a chunk of its message's quiet records (schema.ts).
import { StratusError, shownLogs, type InvocationEvent, type InvocationEventMs } from '@stratus/common';
import type { InvocationInput } from '@stratus/proto';
import { and, desc, eq, gte, inArray, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { CopyBinaryReader, CopyBinaryWriter } from './copy-binary';
import { copyValue, type CopyIn } from './copy-in';
import type { Database } from './db';
import { isWireChunk, readWireChunk, type NewChunk } from './wire-chunks';
import { invocationChunks, invocationOverheads, invocations, type InvocationRow, type NewInvocationRow } from './schema';

/** One agent message's records: as rows, or as a compact batch split by splitQuietRows (its quiet records' chunk, the others as rows). */
export type InvocationMessage = NewInvocationRow[] | { rows: NewInvocationRow[]; chunk?: NewChunk };

export const LIST_LIMIT = { default: 50, max: 1000 } as const;
/** A search with at most this many matches is answered from the words' index alone (see list). */
export const SEARCH_PROBE_CAP = 5000;

export interface InvocationFilter {
  function?: string;
  /** One status or several separated by commas ("function_error,timeout"). */
  status?: string;
  from?: string;
  to?: string;
  limit?: number;
  /** Words in the error or the logs (web-search syntax: quotes for phrases, -word to exclude). */
  search?: string;
  requestId?: string;
  agentId?: string;
  backend?: string;
}

// PostgreSQL text cannot hold NUL; a function printing one must not make its record unstorable.
const clean = (s: unknown): string =>
  typeof s === 'string' ? (s.includes('\u0000') ? s.replace(/\u0000/g, '') : s) : s === undefined || s === null ? '' : String(s);
const num = (v: unknown): number => {
  const n = Number(v);
  return Number.isFinite(n) ? n : 0;
};
const int = (v: unknown): number => Math.max(0, Math.min(2_147_483_647, Math.round(num(v))));
/** An ISO string (form 1) or epoch ms (InvocationEventMs) as a Date; null when it is neither. */
const date = (v: unknown): Date | null => {
  if (typeof v === 'number') return Number.isFinite(v) ? new Date(v) : null;
  if (typeof v !== 'string' || v === '') return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
};

/** Maps an event from an agent to a row; throws when it cannot be a record (no id or function). */
export function eventToRow(e: Partial<InvocationEvent> | Partial<InvocationEventMs>): NewInvocationRow {
  const id = clean(e.id);
  if (!id) throw new Error('invocation event without id');
  const fn = clean(e.function);
  if (!fn) throw new Error(`invocation event ${id} without function`);
  const endedAt = date(e.endedAt);
  const startedAt = date(e.startedAt) ?? endedAt ?? new Date();
  return {
    id,
    function: fn,
    version: int(e.version),
    agentId: clean(e.agentId),
    backend: clean(e.backend),
    runtime: clean(e.runtime),
    status: clean(e.status) || 'unknown',
    errorType: clean(e.errorType),
    errorMessage: clean(e.errorMessage),
    coldStart: e.coldStart === true,
    startedAt,
    endedAt,
    queueMs: num(e.queueMs),
    startMs: num(e.startMs),
    initMs: num(e.initMs),
    durationMs: num(e.durationMs),
    billedMs: num(e.billedMs),
    overheadMs: num(e.overheadMs),
    maxMemoryMb: int(e.maxMemoryMb),
    cpuMs: num(e.cpuMs),
    requestBytes: int(e.requestBytes),
    responseBytes: int(e.responseBytes),
    memoryMb: int(e.memoryMb),
    logs: clean(e.logs),
    logsTruncated: e.logsTruncated === true,
    logsBare: e.logsBare === true,
  };
}

export function rowToInvocation(r: InvocationRow): Required<InvocationInput> {
  return {
    id: r.id,
    function: r.function,
    version: r.version,
    agentId: r.agentId,
    backend: r.backend,
    runtime: r.runtime,
    status: r.status,
    errorType: r.errorType,
    errorMessage: r.errorMessage,
    coldStart: r.coldStart,
    startedAt: r.startedAt.toISOString(),
    endedAt: r.endedAt ? r.endedAt.toISOString() : '',
    queueMs: r.queueMs,
    startMs: r.startMs,
    initMs: r.initMs,
    durationMs: r.durationMs,
    billedMs: r.billedMs,
    overheadMs: r.overheadMs,
    maxMemoryMb: r.maxMemoryMb,
    cpuMs: r.cpuMs,
    requestBytes: r.requestBytes,
    responseBytes: r.responseBytes,
    memoryMb: r.memoryMb,
    logs: shownLogs(r),
    logsTruncated: r.logsTruncated,
  };
}

// Every column except the generated search vector (selecting it would ship the words back).
const selectColumns = {
  id: invocations.id, function: invocations.function, version: invocations.version, agentId: invocations.agentId,
  backend: invocations.backend, runtime: invocations.runtime, status: invocations.status, errorType: invocations.errorType,
  errorMessage: invocations.errorMessage, coldStart: invocations.coldStart, startedAt: invocations.startedAt, endedAt: invocations.endedAt,
  queueMs: invocations.queueMs, startMs: invocations.startMs, initMs: invocations.initMs, durationMs: invocations.durationMs,
  // the gateway's figure, from its own table (records from before it kept theirs in the row)
  billedMs: invocations.billedMs, overheadMs: sql<number>`coalesce(${invocationOverheads.overheadMs}, ${invocations.overheadMs})`.as('overhead_ms'),
  maxMemoryMb: invocations.maxMemoryMb, cpuMs: invocations.cpuMs,
  requestBytes: invocations.requestBytes, responseBytes: invocations.responseBytes, memoryMb: invocations.memoryMb,
  logs: invocations.logs, logsTruncated: invocations.logsTruncated, logsBare: invocations.logsBare,
};

export class InvocationStore {
  /** COPYs refused and stored by INSERT instead: a redelivered message's rows are there already. */
  copyFallbacks = 0;

  /** copyIn: bulk loading (OpenedDatabase.copyIn); without it every batch is an INSERT. */
  constructor(
    private readonly db: Database,
    private readonly copyIn?: CopyIn,
  ) {}

  /** Stores records, ignoring ids already stored (insertMessages with them as one message). */
  async insert(rows: NewInvocationRow[]): Promise<number> {
    return this.insertMessages([rows]);
  }

  /**
   * Stores the records of agent messages, one array per message (or, for a compact batch, the
   * chunk of its quiet records in wire form and the rest: splitQuietRows); returns how many were
   * new. Quiet records (isQuiet: a healthy function's every call) go into one chunk per message
   * (schema.ts, invocation_chunks), keyed by its first record's id: a redelivered message makes the
   * same chunk, which is stored once. The others, with words to index for search, are rows of
   * `invocations` (an INSERT that skips ids stored already).
   */
  async insertMessages(messages: InvocationMessage[]): Promise<number> {
    const worded: NewInvocationRow[] = [];
    const wordedWords: string[] = [];
    const chunks: NewChunk[] = [];
    for (const message of messages) {
      const quiet: NewInvocationRow[] = [];
      if (!Array.isArray(message) && message.chunk) chunks.push(message.chunk);
      for (const r of Array.isArray(message) ? message : message.rows) {
        const words = searchText(r.logs ?? '');
        if (isQuiet(r, words)) quiet.push(r);
        else {
          worded.push(r);
          wordedWords.push(words);
        }
      }
      if (quiet.length > 0) chunks.push(chunkOf(quiet));
    }
    let stored = worded.length > 0 ? await this.insertRows(worded, wordedWords) : 0;
    if (chunks.length > 0) stored += await this.insertChunks(chunks);
    return stored;
  }

  /**
   * Chunks through COPY in its binary form where the driver has it: sent as parameters, postgres-js
   * writes a bytea as hex text, which cost the control plane and PostgreSQL more than the rows it
   * spared them. A COPY is all or nothing, so one refused for a chunk stored already (a redelivery)
   * goes again as an INSERT that skips it. Returns how many records the new chunks hold.
   */
  private async insertChunks(chunks: NewChunk[]): Promise<number> {
    if (this.copyIn) {
      try {
        const w = new CopyBinaryWriter(chunks.reduce((n, c) => n + c.rows.length + c.ids.length * 3 + 512, 0));
        for (const c of chunks) {
          w.row(CHUNK_COLUMNS.length).text(c.firstId).text(c.agentId).textArray(c.functions).textArray(c.backends)
            .timestamptz(c.startedMin.getTime()).timestamptz(c.startedMax.getTime()).int4(c.count).text(c.ids).bytea(c.rows);
        }
        await this.copyIn('invocation_chunks', CHUNK_COLUMNS, w.finish());
        return chunks.reduce((n, c) => n + c.count, 0);
      } catch {
        this.copyFallbacks++;
      }
    }
    const added = await this.db.insert(invocationChunks).values(chunks).onConflictDoNothing().returning({ count: invocationChunks.count });
    return added.reduce((n, c) => n + c.count, 0);
  }

  /**
   * One INSERT per batch: each column travels as one array parameter, zipped back into rows by
   * unnest. Building a many-row VALUES list with the query builder cost about 1 ms per row in
   * JavaScript; rows as one JSON parameter cost PGlite 153 µs of CPU per row, most of it parsing
   * JSON objects, and arrays 116 (medians of alternating runs of 1,000-row batches;
   * docs/metrics.md). Rows with no words to index get no search vector.
   */
  private async insertRows(rows: NewInvocationRow[], words: string[]): Promise<number> {
    const columns = COLUMNS.map(() => [] as unknown[]);
    for (const r of rows) {
      const values = columnValues(r);
      for (let i = 0; i < values.length; i++) columns[i].push(values[i]);
    }
    const arrays = sql.join(
      [...COLUMNS.map((c, i) => sql`${arrayLiteral(columns[i])}::${sql.raw(c.type)}[]`), sql`${arrayLiteral(words)}::text[]`],
      sql`, `,
    );
    return this.countInserted(sql`INSERT INTO invocations (${sql.raw(INSERT_COLUMNS)}, search_vector)
      SELECT ${sql.raw(SELECT_FROM_R)},
        CASE WHEN r.error_type = '' AND r.error_message = '' AND r.search_text = '' THEN NULL
          ELSE to_tsvector('simple', r.error_type || ' ' || r.error_message || ' ' || r.search_text) END
      FROM unnest(${arrays}) AS r(${sql.raw(INSERT_COLUMNS)}, search_text)
      ON CONFLICT (id) DO NOTHING RETURNING 1`);
  }

  /**
   * Stores the platform overheads measured at the gateway, by request id, whether their records are
   * stored yet or not (reads join them). Idempotent (a redelivered batch stores the same values: a
   * COPY refused for a request id stored already goes again as an upsert), one statement per batch.
   * Returns how many were stored.
   */
  async setOverheads(items: { requestId: string; overheadMs: number }[]): Promise<number> {
    const clean = items.filter((i) => i.requestId && Number.isFinite(i.overheadMs));
    if (clean.length === 0) return 0;
    if (this.copyIn) {
      const latest = new Map<string, number>();
      for (const i of clean) latest.set(i.requestId, i.overheadMs);
      let text = '';
      for (const [requestId, overheadMs] of latest) text += `${copyValue(requestId)}\t${overheadMs}\n`;
      try {
        await this.copyIn('invocation_overheads', ['request_id', 'overhead_ms'], text);
        return latest.size;
      } catch {
        this.copyFallbacks++;
      }
    }
    return this.countInserted(sql`INSERT INTO ${invocationOverheads} (request_id, overhead_ms)
      SELECT DISTINCT ON (request_id) request_id, overhead_ms
      FROM unnest(${arrayLiteral(clean.map((i) => i.requestId))}::text[], ${arrayLiteral(clean.map((i) => i.overheadMs))}::float8[]) AS x(request_id, overhead_ms)
      ORDER BY request_id
      ON CONFLICT (request_id) DO UPDATE SET overhead_ms = excluded.overhead_ms RETURNING 1`);
  }

  /**
   * Runs an `INSERT ... RETURNING 1` and answers how many rows it wrote, counted in the statement:
   * returning a row for each made PGlite decode them all (docs/metrics.md).
   */
  private async countInserted(insert: SQL): Promise<number> {
    const result = await this.db.execute(sql`WITH stored AS (${insert}) SELECT count(*)::int AS n FROM stored`);
    return Number(resultRows(result)[0]?.n ?? 0);
  }

  /** Joins each record to its overhead. */
  private selectRecords() {
    return this.db.select(selectColumns).from(invocations).leftJoin(invocationOverheads, eq(invocationOverheads.requestId, invocations.id));
  }

  async get(id: string): Promise<Required<InvocationInput>> {
    const rows = await this.selectRecords().where(eq(invocations.id, id)).limit(1);
    const found = (rows[0] as InvocationRow | undefined) ?? (await this.chunkRecords({ id }, 1))[0];
    if (!found) throw new StratusError('NOT_FOUND', `invocation ${id} not found`, { field: 'id' });
    return rowToInvocation(found);
  }

  /** Newest first. Throws INVALID_ARGUMENT naming `from` / `to` / `limit` when they are malformed. */
  async list(filter: InvocationFilter): Promise<Required<InvocationInput>[]> {
    const where: SQL[] = [];
    // false once a filter excludes the quiet records kept in chunks
    let quietCanMatch = true;
    if (filter.function) where.push(eq(invocations.function, filter.function));
    if (filter.status) {
      const statuses = filter.status.split(',').map((s) => s.trim()).filter(Boolean);
      where.push(statuses.length === 1 ? eq(invocations.status, statuses[0]) : inArray(invocations.status, statuses));
      if (!statuses.includes('ok')) quietCanMatch = false;
    }
    const from = filter.from ? parseTime('from', filter.from) : undefined;
    const to = filter.to ? parseTime('to', filter.to) : undefined;
    if (from) where.push(gte(invocations.startedAt, from));
    if (to) where.push(lte(invocations.startedAt, to));
    if (filter.requestId) where.push(eq(invocations.id, filter.requestId));
    if (filter.agentId) where.push(eq(invocations.agentId, filter.agentId));
    if (filter.backend) where.push(eq(invocations.backend, filter.backend));
    // A request id searched for is the record's id (the platform lines that held it are not indexed).
    const search = filter.search?.trim() ?? '';
    const byId = REQUEST_ID.test(search);
    if (byId) where.push(eq(invocations.id, search.toLowerCase()));
    else if (search) {
      where.push(sql`${invocations.searchVector} @@ websearch_to_tsquery('simple', ${search})`);
      quietCanMatch = false; // a quiet record has no words
    }
    const ids = [...new Set([filter.requestId, byId ? search.toLowerCase() : undefined].filter((i): i is string => !!i))];
    if (ids.length > 1) quietCanMatch = false; // two different ids: no record is both
    const limit = clampLimit(filter.limit);
    let cond = where.length ? and(...where) : undefined;
    if (search && !byId && cond) {
      // Newest first by the started_at index, filtering the words, is quick only when matches are
      // frequent among recent rows: a rare or absent word (or one only in old records) made it read the
      // whole table (1.3 s for an absent word over 1M records). So first ask the words' GIN index for
      // the matches, capped: when there are at most SEARCH_PROBE_CAP, sort those (a few ms) and stop.
      const probe = resultRows(
        await this.db.execute(sql`WITH m AS MATERIALIZED (SELECT ${invocations.id} AS id, ${invocations.startedAt} AS started_at FROM ${invocations} WHERE ${cond} LIMIT ${SEARCH_PROBE_CAP + 1})
          SELECT (SELECT count(*) FROM m)::int AS n, array(SELECT id FROM m ORDER BY started_at DESC NULLS LAST, id DESC LIMIT ${limit}) AS ids`),
      )[0] as { n: number; ids: string[] };
      if (Number(probe.n) <= SEARCH_PROBE_CAP) {
        if (probe.ids.length === 0) return [];
        cond = inArray(invocations.id, probe.ids);
      }
    }
    const rows = (await this.selectRecords()
      .where(cond)
      // NULLS LAST as in the indexes (drizzle's .desc() indexes are DESC NULLS LAST): a plain DESC
      // means NULLS FIRST, which no index matches, and PostgreSQL then sorts the whole table.
      .orderBy(sql`${invocations.startedAt} DESC NULLS LAST`, desc(invocations.id))
      .limit(limit)) as InvocationRow[];
    if (!quietCanMatch) return rows.map(rowToInvocation);
    const chunked = { function: filter.function, agentId: filter.agentId, backend: filter.backend, from: from?.getTime(), to: to?.getTime(), id: ids[0] };
    // both newest first; a record in both (stored as a row by an earlier release, then sent again) once
    const merged = new Map<string, InvocationRow>();
    for (const r of [...rows, ...(await this.chunkRecords(chunked, limit))].sort(newestFirst)) if (!merged.has(r.id)) merged.set(r.id, r);
    return [...merged.values()].slice(0, limit).map(rowToInvocation);
  }

  /**
   * The newest `limit` quiet records in chunks that match f. Reads the chunks whose columns can
   * match, latest started_max first, a page at a time, and stops once it holds `limit` records
   * that started after the latest start of the first chunk not read (no chunk after it holds a
   * newer one). A record's overhead from the gateways' table wins over its own, as for `invocations`.
   */
  private async chunkRecords(f: ChunkFilter, limit: number): Promise<InvocationRow[]> {
    const where: SQL[] = [];
    if (f.function) where.push(sql`${f.function} = ANY(${invocationChunks.functions})`);
    if (f.backend) where.push(sql`${f.backend} = ANY(${invocationChunks.backends})`);
    if (f.agentId) where.push(eq(invocationChunks.agentId, f.agentId));
    if (f.from !== undefined) where.push(gte(invocationChunks.startedMax, new Date(Math.floor(f.from))));
    if (f.to !== undefined) where.push(lte(invocationChunks.startedMin, new Date(Math.ceil(f.to))));
    if (f.id) where.push(sql`strpos(${invocationChunks.ids}, ${`\n${f.id}\n`}) > 0`);
    let found: InvocationRow[] = [];
    let after: { startedMax: Date; firstId: string } | undefined;
    for (let pageSize = CHUNK_PAGE_FIRST; ; pageSize = Math.min(pageSize * 2, CHUNK_PAGE_MAX)) {
      // a page and the chunk after it, whose latest start bounds every record not read yet (its
      // records are not fetched: they come with the next page)
      const page = await this.db
        .select({
          firstId: invocationChunks.firstId,
          startedMax: invocationChunks.startedMax,
          rows: sql<Uint8Array | null>`CASE WHEN row_number() OVER (ORDER BY ${invocationChunks.startedMax} DESC, ${invocationChunks.firstId} DESC) <= ${pageSize} THEN ${invocationChunks.rows} END`,
        })
        .from(invocationChunks)
        .where(and(...where, after ? or(lt(invocationChunks.startedMax, after.startedMax), and(eq(invocationChunks.startedMax, after.startedMax), lt(invocationChunks.firstId, after.firstId))) : undefined))
        .orderBy(desc(invocationChunks.startedMax), desc(invocationChunks.firstId))
        .limit(pageSize + 1);
      for (const chunk of page.slice(0, pageSize)) if (chunk.rows) for (const r of readChunk(chunk.rows)) if (matches(r, f)) found.push(r);
      found = found.sort(newestFirst).slice(0, limit);
      const next = page[pageSize];
      if (!next || (found.length === limit && found[limit - 1].startedAt.getTime() > next.startedMax.getTime())) break;
      after = page[pageSize - 1];
    }
    if (found.length > 0) {
      const overheads = await this.db
        .select({ requestId: invocationOverheads.requestId, overheadMs: invocationOverheads.overheadMs })
        .from(invocationOverheads)
        .where(inArray(invocationOverheads.requestId, found.map((r) => r.id)));
      const byId = new Map(overheads.map((o) => [o.requestId, o.overheadMs]));
      for (const r of found) r.overheadMs = byId.get(r.id) ?? r.overheadMs;
    }
    return found;
  }

  /**
   * Deletes records that started before `before`, and overheads received before it, in batches
   * (short locks). Returns how many records went.
   */
  async prune(before: Date, batchSize = 10_000): Promise<number> {
    let total = await this.deleteBefore(invocations, invocations.id, invocations.startedAt, before, batchSize);
    // a chunk goes once its latest record is past the retention (a message's records are ms apart)
    for (;;) {
      const batch = this.db.select({ id: invocationChunks.firstId }).from(invocationChunks).where(lt(invocationChunks.startedMax, before)).limit(batchSize);
      const deleted = await this.db.delete(invocationChunks).where(inArray(invocationChunks.firstId, batch)).returning({ count: invocationChunks.count });
      for (const c of deleted) total += c.count;
      if (deleted.length < batchSize) break;
    }
    await this.deleteBefore(invocationOverheads, invocationOverheads.requestId, invocationOverheads.receivedAt, before, batchSize);
    return total;
  }

  /** Deletes the rows of table whose time is before `before`, batchSize at a time; returns how many. */
  private async deleteBefore(table: PgTable, id: PgColumn, time: PgColumn, before: Date, batchSize: number): Promise<number> {
    let total = 0;
    for (;;) {
      const batch = this.db.select({ id }).from(table).where(lt(time, before)).limit(batchSize);
      const deleted = await this.db.delete(table).where(inArray(id, batch)).returning({ id });
      total += deleted.length;
      if (deleted.length < batchSize) return total;
    }
  }
}

/**
 * The stored columns (all but the search vector) and the type each travels as, in the order of
 * columnValues. Times travel as epoch ms (float8) and become timestamptz in the statement: making
 * and parsing ISO text for them cost more than the rest of a row's encoding.
 */
const COLUMNS: { name: string; type: string }[] = [
  ['id', 'text'], ['function', 'text'], ['version', 'int4'], ['agent_id', 'text'], ['backend', 'text'], ['runtime', 'text'],
  ['status', 'text'], ['error_type', 'text'], ['error_message', 'text'], ['cold_start', 'bool'], ['started_at', 'float8'],
  ['ended_at', 'float8'], ['queue_ms', 'float8'], ['start_ms', 'float8'], ['init_ms', 'float8'], ['duration_ms', 'float8'],
  ['billed_ms', 'float8'], ['overhead_ms', 'float8'], ['max_memory_mb', 'int4'], ['cpu_ms', 'float8'], ['request_bytes', 'int4'],
  ['response_bytes', 'int4'], ['memory_mb', 'int4'], ['logs', 'text'], ['logs_truncated', 'bool'], ['logs_bare', 'bool'],
].map(([name, type]) => ({ name, type }));
const TIME_COLUMNS = new Set(['started_at', 'ended_at']);
const INSERT_COLUMNS = COLUMNS.map((c) => `"${c.name}"`).join(', ');
/** The columns of unnest's r, as stored. */
const SELECT_FROM_R = COLUMNS.map((c) => (TIME_COLUMNS.has(c.name) ? `to_timestamp(r."${c.name}" / 1000)` : `r."${c.name}"`)).join(', ');

const NEEDS_ESCAPE = /["\\]/;
const ESCAPED = /["\\]/g;

/**
 * A PostgreSQL array literal ('{"a","b",NULL}'), sent as one text parameter and cast by the
 * statement: both drivers then send the same bytes (postgres-js types an array parameter by its first
 * element, and a boolean array failed as "cannot cast type boolean to boolean[]").
 */
export function arrayLiteral(values: readonly unknown[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    const v = values[i];
    if (v === null || v === undefined) out += 'NULL';
    else if (typeof v === 'boolean') out += v ? 't' : 'f';
    else if (typeof v === 'number') out += String(v);
    else {
      const text = String(v);
      out += NEEDS_ESCAPE.test(text) ? `"${text.replace(ESCAPED, '\\$&')}"` : `"${text}"`;
    }
  }
  return out + '}';
}

const epochMs = (d: Date | null | undefined) => (d ? d.getTime() : null);
/**
 * A row in COPY's binary format, its columns in the order of COLUMNS (copy-in.test.ts reads them
 * back against the INSERT path). Written out rather than built from columnValues: the array per row
 * and its walk were a fifth of the control plane's CPU for storing a record.
 */
function copyRow(w: CopyBinaryWriter, r: NewInvocationRow): void {
  w.row(COLUMNS.length).text(r.id).text(r.function).int4(r.version ?? 0).text(r.agentId ?? '').text(r.backend ?? '')
    .text(r.runtime ?? '').text(r.status).text(r.errorType ?? '').text(r.errorMessage ?? '')
    .bool(r.coldStart ?? false).timestamptz(r.startedAt.getTime());
  if (r.endedAt) w.timestamptz(r.endedAt.getTime());
  else w.null();
  w.float8(r.queueMs ?? 0).float8(r.startMs ?? 0).float8(r.initMs ?? 0).float8(r.durationMs ?? 0).float8(r.billedMs ?? 0)
    .float8(r.overheadMs ?? 0).int4(r.maxMemoryMb ?? 0).float8(r.cpuMs ?? 0).int4(r.requestBytes ?? 0).int4(r.responseBytes ?? 0)
    .int4(r.memoryMb ?? 0).text(r.logs ?? '').bool(r.logsTruncated ?? false).bool(r.logsBare ?? false);
}

/** What list and get filter the quiet records in chunks by (times as epoch ms). */
interface ChunkFilter {
  function?: string;
  agentId?: string;
  backend?: string;
  from?: number;
  to?: number;
  id?: string;
}

/** invocation_chunks' columns in the order insertChunks writes them. */
const CHUNK_COLUMNS = ['first_id', 'agent_id', 'functions', 'backends', 'started_min', 'started_max', 'count', 'ids', 'rows'];

/**
 * Chunks a list reads at a time: 2 first (a busy function's 50 newest records are in its newest
 * chunk or two), twice as many each time after, up to 32. Unpacking a chunk costs about 0.5 ms.
 */
const CHUNK_PAGE_FIRST = 2;
const CHUNK_PAGE_MAX = 32;

/**
 * A record kept in a chunk: it ran and returned (status ok) with no error and nothing of its own
 * logged (words: searchText of its logs), so a search has nothing to find in it and a list of
 * failures never needs it.
 */
function isQuiet(r: NewInvocationRow, words: string): boolean {
  return r.status === 'ok' && !r.errorType && !r.errorMessage && !words && !r.logs;
}

/** A chunk of one message's quiet records: their rows as COPY binary tuples, and what lists filter by. */
function chunkOf(rows: NewInvocationRow[]): NewChunk {
  const writer = new CopyBinaryWriter(rows.length * 256);
  const functions = new Set<string>();
  const backends = new Set<string>();
  let min = Infinity;
  let max = -Infinity;
  let ids = '\n';
  for (const r of rows) {
    copyRow(writer, r);
    functions.add(r.function);
    backends.add(r.backend ?? '');
    const t = r.startedAt.getTime();
    if (t < min) min = t;
    if (t > max) max = t;
    ids += r.id + '\n';
  }
  return {
    firstId: rows[0].id,
    agentId: rows[0].agentId ?? '',
    functions: [...functions],
    backends: [...backends],
    startedMin: new Date(min),
    startedMax: new Date(max),
    count: rows.length,
    ids,
    rows: writer.finish(),
  };
}

/** A chunk's records: in wire form (wire-chunks.ts), or COPY tuples in the order of COLUMNS as copyRow wrote them. */
export function readChunk(data: Uint8Array): InvocationRow[] {
  if (isWireChunk(data)) return readWireChunk(data, (e) => ({ ...eventToRow(e), searchVector: null }) as InvocationRow);
  const r = new CopyBinaryReader(data);
  const out: InvocationRow[] = [];
  while (r.row() === COLUMNS.length) {
    const id = r.text() ?? '';
    const fn = r.text() ?? '';
    const version = r.int4() ?? 0;
    const agentId = r.text() ?? '';
    const backend = r.text() ?? '';
    const runtime = r.text() ?? '';
    const status = r.text() ?? '';
    const errorType = r.text() ?? '';
    const errorMessage = r.text() ?? '';
    const coldStart = r.bool() ?? false;
    const startedAt = new Date(r.timestamptz() ?? 0);
    const ended = r.timestamptz();
    out.push({
      id, function: fn, version, agentId, backend, runtime, status, errorType, errorMessage, coldStart, startedAt,
      endedAt: ended === null ? null : new Date(ended),
      queueMs: r.float8() ?? 0, startMs: r.float8() ?? 0, initMs: r.float8() ?? 0, durationMs: r.float8() ?? 0, billedMs: r.float8() ?? 0,
      overheadMs: r.float8() ?? 0, maxMemoryMb: r.int4() ?? 0, cpuMs: r.float8() ?? 0, requestBytes: r.int4() ?? 0,
      responseBytes: r.int4() ?? 0, memoryMb: r.int4() ?? 0, logs: r.text() ?? '', logsTruncated: r.bool() ?? false,
      logsBare: r.bool() ?? false, searchVector: null,
    });
  }
  return out;
}

function matches(r: InvocationRow, f: ChunkFilter): boolean {
  const t = r.startedAt.getTime();
  return (!f.function || r.function === f.function) && (!f.backend || r.backend === f.backend) && (!f.agentId || r.agentId === f.agentId)
    && (f.from === undefined || t >= f.from) && (f.to === undefined || t <= f.to) && (!f.id || r.id === f.id);
}

/** started_at newest first, then id descending: the order of list's SQL. */
function newestFirst(a: InvocationRow, b: InvocationRow): number {
  return b.startedAt.getTime() - a.startedAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/** A row's values in the order of COLUMNS; timestamps as epoch ms. */
function columnValues(r: NewInvocationRow): unknown[] {
  return [
    r.id, r.function, r.version ?? 0, r.agentId ?? '', r.backend ?? '', r.runtime ?? '', r.status, r.errorType ?? '',
    r.errorMessage ?? '', r.coldStart ?? false, epochMs(r.startedAt), epochMs(r.endedAt), r.queueMs ?? 0, r.startMs ?? 0, r.initMs ?? 0,
    r.durationMs ?? 0, r.billedMs ?? 0, r.overheadMs ?? 0, r.maxMemoryMb ?? 0, r.cpuMs ?? 0, r.requestBytes ?? 0,
    r.responseBytes ?? 0, r.memoryMb ?? 0, r.logs ?? '', r.logsTruncated ?? false, r.logsBare ?? false,
  ];
}

const SEARCH_TEXT_MAX = 300_000;
const REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PLATFORM_LINE = /^(?:START|END|REPORT) RequestId: /;

/**
 * What the function itself logged, for the words' index: the logs without the platform's START /
 * END / REPORT lines. Those carry the request id (its own column) and the figures (columns too);
 * their id fragments were most of a record's words, and indexing them 88% of the database's cost
 * of storing a no-op invocation (docs/metrics.md).
 */
export function searchText(logs: string): string {
  const text = logs.length > SEARCH_TEXT_MAX ? logs.slice(0, SEARCH_TEXT_MAX) : logs;
  if (!text.includes('RequestId: ')) return text;
  return text.split('\n').filter((line) => !PLATFORM_LINE.test(line)).join('\n');
}

/** Rows of db.execute() whichever the driver: postgres-js gives an array, PGlite { rows }. */
export function resultRows(result: unknown): Record<string, unknown>[] {
  if (Array.isArray(result)) return result as Record<string, unknown>[];
  return ((result as { rows?: Record<string, unknown>[] }).rows ?? []) as Record<string, unknown>[];
}

function parseTime(field: string, value: string): Date {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new StratusError('INVALID_ARGUMENT', `${field}: ${JSON.stringify(value)} is not an RFC 3339 time`, { field });
  return d;
}

function clampLimit(limit: number | undefined): number {
  if (!limit) return LIST_LIMIT.default;
  return Math.min(Math.max(1, Math.floor(limit)), LIST_LIMIT.max);
}
