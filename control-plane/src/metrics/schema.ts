// The metrics module's tables (drizzle-orm; migrations generated with the control plane's others).
import { bigint, customType, doublePrecision, index, integer, jsonb, pgTable, primaryKey, smallint, text, timestamp } from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength)),
});

/**
 * Roll-ups per function × agent × backend per time bucket, at 10 s (kept 24 h) and 60 s (kept 7 days)
 * resolution. Counters add up across rows; `latency` is an encoded LogHistogram of the functions'
 * own durations, merged on query for percentiles.
 */
export const metricsRollups = pgTable(
  'metrics_rollups',
  {
    resolutionSec: smallint('resolution_sec').notNull(),
    bucket: timestamp('bucket', { withTimezone: true, mode: 'date' }).notNull(),
    function: text('function').notNull(),
    agentId: text('agent_id').notNull(),
    backend: text('backend').notNull(),
    invocations: integer('invocations').notNull().default(0),
    errors: integer('errors').notNull().default(0),
    throttles: integer('throttles').notNull().default(0),
    coldStarts: integer('cold_starts').notNull().default(0),
    timeouts: integer('timeouts').notNull().default(0),
    errorsByType: jsonb('errors_by_type').$type<Record<string, number>>().notNull().default({}),
    durationSumMs: doublePrecision('duration_sum_ms').notNull().default(0),
    coldStartSumMs: doublePrecision('cold_start_sum_ms').notNull().default(0),
    /** Σ configured memory (GB) × billed seconds. */
    gbSeconds: doublePrecision('gb_seconds').notNull().default(0),
    /** Σ billed seconds (to price a per-container memory overhead on top). */
    billedSeconds: doublePrecision('billed_seconds').notNull().default(0),
    overheadSumMs: doublePrecision('overhead_sum_ms').notNull().default(0),
    overheadCount: integer('overhead_count').notNull().default(0),
    latency: bytea('latency'),
  },
  (t) => [
    primaryKey({ name: 'metrics_rollups_pk', columns: [t.resolutionSec, t.bucket, t.function, t.agentId, t.backend] }),
    index('metrics_rollups_function_idx').on(t.resolutionSec, t.function, t.bucket),
  ],
);

/**
 * Stream sequences already folded into the roll-ups, per stream: all up to last_seq, plus the ranges
 * above it (gaps left by deliveries lost in an outage): redeliveries of those are skipped.
 */
export const metricsConsumerState = pgTable('metrics_consumer_state', {
  stream: text('stream').primaryKey(),
  lastSeq: bigint('last_seq', { mode: 'number' }).notNull(),
  committedRanges: jsonb('committed_ranges').$type<[number, number][]>().notNull().default([]),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});
