// Measurement (not part of `npm test`): a million invocation records in a fresh PostgreSQL database
// (or PGlite with --pglite), then the disk size and the time of the list queries the API makes
// (InvocationStore.list: function / status / time filters, and the logs search). Half the functions
// (fn-0 to fn-24) log, so their records are rows of `invocations`; the others are quiet, and their
// records that succeeded are kept in chunks (invocation_chunks), stored as the records consumer
// stores them: a message of up to 256 records of one agent a chunk, in the compact wire form.
//   node --import tsx control-plane/test/invocations-scale.measure.ts [--pglite] [--rows 1000000] [--keep | --url URL]
// A logging function's logs hold 24 words w0..w1999 drawn log-uniformly (word k is about 1/(7.6 (k+1)) of the draws), so
// the search covers frequent (w1: most records), mid-frequency (w20, w200) and rare words (w1500);
// two words only in old records: "stormrare" (1 in 20 records of one hour 21 h ago) and "stormold"
// (1 in 2 records of the hour before).
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { decodeInvocationBatchMs, encodeInvocationBatch, type InvocationEvent } from '@stratus/common';
import { eventToRow, InvocationStore, resultRows, type InvocationMessage } from '../src/store/invocations-repo';
import { splitQuietRows } from '../src/store/wire-chunks';
import { arg, loadLine, openMeasureDb, timeIt as time } from './scale-measure-lib';

const target = Number(arg('--rows') ?? 1_000_000);

