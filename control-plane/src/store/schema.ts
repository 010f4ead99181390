// The control plane's tables (drizzle-orm). drizzle-kit generates the migrations in
// control-plane/drizzle/ from every src/**/schema.ts (the metrics module keeps its own tables).
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  customType,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';
import type { NodeStatus } from '@stratus/proto';

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength)),
});

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** One row per function name; its versions live in function_versions. */
export const functions = pgTable('functions', {
  name: text('name').primaryKey(),
  latestVersion: integer('latest_version').notNull(),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
  updatedAt: timestamptz('updated_at').notNull().defaultNow(),
});

/** Code archives, content-addressed: many versions (and functions) can share one. */
export const codeBlobs = pgTable('code_blobs', {
  sha256: text('sha256').primaryKey(),
  data: bytea('data').notNull(),
  size: integer('size').notNull(),
  files: integer('files').notNull(),
  unpackedBytes: bigint('unpacked_bytes', { mode: 'number' }).notNull(),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
});

/** Immutable, numbered versions: every create or update adds one. */
export const functionVersions = pgTable(
  'function_versions',
  {
    functionName: text('function_name')
      .notNull()
      .references(() => functions.name, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    runtime: text('runtime').notNull(),
    handler: text('handler').notNull(),
    memoryMb: integer('memory_mb').notNull(),
    timeoutSec: integer('timeout_sec').notNull(),
    env: jsonb('env').$type<Record<string, string>>().notNull(),
    maxConcurrency: integer('max_concurrency').notNull(),
    backend: text('backend').notNull(),
    description: text('description').notNull().default(''),
    minWarm: integer('min_warm').notNull().default(0),
    codeSha256: text('code_sha256')
      .notNull()
      .references(() => codeBlobs.sha256),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.functionName, t.version] }), index('function_versions_code_idx').on(t.codeSha256)],
);

/** Agents as last heard of: the in-memory registry is authoritative while running, this survives restarts. */
export const nodes = pgTable('nodes', {
  id: text('id').primaryKey(),
  address: text('address').notNull(),
  status: jsonb('status').$type<NodeStatus>().notNull(),
  state: text('state').notNull(),
  registeredAt: timestamptz('registered_at').notNull().defaultNow(),
  lastHeartbeatAt: timestamptz('last_heartbeat_at').notNull().defaultNow(),
});

/** One record per invocation, as published by the agent that ran it (every field of the proto Invocation). */
export const invocations = pgTable(
  'invocations',
  {
    id: text('id').primaryKey(), // the request id
    function: text('function').notNull(),
    version: integer('version').notNull().default(0),
    agentId: text('agent_id').notNull().default(''),
    backend: text('backend').notNull().default(''),
    runtime: text('runtime').notNull().default(''),
    status: text('status').notNull(),
    errorType: text('error_type').notNull().default(''),
    errorMessage: text('error_message').notNull().default(''),
    coldStart: boolean('cold_start').notNull().default(false),
    startedAt: timestamptz('started_at').notNull(),
    endedAt: timestamptz('ended_at'),
    queueMs: doublePrecision('queue_ms').notNull().default(0),
    startMs: doublePrecision('start_ms').notNull().default(0),
    initMs: doublePrecision('init_ms').notNull().default(0),
    durationMs: doublePrecision('duration_ms').notNull().default(0),
    billedMs: doublePrecision('billed_ms').notNull().default(0),
    overheadMs: doublePrecision('overhead_ms').notNull().default(0),
    maxMemoryMb: integer('max_memory_mb').notNull().default(0),
    cpuMs: doublePrecision('cpu_ms').notNull().default(0),
    requestBytes: integer('request_bytes').notNull().default(0),
    responseBytes: integer('response_bytes').notNull().default(0),
    memoryMb: integer('memory_mb').notNull().default(0),
    logs: text('logs').notNull().default(''),
    logsTruncated: boolean('logs_truncated').notNull().default(false),
    // true: `logs` holds only the function's output, and reads add Lambda's START / END / REPORT
    // lines from the other columns (frameLambdaLogs in @stratus/common); false: rows stored before,
    // and records of invocations that never ran, shown as they are.
    logsBare: boolean('logs_bare').notNull().default(false),
    // Words of the error and of what the function logged, for `search` (the 'simple' configuration:
    // no stemming, any language), set by InvocationStore.insert. Not the platform's START / END /
    // REPORT lines: their request-id fragments were most of a record's words, and indexing them
    // most of the cost of storing it (docs/metrics.md).
    searchVector: tsvector('search_vector'),
  },
  (t) => [
    index('invocations_function_started_idx').on(t.function, t.startedAt.desc()),
    index('invocations_started_idx').on(t.startedAt.desc()),
    // Only the rows that are not 'ok': lists filtered to failures use it, and an 'ok' row (nearly
    // every row) costs it nothing to store; a filter on 'ok' reads newest first by started_at.
    index('invocations_status_started_idx').on(t.status, t.startedAt.desc()).where(sql`status <> 'ok'`),
    // No (agent_id, started_at) index: agents are few, so a list filtered to one walks the started_at
    // index newest first and finds its rows soon; the index cost PostgreSQL about 2 µs of CPU for each
    // stored record, an eighth of storing it (docs/metrics.md, "What metrics cost").
    // Only rows with words: a no-op's record has none, and a GIN index stores a placeholder entry
    // for each NULL. A search (search_vector @@ ...) implies IS NOT NULL, so it still uses it.
    index('invocations_search_idx').using('gin', t.searchVector).where(sql`search_vector IS NOT NULL`),
  ],
);

