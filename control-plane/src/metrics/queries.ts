// The MetricsService queries over the roll-ups: counters summed in SQL, latency histograms fetched
// and merged in memory (percentiles are read from the merged histogram, never averaged).
import { invalidArgument } from '@stratus/common';
import type { CostRequest, CostResponseInput, SeriesRequest, SeriesResponseInput, SummaryRequest, SummaryResponseInput } from '@stratus/proto';
import { sql, type SQL } from 'drizzle-orm';
import { LogHistogram } from './log-histogram';
import { rollups as t, whereOf, type MetricsDb, type RollupFilter } from './rollup-store';

/** Lambda's public x86 prices (us-east-1): per GB-second and per million requests. */
export const LAMBDA_PRICE_PER_GB_SECOND = 0.0000166667;
export const LAMBDA_PRICE_PER_MILLION_REQUESTS = 0.2;

/**
 * Memory (MB) a backend adds per container beyond the function's own, measured here (Debian 12,
 * runsc release 20221219, the same idle python3 process in a 256 MB container, cgroup memory usage):
 * runc 3.0 MiB vs runsc 16.5 MiB, so gVisor's Sentry and Gofer add about 13.5 MB; a runc container
 * adds nothing inside its cgroup. Used when no agent reported `backendOverheadMb` in its gauges.
 */
export const DEFAULT_BACKEND_OVERHEAD_MB: Record<string, number> = { docker: 0, gvisor: 13.5 };

const DAY_MS = 24 * 3600_000;
const COUNT_METRICS: Record<string, SQL> = {
  invocations: sql`sum(${t.invocations})::float8`,
  errors: sql`sum(${t.errors})::float8`,
  throttles: sql`sum(${t.throttles})::float8`,
  cold_starts: sql`sum(${t.coldStarts})::float8`,
  timeouts: sql`sum(${t.timeouts})::float8`,
  gb_seconds: sql`sum(${t.gbSeconds})::float8`,
  duration_avg: sql`(sum(${t.durationSumMs}) / nullif(sum(${t.invocations}), 0))::float8`,
  overhead_avg: sql`(sum(${t.overheadSumMs}) / nullif(sum(${t.overheadCount}), 0))::float8`,
  cold_start_avg: sql`(sum(${t.coldStartSumMs}) / nullif(sum(${t.coldStarts}), 0))::float8`,
};
const PERCENTILES: Record<string, number> = { p50: 0.5, p90: 0.9, p95: 0.95, p99: 0.99, p999: 0.999, max: 1 };
export const SERIES_METRICS = [...Object.keys(COUNT_METRICS), ...Object.keys(PERCENTILES)];

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3600_000, d: DAY_MS };

/** An RFC 3339 time, unix seconds, or relative to now like "-1h", "-15m", "-7d" ("now" too). */
function parseTime(field: string, raw: string, now: number): Date {
  const rel = /^-(\d+(?:\.\d+)?)(s|m|h|d)$/.exec(raw.trim());
  if (rel) return new Date(now - Number(rel[1]) * UNIT_MS[rel[2]]);
  if (raw.trim() === 'now') return new Date(now);
  if (/^\d{9,11}(\.\d+)?$/.test(raw.trim())) return new Date(Number(raw) * 1000);
  const d = new Date(raw);
  if (Number.isNaN(d.getTime())) throw invalidArgument(field, `not a time (RFC 3339, unix seconds, or relative like -1h): ${JSON.stringify(raw)}`);
  return d;
}

export function parseWindow(fromRaw: string, toRaw: string, now = Date.now(), defaultMs = 3600_000): { from: Date; to: Date } {
  const to = toRaw ? parseTime('to', toRaw, now) : new Date(now);
  const from = fromRaw ? parseTime('from', fromRaw, now) : new Date(to.getTime() - defaultMs);
  if (from.getTime() >= to.getTime()) throw invalidArgument('from', 'must be before to');
  return { from, to };
}

/**
 * The roll-ups a query reads. With a step: the coarsest resolution the step is a multiple of (300 s
 * rows for a 24 h chart at 5-minute steps: 288 rows per function × agent × backend instead of 1,440).
 * Without (summaries, cost): 10 s rows for short windows inside the last 24 h, 60 s ones otherwise.
 */
export function resolutionFor(from: Date, to: Date, now = Date.now(), stepSec?: number): 10 | 60 | 300 {
  if (stepSec !== undefined && stepSec % 300 === 0) return 300;
  if (stepSec !== undefined && stepSec % 60 === 0) return 60;
  if (stepSec === 10) return 10;
  return from.getTime() >= now - DAY_MS && to.getTime() - from.getTime() <= 3 * 3600_000 ? 10 : 60;
}

const GROUPS = { function: t.function, agent: t.agentId, backend: t.backend } as const;

interface SummaryAcc {
  key: string;
  invocations: number;
  errors: number;
  throttles: number;
  coldStarts: number;
  timeouts: number;
  gbSeconds: number;
  errorsByType: Record<string, number>;
  latency: LogHistogram;
}

