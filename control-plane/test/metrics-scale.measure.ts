// Measurement (not part of `npm test`): a million roll-up rows in a fresh PostgreSQL database (or
// PGlite with --pglite), then the disk size and the time of the dashboard's queries.
//   node --import tsx control-plane/test/metrics-scale.measure.ts [--pglite] [--rows 1000000]
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../src/store/db';
import { LogHistogram } from '../src/metrics/log-histogram';
import { getSeries, getSummary } from '../src/metrics/queries';

const usePglite = process.argv.includes('--pglite');
const rowsArg = process.argv.indexOf('--rows');
const target = rowsArg > 0 ? Number(process.argv[rowsArg + 1]) : 1_000_000;

async function main() {
  let url: string | undefined;
  let drop = async () => {};
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stratus-g-scale-'));
  const urlArg = process.argv.indexOf('--url');
  const reuse = urlArg > 0 ? process.argv[urlArg + 1] : undefined;
  if (reuse) url = reuse;
  else if (!usePglite) {
    const { default: postgres } = await import('postgres');
    const name = `stratus_g_scale_${randomBytes(3).toString('hex')}`;
    const admin = postgres('postgres://postgres@127.0.0.1:5432/postgres', { max: 1, onnotice: () => undefined });
    await admin.unsafe(`CREATE DATABASE "${name}"`);
    url = `postgres://postgres@127.0.0.1:5432/${name}`;
    if (process.argv.includes('--keep')) console.log('database kept:', url);
    drop = async () => {
      if (process.argv.includes('--keep')) return admin.end();
      await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    };
  }
  const opened = await openDatabase({ databaseUrl: url, dataDir: tmp });
  const db = opened.db;
  try {
    // 8 realistic histograms (a few hundred calls each, long-tailed) reused across rows
    const blobs = Array.from({ length: 8 }, (_, k) => {
      const h = new LogHistogram();
      for (let i = 0; i < 300; i++) h.recordMs(2 + ((i * 7919 + k * 31) % 97) * (i % 50 === 0 ? 20 : 1) * 0.5);
      return h.encode();
    });
    const now = reuse ? Number(process.argv[process.argv.indexOf('--now') + 1]) || Date.now() : Date.now();
    // half the rows at 60 s over 7 days, half at 10 s over 24 h; 50 functions x 2 agents x 1 backend...
    const combos = Math.max(1, Math.round(target / 2 / 10080));
    const combos10 = Math.max(1, Math.round(target / 2 / 8640));
    const t0 = performance.now();
    for (const [res, buckets, n] of reuse ? [] : ([[60, 10080, combos], [10, 8640, combos10]] as const)) {
      for (let c = 0; c < n; c++) {
        const fn = `fn-${Math.floor(c / 2)}`;
        const agent = `agent-${c % 2}`;
        const start = Math.floor(now / (res * 1000)) * res * 1000 - buckets * res * 1000;
        await db.execute(sql`
          insert into metrics_rollups (resolution_sec, bucket, function, agent_id, backend, invocations, errors, cold_starts,
            errors_by_type, duration_sum_ms, gb_seconds, billed_seconds, latency)
          select ${sql.raw(String(res))}, to_timestamp((${sql.raw(String(start))}::bigint + g * ${sql.raw(String(res * 1000))})::float8 / 1000), ${fn}, ${agent}, 'docker',
            300, g % 3, g % 2, '{"Handled": 1}'::jsonb, 3000, 0.4, 3.2,
            (array[${blobs[0]}::bytea, ${blobs[1]}::bytea, ${blobs[2]}::bytea, ${blobs[3]}::bytea, ${blobs[4]}::bytea, ${blobs[5]}::bytea, ${blobs[6]}::bytea, ${blobs[7]}::bytea])[1 + g % 8]
          from generate_series(0, ${sql.raw(String(buckets - 1))}) g`);
      }
    }
    const loadSec = (performance.now() - t0) / 1000;
    if (!usePglite) await db.execute(sql`analyze metrics_rollups`);
    const countRows = await db.execute(sql`select count(*)::float8 as n, pg_total_relation_size('metrics_rollups')::float8 as bytes, pg_relation_size('metrics_rollups')::float8 as heap from metrics_rollups`);
    const r = (Array.isArray(countRows) ? countRows[0] : (countRows as { rows: Record<string, number>[] }).rows[0]) as Record<string, number>;
    console.log(`driver ${opened.driver}: ${r.n} rows loaded in ${loadSec.toFixed(1)} s; total size ${(r.bytes / 1048576).toFixed(1)} MiB (table ${(r.heap / 1048576).toFixed(1)} MiB, ${(r.bytes / r.n).toFixed(0)} B/row)`);

    const from = new Date(now - 24 * 3600_000).toISOString();
    const to = new Date(now).toISOString();
    const timeIt = async (label: string, fn: () => Promise<unknown>) => {
      await fn(); // warm
      const times: number[] = [];
      for (let i = 0; i < 10; i++) {
        const t = performance.now();
        await fn();
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      console.log(`${label}: median ${times[5].toFixed(1)} ms, max ${times[9].toFixed(1)} ms`);
    };
    await timeIt('24 h series, invocations, one function (60 s step)', () => getSeries(db, { metric: 'invocations', function: 'fn-3', from, to, stepSec: 60 }, now));
    await timeIt('24 h series, p99, one function (60 s step, 2,880 histograms merged)', () => getSeries(db, { metric: 'p99', function: 'fn-3', from, to, stepSec: 60 }, now));
    await timeIt('24 h series, invocations, all functions (default step)', () => getSeries(db, { metric: 'invocations', from, to }, now));
    await timeIt('24 h series, p99, one function and agent, 10 s step (8,640 histograms)', () => getSeries(db, { metric: 'p99', function: 'fn-3', agent: 'agent-1', from, to, stepSec: 10 }, now));
    await timeIt('1 h summary by function (60 s roll-ups, all functions)', () => getSummary(db, { from: new Date(now - 3600_000).toISOString(), to, groupBy: 'function' }, now));
    await timeIt('24 h summary, one function', () => getSummary(db, { from, to, groupBy: 'agent', function: 'fn-3' }, now));
  } finally {
    await opened.close();
    await drop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
