// Reading and writing the roll-ups through drizzle's query builder (same code on PostgreSQL and
// PGlite). Writes fold accumulated deltas into existing rows under a row lock, together with the
// stream sequences they came from, in one transaction: a redelivered message is never counted twice.
import { and, eq, gte, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../store/db';
import type { RollupDelta } from './aggregator';
import { LogHistogram } from './log-histogram';
import { metricsConsumerState, metricsRollups as t } from './schema';
import { SeqSet } from './seq-set';

export type MetricsDb = Database;

/**
 * Retention per resolution: 10 s buckets for 24 h, 60 s and 300 s buckets for 7 days. The 300 s rows
 * are what long windows read (a 24 h series: 288 rows per function × agent × backend instead of 1,440).
 */
export const RETENTION_MS: Record<number, number> = { 10: 24 * 3600_000, 60: 7 * 24 * 3600_000, 300: 7 * 24 * 3600_000 };

const CHUNK = 200;
const ROLLUP_LOCK_KEY = 0x5747_0001;

export async function readConsumedSeqs(db: MetricsDb): Promise<Map<string, SeqSet>> {
  const rows = await db.select().from(metricsConsumerState);
  return new Map(rows.map((r) => [r.stream, new SeqSet(Number(r.lastSeq), r.committedRanges ?? [])]));
}

/** Folds deltas into the stored roll-ups and records the consumed stream positions, atomically. */
export async function writeRollups(db: MetricsDb, deltas: RollupDelta[], positions: Map<string, SeqSet>): Promise<void> {
  await db.transaction(async (tx) => {
    // One writer at a time (both consumers, and every control plane sharing the database): rows that
    // do not exist yet cannot be row-locked, and histograms are merged here, not in SQL.
    await tx.execute(sql`select pg_advisory_xact_lock(${ROLLUP_LOCK_KEY})`);
    await foldDeltas(tx, deltas);
    for (const [stream, seqs] of positions) {
      const state = { lastSeq: seqs.floor, committedRanges: seqs.ranges, updatedAt: new Date() };
      await tx
        .insert(metricsConsumerState)
        .values({ stream, ...state })
        .onConflictDoUpdate({ target: metricsConsumerState.stream, set: state });
    }
  });
}

/**
 * Builds the 300 s roll-ups from the 60 s ones when there are none yet (a store written before the
 * 300 s level existed), so long windows keep their history. Runs once, before the consumers start,
 * under the writers' lock; returns how many rows it wrote (0 when the 300 s level exists).
 */
export async function backfillCoarseRollups(db: MetricsDb, windowMs = 30 * 60_000): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${ROLLUP_LOCK_KEY})`);
    const has = await tx.select({ r: t.resolutionSec }).from(t).where(eq(t.resolutionSec, 300)).limit(1);
    if (has.length > 0) return 0;
    const [span] = await tx.select({ lo: sql<string | null>`min(${t.bucket})::text`, hi: sql<string | null>`max(${t.bucket})::text` }).from(t).where(eq(t.resolutionSec, 60));
    if (!span?.lo || !span.hi) return 0;
    let written = 0;
    const end = Date.parse(span.hi) + 60_000;
    // window by window (aligned on 300 s) so only a window's histograms are in memory at once
    for (let lo = Math.floor(Date.parse(span.lo) / 300_000) * 300_000; lo < end; lo += windowMs) {
      const rows = await tx
        .select()
        .from(t)
        .where(and(eq(t.resolutionSec, 60), gte(t.bucket, new Date(lo)), lt(t.bucket, new Date(lo + windowMs))));
      const acc = new Map<string, RollupDelta>();
      for (const r of rows) {
        const bucket = new Date(Math.floor(r.bucket.getTime() / 300_000) * 300_000);
        const k = `${bucket.getTime()}|${r.function}|${r.agentId}|${r.backend}`;
        let d = acc.get(k);
        if (!d) {
          d = {
            resolutionSec: 300 as RollupDelta['resolutionSec'], bucket, function: r.function, agentId: r.agentId, backend: r.backend,
            invocations: 0, errors: 0, throttles: 0, coldStarts: 0, timeouts: 0, errorsByType: {},
            durationSumMs: 0, coldStartSumMs: 0, gbSeconds: 0, billedSeconds: 0, overheadSumMs: 0, overheadCount: 0, latency: undefined,
          };
          acc.set(k, d);
        }
        d.invocations += r.invocations;
        d.errors += r.errors;
        d.throttles += r.throttles;
        d.coldStarts += r.coldStarts;
        d.timeouts += r.timeouts;
        for (const [e, v] of Object.entries(r.errorsByType ?? {})) d.errorsByType[e] = (d.errorsByType[e] ?? 0) + v;
        d.durationSumMs += r.durationSumMs;
        d.coldStartSumMs += r.coldStartSumMs;
        d.gbSeconds += r.gbSeconds;
        d.billedSeconds += r.billedSeconds;
        d.overheadSumMs += r.overheadSumMs;
        d.overheadCount += r.overheadCount;
        if (r.latency) (d.latency ??= new LogHistogram()).mergeEncoded(r.latency);
      }
      await foldDeltas(tx, [...acc.values()]);
      written += acc.size;
    }
    return written;
  });
}

type Tx = Parameters<Parameters<MetricsDb['transaction']>[0]>[0];

/** Adds deltas to the stored rows (creating missing ones); the caller holds the advisory lock. */
async function foldDeltas(tx: Tx, deltas: RollupDelta[]): Promise<void> {
  for (let i = 0; i < deltas.length; i += CHUNK) {
    const chunk = deltas.slice(i, i + CHUNK);
    const match = or(
      ...chunk.map((d) =>
        and(eq(t.resolutionSec, d.resolutionSec), eq(t.bucket, d.bucket), eq(t.function, d.function), eq(t.agentId, d.agentId), eq(t.backend, d.backend)),
      ),
    );
    const existing = await tx.select().from(t).where(match).for('update');
    const byKey = new Map(existing.map((r) => [`${r.resolutionSec}|${r.bucket.getTime()}|${r.function}|${r.agentId}|${r.backend}`, r]));
    const values = chunk.map((d) => {
      const old = byKey.get(`${d.resolutionSec}|${d.bucket.getTime()}|${d.function}|${d.agentId}|${d.backend}`);
      const errorsByType = { ...(old?.errorsByType ?? {}) };
      for (const [k, v] of Object.entries(d.errorsByType)) errorsByType[k] = (errorsByType[k] ?? 0) + v;
      let latency: Buffer | null = old?.latency ?? null;
      if (d.latency && d.latency.total > 0) {
        const h = LogHistogram.decode(old?.latency);
        h.merge(d.latency);
        latency = h.encode();
      }
      return {
        resolutionSec: d.resolutionSec,
        bucket: d.bucket,
        function: d.function,
        agentId: d.agentId,
        backend: d.backend,
        invocations: (old?.invocations ?? 0) + d.invocations,
        errors: (old?.errors ?? 0) + d.errors,
        throttles: (old?.throttles ?? 0) + d.throttles,
        coldStarts: (old?.coldStarts ?? 0) + d.coldStarts,
        timeouts: (old?.timeouts ?? 0) + d.timeouts,
        errorsByType,
        durationSumMs: (old?.durationSumMs ?? 0) + d.durationSumMs,
        coldStartSumMs: (old?.coldStartSumMs ?? 0) + d.coldStartSumMs,
        gbSeconds: (old?.gbSeconds ?? 0) + d.gbSeconds,
        billedSeconds: (old?.billedSeconds ?? 0) + d.billedSeconds,
        overheadSumMs: (old?.overheadSumMs ?? 0) + d.overheadSumMs,
        overheadCount: (old?.overheadCount ?? 0) + d.overheadCount,
        latency,
      };
    });
    const excluded = (col: string) => sql.raw(`excluded.${col}`);
    await tx
      .insert(t)
      .values(values)
      .onConflictDoUpdate({
        target: [t.resolutionSec, t.bucket, t.function, t.agentId, t.backend],
        set: {
          invocations: excluded('invocations'),
          errors: excluded('errors'),
          throttles: excluded('throttles'),
          coldStarts: excluded('cold_starts'),
          timeouts: excluded('timeouts'),
          errorsByType: excluded('errors_by_type'),
          durationSumMs: excluded('duration_sum_ms'),
          coldStartSumMs: excluded('cold_start_sum_ms'),
          gbSeconds: excluded('gb_seconds'),
          billedSeconds: excluded('billed_seconds'),
          overheadSumMs: excluded('overhead_sum_ms'),
          overheadCount: excluded('overhead_count'),
          latency: excluded('latency'),
        },
      });
  }
}

/** Deletes roll-ups older than their resolution's retention; returns how many rows went. */
export async function pruneRollups(db: MetricsDb, now = Date.now(), retention: Record<number, number> = RETENTION_MS): Promise<number> {
  let removed = 0;
  for (const [res, keepMs] of Object.entries(retention)) {
    const old = and(eq(t.resolutionSec, Number(res)), lt(t.bucket, new Date(now - keepMs)));
    const [{ n }] = await db.select({ n: sql<number>`count(*)::float8` }).from(t).where(old);
    if (Number(n) > 0) await db.delete(t).where(old);
    removed += Number(n);
  }
  return removed;
}

export interface RollupFilter {
  resolutionSec: number;
  from: Date;
  to: Date;
  function?: string;
  functions?: string[];
  agentId?: string;
  backend?: string;
}

export function whereOf(f: RollupFilter): SQL {
  const conds: SQL[] = [eq(t.resolutionSec, f.resolutionSec), gte(t.bucket, f.from), lt(t.bucket, f.to)];
  if (f.function) conds.push(eq(t.function, f.function));
  if (f.functions?.length) conds.push(inArray(t.function, f.functions));
  if (f.agentId) conds.push(eq(t.agentId, f.agentId));
  if (f.backend) conds.push(eq(t.backend, f.backend));
  return and(...conds)!;
}

export { t as rollups };