const newAcc = (key: string): SummaryAcc => ({ key, invocations: 0, errors: 0, throttles: 0, coldStarts: 0, timeouts: 0, gbSeconds: 0, errorsByType: {}, latency: new LogHistogram() });

function toRow(a: SummaryAcc) {
  return {
    key: a.key,
    invocations: a.invocations,
    errors: a.errors,
    throttles: a.throttles,
    coldStarts: a.coldStarts,
    timeouts: a.timeouts,
    p50Ms: a.latency.quantileMs(0.5),
    p95Ms: a.latency.quantileMs(0.95),
    p99Ms: a.latency.quantileMs(0.99),
    gbSeconds: a.gbSeconds,
    errorsByType: a.errorsByType,
  };
}

export async function getSummary(db: MetricsDb, req: Partial<SummaryRequest>, now = Date.now()): Promise<SummaryResponseInput> {
  const groupBy = (req.groupBy || 'function') as keyof typeof GROUPS;
  if (!(groupBy in GROUPS)) throw invalidArgument('groupBy', `must be function, agent or backend, got ${JSON.stringify(req.groupBy)}`);
  const { from, to } = parseWindow(req.from ?? '', req.to ?? '', now);
  // 10 s buckets only for short windows: a summary merges one histogram per row
  const short = to.getTime() - from.getTime() <= 30 * 60_000 && from.getTime() >= now - DAY_MS;
  const filter: RollupFilter = { resolutionSec: short ? 10 : 60, from, to, function: req.function || undefined };
  const keyCol = GROUPS[groupBy];
  const where = whereOf(filter);
  // one pass over the rows: counters and histograms (rows hold both; the histogram is small)
  const rows = await db
    .select({
      key: keyCol,
      invocations: t.invocations,
      errors: t.errors,
      throttles: t.throttles,
      coldStarts: t.coldStarts,
      timeouts: t.timeouts,
      gbSeconds: t.gbSeconds,
      errorsByType: t.errorsByType,
      latency: t.latency,
    })
    .from(t)
    .where(where);
  const groups = new Map<string, SummaryAcc>();
  const total = newAcc('total');
  for (const r of rows) {
    let a = groups.get(r.key);
    if (!a) groups.set(r.key, (a = newAcc(r.key)));
    for (const x of [a, total]) {
      x.invocations += r.invocations;
      x.errors += r.errors;
      x.throttles += r.throttles;
      x.coldStarts += r.coldStarts;
      x.timeouts += r.timeouts;
      x.gbSeconds += r.gbSeconds;
      for (const [k, v] of Object.entries(r.errorsByType ?? {})) x.errorsByType[k] = (x.errorsByType[k] ?? 0) + v;
      x.latency.mergeEncoded(r.latency);
    }
  }
  const out = [...groups.values()].sort((a, b) => b.invocations - a.invocations || a.key.localeCompare(b.key)).map(toRow);
  return { rows: out, total: toRow(total) };
}

/** Most points a series has: a finer requested step is raised to the next allowed one (the response says which). */
export const MAX_SERIES_POINTS = 1500;
/** Default steps: the first giving at most 360 points over the window (24 h: 300 s, 7 days: 1,800 s). */
const NICE_STEPS = [10, 60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86_400];

/**
 * 10, or a multiple of 60; by default the first of NICE_STEPS giving at most 360 points. A step giving
 * more than MAX_SERIES_POINTS points is raised (10 s over 24 h would be 8,640 points: it becomes 60 s).
 */
export function stepFor(from: Date, to: Date, requested: number | undefined, now = Date.now()): number {
  const spanSec = (to.getTime() - from.getTime()) / 1000;
  if (requested) {
    if (requested !== 10 && requested % 60 !== 0) throw invalidArgument('stepSec', `must be 10 or a multiple of 60, got ${requested}`);
    if (spanSec / requested <= MAX_SERIES_POINTS) return requested;
    const min = spanSec / MAX_SERIES_POINTS;
    return NICE_STEPS.find((s) => s >= min && s > requested) ?? Math.ceil(min / 60) * 60;
  }
  const raw = spanSec / 360;
  if (raw <= 10 && from.getTime() >= now - DAY_MS) return 10;
  return NICE_STEPS.find((s) => s >= raw && s >= 60) ?? Math.ceil(raw / 60) * 60;
}

/**
 * A series: one value per step, each covering its whole step [t, t + step) (the window is widened to
 * step boundaries, so every resolution gives the same points). Counters and averages are summed in
 * SQL, one row per step; percentiles merge the step's histograms, which SQL concatenates per step
 * (string_agg over bytea: one row per step to decode instead of one per roll-up).
 */
