// Measures the invocation records store at scale: inserts N records (default 1,000,000) spread over
// 7 days, then times the ListInvocations queries and reports the table's size on disk.
//   node --import tsx control-plane/scripts/invocations-bench.ts [--store postgres|pglite] [--records N]
// PostgreSQL: a fresh database stratus_bench_<random> on STRATUS_BENCH_PG_URL (default the local
// server), dropped afterwards. PGlite: a temp folder, removed afterwards.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../src/store/db';
import { InvocationStore, type InvocationFilter } from '../src/store/invocations-repo';
import type { NewInvocationRow } from '../src/store/schema';

const { values } = parseArgs({ options: { store: { type: 'string', default: 'postgres' }, records: { type: 'string', default: '1000000' }, batch: { type: 'string', default: '2000' } } });
const total = Number(values.records);
const batchSize = Number(values.batch);
const adminUrl = process.env.STRATUS_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const WORDS = 'order payment user cache miss hit retry upstream latency parse json queue worker image thumbnail resize invoice email'.split(' ');
const STATUSES: [string, number][] = [['ok', 0.95], ['function_error', 0.03], ['timeout', 0.01], ['throttled', 0.005], ['oom', 0.005]];
const now = Date.now();
const span = 7 * 86_400_000;

function pickStatus(r: number): string {
  let acc = 0;
  for (const [s, p] of STATUSES) if (r < (acc += p)) return s;
  return 'ok';
}

function row(i: number): NewInvocationRow {
  const status = pickStatus(Math.random());
  const startedAt = new Date(now - span + (i / total) * span);
  const fn = `fn-${i % 50}`;
  const words = Array.from({ length: 8 }, () => WORDS[Math.floor(Math.random() * WORDS.length)]).join(' ');
  const id = `${startedAt.getTime().toString(36)}-${i.toString(36)}-${randomBytes(4).toString('hex')}`;
  const duration = 1 + Math.random() * 50;
  return {
    id, function: fn, version: 1 + (i % 3), agentId: `agent-${i % 4}`, backend: i % 3 === 0 ? 'gvisor' : 'docker', runtime: i % 2 ? 'python3.11' : 'nodejs20.x',
    status, errorType: status === 'function_error' ? 'ValueError' : status === 'timeout' ? 'Task.TimedOut' : '',
    errorMessage: status === 'function_error' ? `invalid literal for int() with base 10: '${words.split(' ')[0]}'` : '',
    coldStart: i % 50 === 0, startedAt, endedAt: new Date(startedAt.getTime() + duration),
    queueMs: 0.1, startMs: 0, initMs: 0, durationMs: duration, billedMs: Math.ceil(duration), overheadMs: 0.7, maxMemoryMb: 40, cpuMs: duration / 2,
    requestBytes: 64, responseBytes: 128, memoryMb: 128,
    logs: `START RequestId: ${id}\nhandling ${words}\nEND RequestId: ${id}\nREPORT RequestId: ${id} Duration: ${duration.toFixed(2)} ms`,
  };
}

async function main() {
  let cleanup = async () => {};
  let config: { databaseUrl: string | undefined; dataDir: string };
  if (values.store === 'postgres') {
    const { default: postgres } = await import('postgres');
    const name = `stratus_bench_${randomBytes(4).toString('hex')}`;
    const admin = postgres(adminUrl, { max: 1, onnotice: () => undefined });
    await admin.unsafe(`CREATE DATABASE "${name}"`);
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    config = { databaseUrl: url.toString(), dataDir: os.tmpdir() };
    cleanup = async () => {
      const a = postgres(adminUrl, { max: 1, onnotice: () => undefined });
      await a.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await a.end();
    };
  } else {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'stratus-bench-pglite-'));
    config = { databaseUrl: undefined, dataDir: dir };
    cleanup = () => fs.rm(dir, { recursive: true, force: true });
  }
  const opened = await openDatabase(config);
  try {
    const store = new InvocationStore(opened.db, opened.copyIn);
    const t0 = performance.now();
    for (let i = 0; i < total; i += batchSize) {
      const rows = Array.from({ length: Math.min(batchSize, total - i) }, (_, k) => row(i + k));
      await store.insert(rows);
      if ((i / batchSize) % 50 === 0) process.stderr.write(`\rinserted ${i + rows.length} / ${total}`);
    }
    const insertSec = (performance.now() - t0) / 1000;
    process.stderr.write('\n');
    await opened.db.execute(sql`ANALYZE invocations`);
    const sizeRes = (await opened.db.execute(sql`SELECT pg_total_relation_size('invocations') AS total, pg_relation_size('invocations') AS heap, pg_indexes_size('invocations') AS indexes`)) as unknown;
    const size = (Array.isArray(sizeRes) ? sizeRes[0] : (sizeRes as { rows: unknown[] }).rows[0]) as { total: number; heap: number; indexes: number };
    const mid = new Date(now - span / 2);
    const queries: [string, InvocationFilter][] = [
      ['newest 50', {}],
      ['function, newest 50', { function: 'fn-7' }],
      ['status function_error', { status: 'function_error' }],
      ['status timeout,oom', { status: 'timeout,oom' }],
      ['function + status + 1 h window', { function: 'fn-7', status: 'ok', from: new Date(mid.getTime() - 3_600_000).toISOString(), to: mid.toISOString() }],
      ['1 h window', { from: new Date(mid.getTime() - 3_600_000).toISOString(), to: mid.toISOString() }],
      ['agent', { agentId: 'agent-2' }],
      ['text search "thumbnail resize"', { search: '"thumbnail resize"' }],
      ['text search in errors "invalid literal"', { search: 'invalid literal' }],
      ['search + function', { search: 'invoice', function: 'fn-3' }],
      ['limit 1000', { limit: 1000 }],
    ];
    const someId = (await store.list({ limit: 1, from: mid.toISOString() }))[0]?.id;
    queries.push(['request id', { requestId: someId }]);
    const results: { query: string; rows: number; medianMs: number; maxMs: number }[] = [];
    for (const [label, filter] of queries) {
      const times: number[] = [];
      let n = 0;
      for (let k = 0; k < 7; k++) {
        const s = performance.now();
        n = (await store.list(filter)).length;
        times.push(performance.now() - s);
      }
      times.sort((a, b) => a - b);
      results.push({ query: label, rows: n, medianMs: Math.round(times[3] * 100) / 100, maxMs: Math.round(times[6] * 100) / 100 });
    }
    const mb = (b: number) => `${(Number(b) / 1024 / 1024).toFixed(0)} MB`;
    console.log(`store: ${opened.driver}; records: ${total}; insert: ${insertSec.toFixed(1)} s (${Math.round(total / insertSec)} records/s, batches of ${batchSize})`);
    console.log(`size on disk: ${mb(size.total)} (table ${mb(size.heap)}, indexes ${mb(size.indexes)})`);
    console.table(results);
    const pruneStart = performance.now();
    const pruned = await store.prune(new Date(now - span + span / 7));
    console.log(`prune of the oldest day: ${pruned} records in ${((performance.now() - pruneStart) / 1000).toFixed(1)} s`);
  } finally {
    await opened.close();
    await cleanup();
  }
}

await main();