async function main() {
  const m = await openMeasureDb('stratus-inv-scale');
  const { opened, reuse, now } = m;
  const db = opened.db;
  const store = new InvocationStore(db, opened.copyIn);
  const one = async (q: ReturnType<typeof sql>) => resultRows(await db.execute(q))[0] as Record<string, number>;
  try {
    // 24 h of records ending now: 50 functions, 2 agents, 2 backends, 2% function errors, 0.5% timeouts
    const t0 = performance.now();
    const chunk = 50_000;
    for (let start = 0; !reuse && start < target; start += chunk) {
      const end = Math.min(target, start + chunk) - 1;
      // search_vector as InvocationStore.insert sets it: the error's and the function's words, not
      // the START / END lines around them
      await db.execute(sql`
        insert into invocations (id, function, version, agent_id, backend, runtime, status, error_type, error_message, cold_start,
          started_at, ended_at, duration_ms, billed_ms, max_memory_mb, cpu_ms, memory_mb, logs, search_vector)
        select id, fn, 1, agent, backend, 'python3.11', status, error_type, error_message, cold, started_at, ended_at, 12, 12, 40, 8, 128,
          'START ' || id || E'\\n' || words || E'\\nEND', to_tsvector('simple', error_type || ' ' || error_message || ' ' || words)
        from (
          select md5(g::text || 'r') as id, 'fn-' || (g % 50) as fn, 'agent-' || (g % 2) as agent,
            case when g % 7 = 0 then 'gvisor' else 'docker' end as backend,
            case when g % 200 = 0 then 'timeout' when g % 50 = 0 then 'function_error' else 'ok' end as status,
            case when g % 200 = 0 then 'Sandbox.Timedout' when g % 50 = 0 then 'ValueError' else '' end as error_type,
            case when g % 50 = 0 then 'bad input ' || (g % 13) else '' end as error_message,
            g % 20 = 0 as cold,
            to_timestamp((${sql.raw(String(now))}::float8 - 86400000 + (g::float8 * 86400000 / ${sql.raw(String(target))})) / 1000) as started_at,
            to_timestamp((${sql.raw(String(now))}::float8 - 86400000 + (g::float8 * 86400000 / ${sql.raw(String(target))}) + 12) / 1000) as ended_at,
            (
              select string_agg('w' || (floor(exp(random() * ln(2001))) - 1 + 0 * k)::int, ' ')
              from generate_series(1, 24 + 0 * g) k
            ) || case when g * 24 / ${sql.raw(String(target))} = 3 and g % 20 = 0 then ' stormrare'
                      when g * 24 / ${sql.raw(String(target))} = 2 and g % 2 = 0 then ' stormold' else '' end as words
          from generate_series(${sql.raw(String(start))}, ${sql.raw(String(end))}) g
          where g % 50 < 25 or g % 50 = 0
        ) r where status <> 'ok' or fn in (${sql.raw(Array.from({ length: 25 }, (_, i) => `'fn-${i}'`).join(', '))})`);
    }
    // the quiet functions' successes, in chunks: each agent's records in messages of 256, kept as
    // the records consumer keeps a compact batch (wire-chunks.ts)
    const messages: InvocationMessage[] = [];
    const pending: InvocationEvent[][] = [[], []];
    const message = (events: InvocationEvent[]): InvocationMessage => {
      const batch = encodeInvocationBatch(events);
      const { chunk, rest } = splitQuietRows(batch, Buffer.from(JSON.stringify(batch)));
      return { rows: rest ? decodeInvocationBatchMs(rest).events.map(eventToRow) : [], chunk };
    };
    for (let g = 0; !reuse && g < target; g++) {
      if (g % 50 < 25 || g % 200 === 0 || g % 50 === 0) continue; // logging functions, and errors and timeouts (rows)
      const startedAt = now - 86_400_000 + (g * 86_400_000) / target;
      const agent = pending[g % 2];
      agent.push({
        schema: 1, id: createHash('md5').update(`${g}r`).digest('hex'), function: `fn-${g % 50}`, version: 1, agentId: `agent-${g % 2}`,
        backend: g % 7 === 0 ? 'gvisor' : 'docker', runtime: 'python3.11', status: 'ok', errorType: '', errorMessage: '', coldStart: g % 20 === 0,
        startedAt: new Date(startedAt).toISOString(), endedAt: new Date(startedAt + 12).toISOString(), queueMs: 0, startMs: 0, initMs: 0, durationMs: 12,
        billedMs: 12, overheadMs: 0, maxMemoryMb: 40, cpuMs: 8, requestBytes: 0, responseBytes: 0, memoryMb: 128, logs: '', logsTruncated: false, logsBare: true,
      });
      if (agent.length === 256) messages.push(message(pending[g % 2].splice(0)));
      if (messages.length === 8) await store.insertMessages(messages.splice(0));
    }
    for (const rest of pending) if (rest.length > 0) messages.push(message(rest));
    if (messages.length > 0) await store.insertMessages(messages);
    const loadSec = (performance.now() - t0) / 1000;
    await db.execute(sql`analyze invocations`);
    await db.execute(sql`analyze invocation_chunks`);
    const size = await one(sql`select count(*)::float8 as n, pg_total_relation_size('invocations')::float8 as total, pg_relation_size('invocations')::float8 as heap,
      pg_indexes_size('invocations')::float8 as indexes from invocations`);
    const chunks = await one(sql`select count(*)::float8 as n, coalesce(sum(count), 0)::float8 as records, pg_total_relation_size('invocation_chunks')::float8 as total from invocation_chunks`);
    const mib = (b: number) => (b / 1048576).toFixed(1);
    const all = size.n + chunks.records;
    console.log(`driver ${opened.driver}: ${all} records loaded in ${loadSec.toFixed(1)} s; ${mib(size.total + chunks.total)} MiB, ${((size.total + chunks.total) / all).toFixed(0)} B/record`);
    console.log(`  as rows: ${size.n} records, total ${mib(size.total)} MiB (heap ${mib(size.heap)} MiB, indexes ${mib(size.indexes)} MiB, TOAST and the rest ${mib(size.total - size.heap - size.indexes)} MiB; ${(size.total / size.n).toFixed(0)} B/record)`);
    console.log(`  in chunks: ${chunks.records} records in ${chunks.n} chunks, total ${mib(chunks.total)} MiB; ${(chunks.total / Math.max(1, chunks.records)).toFixed(0)} B/record`);
    const idx = resultRows(await db.execute(sql`select indexname as name, pg_relation_size(indexname::regclass)::float8 as bytes from pg_indexes where tablename = 'invocations' order by 1`));
    console.log('indexes: ' + idx.map((r) => `${r.name} ${mib(Number(r.bytes))} MiB`).join(', '));

    // how many records hold each probe word (the search's selectivity)
    const words = ['w1', 'w20', 'w200', 'w1500', 'stormrare', 'stormold'];
    for (const w of words) {
      const { n } = await one(sql`select count(*)::float8 as n from invocations where search_vector @@ to_tsquery('simple', ${w})`);
      console.log(`word ${w}: in ${n} records (${((100 * n) / size.n).toFixed(2)}%)`);
    }

    const hour = (h: number) => new Date(now - h * 3600_000).toISOString();
    const timeIt = (label: string, fn: () => Promise<unknown[]>) => time(label, fn, (rows) => `${rows.length} rows`);
    console.log(`median and max of ${arg('--runs') ?? 9} runs after one warm-up; ${loadLine()}`);
    await timeIt('newest 50, no filter', () => store.list({}));
    await timeIt('newest 50 of one function (logging: rows)', () => store.list({ function: 'fn-7' }));
    await timeIt('newest 50 of one function (quiet: chunks)', () => store.list({ function: 'fn-37' }));
    await timeIt('newest 50 ok of one quiet function, 1 h window 12 h ago', () => store.list({ function: 'fn-37', status: 'ok', from: hour(13), to: hour(12) }));
    await timeIt('newest 50 errors and timeouts (status filter)', () => store.list({ status: 'function_error,timeout' }));
    await timeIt('one function, status timeout, last 6 h', () => store.list({ function: 'fn-0', status: 'timeout', from: hour(6) }));
    await timeIt('one function, 1 h window 12 h ago, limit 1000', () => store.list({ function: 'fn-7', from: hour(13), to: hour(12), limit: 1000 }));
    await timeIt('one agent and backend, last 1 h', () => store.list({ agentId: 'agent-1', backend: 'gvisor', from: hour(1) }));
    await timeIt('newest 50 of one agent', () => store.list({ agentId: 'agent-1' }));
    await timeIt('one agent, 1 h window 12 h ago, limit 1000', () => store.list({ agentId: 'agent-0', from: hour(13), to: hour(12), limit: 1000 }));
    for (const w of words) await timeIt(`search "${w}"`, () => store.list({ search: w }));
    await timeIt('search "w200" in one function', () => store.list({ search: 'w200', function: 'fn-7' }));
    await timeIt('search "w1500" with status function_error', () => store.list({ search: 'w1500', status: 'function_error' }));
    await timeIt('search "w20 w200" (both words)', () => store.list({ search: 'w20 w200' }));
    await timeIt('search "ValueError" (error type), last 6 h', () => store.list({ search: 'ValueError', from: hour(6) }));
    await timeIt('search absent word "nosuchword"', () => store.list({ search: 'nosuchword' }));
    const idOf = (g: number) => createHash('md5').update(`${g}r`).digest('hex');
    const half = Math.floor(target / 2 / 50) * 50;
    await timeIt('get by id (a row)', async () => [await store.get(idOf(half + 7))]);
    await timeIt('get by id (in a chunk, 12 h ago)', async () => [await store.get(idOf(half + 37))]);
    await timeIt('get by id (in a chunk, newest hour)', async () => [await store.get(idOf(target - 50 + 37))]);
  } finally {
    await m.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