export async function getSeries(db: MetricsDb, req: Partial<SeriesRequest>, now = Date.now()): Promise<SeriesResponseInput> {
  const metric = req.metric || 'invocations';
  if (!SERIES_METRICS.includes(metric)) throw invalidArgument('metric', `must be one of ${SERIES_METRICS.join(', ')}, got ${JSON.stringify(metric)}`);
  const { from, to } = parseWindow(req.from ?? '', req.to ?? '', now);
  const step = stepFor(from, to, req.stepSec || undefined, now);
  const resolutionSec = resolutionFor(from, to, now, step);
  const stepMs = step * 1000;
  const first = Math.floor(from.getTime() / stepMs) * stepMs;
  const n = Math.ceil((to.getTime() - first) / stepMs);
  const where = whereOf({
    resolutionSec,
    from: new Date(first),
    to: new Date(first + n * stepMs),
    function: req.function || undefined,
    agentId: req.agent || undefined,
    backend: req.backend || undefined,
  });
  const timestamps = Array.from({ length: n }, (_, i) => (first + i * stepMs) / 1000);
  const values = new Array<number>(n).fill(0);
  // the step's index, computed in SQL (date_part gives float8: no numeric arithmetic per row)
  const slot = sql.raw(`floor((date_part('epoch', "bucket") * 1000 - ${first}) / ${stepMs})::int`);
  if (metric in COUNT_METRICS) {
    const rows = await db
      .select({ i: sql<number>`${slot}`, v: COUNT_METRICS[metric] as SQL<number> })
      .from(t)
      .where(where)
      .groupBy(sql.raw('1'));
    for (const r of rows) {
      const i = Number(r.i);
      if (i >= 0 && i < n) values[i] = Number(r.v ?? 0);
    }
  } else {
    const q = PERCENTILES[metric];
    const rows = await db
      .select({ i: sql<number>`${slot}`, latency: sql<Buffer | Uint8Array | null>`string_agg(${t.latency}, ''::bytea)` })
      .from(t)
      .where(where)
      .groupBy(sql.raw('1'));
    const acc = new LogHistogram();
    for (const r of rows) {
      const i = Number(r.i);
      if (i < 0 || i >= n || !r.latency) continue;
      acc.reset();
      acc.mergeEncodedAll(toBytes(r.latency));
      if (acc.total > 0) values[i] = acc.quantileMs(q);
    }
  }
  return { metric, stepSec: step, timestamps, values };
}

/** bytea from a raw SQL expression: a Buffer (postgres-js), a Uint8Array (PGlite), or hex text. */
function toBytes(v: Buffer | Uint8Array | string): Uint8Array {
  if (typeof v === 'string') return Buffer.from(v.startsWith('\\x') ? v.slice(2) : v, 'hex');
  return v;
}

export async function getCost(
  db: MetricsDb,
  req: Partial<CostRequest>,
  opts: { backendOverheadMb: Record<string, number>; backends: string[]; pricePerGbSecond?: number; pricePerMillionRequests?: number },
  now = Date.now(),
): Promise<CostResponseInput> {
  const { from, to } = parseWindow(req.from ?? '', req.to ?? '', now, DAY_MS);
  const perGbS = req.pricePerGbSecond || opts.pricePerGbSecond || LAMBDA_PRICE_PER_GB_SECOND;
  const perMReq = req.pricePerMillionRequests || opts.pricePerMillionRequests || LAMBDA_PRICE_PER_MILLION_REQUESTS;
  if (perGbS < 0) throw invalidArgument('pricePerGbSecond', 'must not be negative');
  if (perMReq < 0) throw invalidArgument('pricePerMillionRequests', 'must not be negative');
  const where = whereOf({ resolutionSec: resolutionFor(from, to, now), from, to, function: req.function || undefined });
  const rows = await db
    .select({
      function: t.function,
      backend: t.backend,
      requests: sql<number>`sum(${t.invocations})::float8`,
      gbSeconds: sql<number>`sum(${t.gbSeconds})::float8`,
      billedSeconds: sql<number>`sum(${t.billedSeconds})::float8`,
    })
    .from(t)
    .where(where)
    .groupBy(t.function, t.backend)
    .orderBy(t.function, t.backend);
  const overhead = (b: string) => opts.backendOverheadMb[b] ?? DEFAULT_BACKEND_OVERHEAD_MB[b] ?? 0;
  const backends = [...new Set([...opts.backends, ...Object.keys(DEFAULT_BACKEND_OVERHEAD_MB)])];
  let total = 0;
  const out = rows
    .filter((r) => Number(r.requests) > 0)
    .map((r) => {
      const requests = Number(r.requests);
      const gbSeconds = Number(r.gbSeconds);
      const billed = Number(r.billedSeconds);
      const requestCost = (requests / 1e6) * perMReq;
      const cost = gbSeconds * perGbS + requestCost;
      total += cost;
      // the same billed seconds with each backend's per-container memory overhead on top
      const costOnBackend: Record<string, number> = {};
      for (const b of backends) costOnBackend[b] = (gbSeconds + (overhead(b) / 1024) * billed) * perGbS + requestCost;
      return { function: r.function, backend: r.backend, requests, gbSeconds, cost, overheadMb: overhead(r.backend), costOnBackend };
    });
  return { rows: out, total };
}
