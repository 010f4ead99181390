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

/** Retention per resolution: 10 s buckets for 24 h, 60 s buckets for 7 days. */
export const RETENTION_MS: Record<number, number> = { 10: 24 * 3600_000, 60: 7 * 24 * 3600_000 };

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
    for (const [stream, seqs] of positions) {
      const state = { lastSeq: seqs.floor, committedRanges: seqs.ranges, updatedAt: new Date() };
      await tx
        .insert(metricsConsumerState)
        .values({ stream, ...state })
        .onConflictDoUpdate({ target: metricsConsumerState.stream, set: state });
    }
  });
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
