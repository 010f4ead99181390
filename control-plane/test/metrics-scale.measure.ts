// Measurement (not part of `npm test`): a million roll-up rows in a fresh PostgreSQL database (or
// PGlite with --pglite), then the disk size and the time of the dashboard's queries.
//   node --import tsx control-plane/test/metrics-scale.measure.ts [--pglite] [--rows 1000000] [--runs 9] [--keep | --url URL --now MS]
import { sql } from 'drizzle-orm';
import { LogHistogram } from '../src/metrics/log-histogram';
import { getSeries, getSummary } from '../src/metrics/queries';
import { arg, loadLine, openMeasureDb, timeIt } from './scale-measure-lib';

const target = Number(arg('--rows') ?? 1_000_000);

async function main() {
  const m = await openMeasureDb('stratus-g-scale');
  const { opened, reuse, now } = m;
  const db = opened.db;
  const usePglite = opened.driver === 'pglite';
  try {
    // 8 realistic histograms (a few hundred calls each, long-tailed) reused across rows
    const blobs = Array.from({ length: 8 }, (_, k) => {
      const h = new LogHistogram();
      for (let i = 0; i < 300; i++) h.recordMs(2 + ((i * 7919 + k * 31) % 97) * (i % 50 === 0 ? 20 : 1) * 0.5);
      return h.encode();
    });
    // 50 function x agent pairs at 60 s and 300 s over 7 days, 58 at 10 s over 24 h (1,106,640 rows for
    // the default target); written bucket after bucket, as the consumers write them
    const combos = Math.max(1, Math.round(target / 2 / 10080));
    const combos10 = Math.max(1, Math.round(target / 2 / 8640));
    const t0 = performance.now();
    for (const [res, buckets, n] of reuse ? [] : ([[60, 10080, combos], [300, 2016, combos], [10, 8640, combos10]] as const)) {
      const start = Math.floor(now / (res * 1000)) * res * 1000 - (buckets - 1) * res * 1000;
      for (let b0 = 0; b0 < buckets; b0 += 2000) {
        const b1 = Math.min(buckets, b0 + 2000) - 1;
        await db.execute(sql`
          insert into metrics_rollups (resolution_sec, bucket, function, agent_id, backend, invocations, errors, cold_starts,
            errors_by_type, duration_sum_ms, gb_seconds, billed_seconds, latency)
          select ${sql.raw(String(res))}, to_timestamp((${sql.raw(String(start))}::bigint + g * ${sql.raw(String(res * 1000))})::float8 / 1000),
            'fn-' || (c / 2), 'agent-' || (c % 2), case when c % 10 = 9 then 'gvisor' else 'docker' end,
            ${sql.raw(String(res * 5))}, g % 3, g % 2, '{"Handled": 1}'::jsonb, ${sql.raw(String(res * 50))}, 0.4, 3.2,
            (array[${blobs[0]}::bytea, ${blobs[1]}::bytea, ${blobs[2]}::bytea, ${blobs[3]}::bytea, ${blobs[4]}::bytea, ${blobs[5]}::bytea, ${blobs[6]}::bytea, ${blobs[7]}::bytea])[1 + (g + c) % 8]
          from generate_series(${sql.raw(String(b0))}, ${sql.raw(String(b1))}) g, generate_series(0, ${sql.raw(String(n - 1))}) c
          order by g, c`);
      }
    }
    const loadSec = (performance.now() - t0) / 1000;
    if (!usePglite) await db.execute(sql`analyze metrics_rollups`);
    const countRows = await db.execute(sql`select count(*)::float8 as n, pg_total_relation_size('metrics_rollups')::float8 as bytes, pg_relation_size('metrics_rollups')::float8 as heap from metrics_rollups`);
    const r = (Array.isArray(countRows) ? countRows[0] : (countRows as { rows: Record<string, number>[] }).rows[0]) as Record<string, number>;
    console.log(`driver ${opened.driver}: ${r.n} rows loaded in ${loadSec.toFixed(1)} s; total size ${(r.bytes / 1048576).toFixed(1)} MiB (table ${(r.heap / 1048576).toFixed(1)} MiB, ${(r.bytes / r.n).toFixed(0)} B/row)`);

    // the dashboard's windows end on a step boundary (dashboard/src/lib/series.ts)
    const end24 = Math.floor(now / 300_000) * 300_000 + 300_000;
    const w24 = { from: new Date(end24 - 24 * 3600_000).toISOString(), to: new Date(end24).toISOString() };
    const end1 = Math.floor(now / 10_000) * 10_000 + 10_000;
    const w1 = { from: new Date(end1 - 3600_000).toISOString(), to: new Date(end1).toISOString() };
    const rest24 = { from: '-24h', to: 'now' }; // the REST default: unaligned, default step
    const series = (label: string, q: Record<string, unknown>) => timeIt(label, () => getSeries(db, q, now));
    console.log(`median and max of ${arg('--runs') ?? 9} runs after one warm-up; ${loadLine()}`);
    // the dashboard's function page (24 h: step 300) and overview (all functions)
    for (const metric of ['invocations', 'errors', 'cold_starts', 'p50', 'p95', 'p99']) await series(`24 h, ${metric}, one function (step 300)`, { metric, function: 'fn-3', ...w24, stepSec: 300 });
    for (const metric of ['invocations', 'errors', 'cold_starts', 'p50', 'p99']) await series(`24 h, ${metric}, all functions (step 300)`, { metric, ...w24, stepSec: 300 });
    await series('24 h, p99, one backend (gvisor, step 300)', { metric: 'p99', backend: 'gvisor', ...w24, stepSec: 300 });
    await series('24 h, invocations, one backend (docker, step 300)', { metric: 'invocations', backend: 'docker', ...w24, stepSec: 300 });
    await series('24 h, p99, one agent (step 300)', { metric: 'p99', agent: 'agent-1', ...w24, stepSec: 300 });
    await series('24 h, p99, one function and agent (step 300)', { metric: 'p99', function: 'fn-3', agent: 'agent-1', ...w24, stepSec: 300 });
    await series('24 h, duration_avg, all functions (step 300)', { metric: 'duration_avg', ...w24, stepSec: 300 });
    // REST callers: default step (300 s over 24 h), or finer steps asked for
    await series('24 h, invocations, all functions (REST default step)', { metric: 'invocations', ...rest24 });
    await series('24 h, p99, all functions (REST default step)', { metric: 'p99', ...rest24 });
    await series('24 h, invocations, one function (step 60: 60 s rows)', { metric: 'invocations', function: 'fn-3', ...w24, stepSec: 60 });
    await series('24 h, p99, one function (step 60: 60 s rows)', { metric: 'p99', function: 'fn-3', ...w24, stepSec: 60 });
    await series('24 h, invocations, all functions (step 60: 60 s rows)', { metric: 'invocations', ...w24, stepSec: 60 });
    await series('24 h, p99, all functions (step 60: 60 s rows)', { metric: 'p99', ...w24, stepSec: 60 });
    await series('24 h, p99, one function and agent (step 10 asked: raised to 60)', { metric: 'p99', function: 'fn-3', agent: 'agent-1', ...w24, stepSec: 10 });
    // the dashboard's 1 h window (10 s rows)
    await series('1 h, p99, all functions (step 10)', { metric: 'p99', ...w1, stepSec: 10 });
    await series('1 h, invocations, all functions (step 10)', { metric: 'invocations', ...w1, stepSec: 10 });
    await timeIt('1 h summary by function (all functions)', () => getSummary(db, { ...w1, groupBy: 'function' }, now));
    await timeIt('24 h summary, one function, by agent', () => getSummary(db, { ...w24, groupBy: 'agent', function: 'fn-3' }, now));
  } finally {
    await m.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