/**
 * Quiet invocation records (status ok, no error, nothing logged: a healthy function's every call)
 * in chunks: one row per agent message, its records packed in `rows` as the agent sent them, a
 * compact batch in wire form 2 (wire-chunks.ts), or, for records that did not come in one, as COPY
 * binary tuples of the invocations columns (copy-binary.ts). A row of its own and its index entries cost PostgreSQL about
 * 6 µs of CPU a record; in chunks 0.6-0.8 (bench/tools/ingest-cost.ts; docs/metrics.md, "Quiet
 * records in chunks"). Reads (InvocationStore.get, list) unpack the chunks their filters can match
 * and merge them with the records in `invocations`.
 */
export const invocationChunks = pgTable(
  'invocation_chunks',
  {
    // the id of the chunk's first record: a redelivered message makes the same chunk, stored once
    firstId: text('first_id').primaryKey(),
    agentId: text('agent_id').notNull(),
    functions: text('functions').array().notNull(),
    backends: text('backends').array().notNull(),
    startedMin: timestamptz('started_min').notNull(),
    startedMax: timestamptz('started_max').notNull(),
    count: integer('count').notNull(),
    // every record id, each between newlines: a request id is found by strpos (get, list by id)
    ids: text('ids').notNull(),
    rows: bytea('rows').notNull(),
  },
  (t) => [index('invocation_chunks_started_max_idx').on(t.startedMax.desc())],
);

/**
 * Platform overheads measured by a gateway, by request id: a narrow row of their own, written as
 * they come (a record and its overhead travel on different streams, in either order) and read
 * joined to the record. Setting them on the record instead rewrote its whole row and every index
 * entry: 45% of PostgreSQL's CPU per invocation at concurrency 32 (docs/metrics.md).
 */
export const invocationOverheads = pgTable(
  'invocation_overheads',
  {
    requestId: text('request_id').primaryKey(),
    overheadMs: doublePrecision('overhead_ms').notNull(),
    receivedAt: timestamptz('received_at').notNull().defaultNow(),
  },
  // BRIN: received_at grows with the table, and pruning by it is all this index is for; a block
  // range summary costs an insert next to nothing, where a B-tree entry cost one per overhead.
  (t) => [index('invocation_overheads_received_idx').using('brin', t.receivedAt)],
);

export type FunctionRow = typeof functions.$inferSelect;
export type FunctionVersionRow = typeof functionVersions.$inferSelect;
export type CodeBlobRow = typeof codeBlobs.$inferSelect;
export type NodeRow = typeof nodes.$inferSelect;
export type InvocationRow = typeof invocations.$inferSelect;
export type NewInvocationRow = typeof invocations.$inferInsert;
export type InvocationChunkRow = typeof invocationChunks.$inferSelect;
