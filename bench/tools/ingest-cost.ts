// What storing invocation records costs, with no invocations around: starts a control plane on a
// database of its own (PostgreSQL on 127.0.0.1, or its embedded PGlite) and a NATS server of its
// own, publishes N no-op records as agents do (compact batches of 256) with their gateway overheads
// in them, waits until the records and the roll-ups are all stored, and prints the CPU per record of
// the control plane, the database's backends and NATS. Removes its database and NATS server after.
//   npx tsx bench/tools/ingest-cost.ts [records=100000]
//   STRATUS_OVERHEAD_EVENTS=1 ...: the overheads as OverheadEvents of their own instead (what a
//   gateway publishes when it cannot send them back to the agent; before 2026-12-07 every one)
//   STRATUS_BENCH_PGLITE=1 ...: the control plane's embedded PGlite (npm start's default store), whose
//   CPU is the control plane's own
//   STRATUS_PROFILE=1 ...: also writes a V8 profile of the control plane to /tmp/ingest-profile/
// The ingest gate is off (STRATUS_INGEST_DEFER_MS=0): this measures storing, not when it happens.
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connect, headers } from 'nats';
import { encodeInvocationBatch, ensureInvocationStream, ensureMetricsStream, INVOCATIONS_STREAM, METRICS_STREAM, OverheadRows, SUBJECTS, type InvocationEvent } from '@stratus/common';
import { freePorts, startTestNatsServer } from '../../common/src/testing/nats-server';
import { databaseBackends, dropPostgresDatabase, ingestionBacklog, postgresDatabase, processCpuMs } from '../src/platform';

const N = Number(process.argv[2] ?? 100_000);
if (!Number.isInteger(N) || N < 1) throw new Error(`records: ${process.argv[2]} is not a positive integer`);
const BATCH = 256;
const overheadEvents = process.env.STRATUS_OVERHEAD_EVENTS === '1';
const OVERHEAD_MS = 0.412;
const profile = process.env.STRATUS_PROFILE === '1';
const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const db = `stratus_ingest_cost_${process.pid}`;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratus-ingest-cost-'));
const psql = (database: string, command: string) =>
  execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', database, '-tAc', command], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const pglite = process.env.STRATUS_BENCH_PGLITE === '1';
const databaseUrl = await postgresDatabase(db);
if (!databaseUrl && !pglite) throw new Error(`could not create database ${db} on PostgreSQL at 127.0.0.1:5432`);
const nats = await startTestNatsServer(undefined, { detached: true });
const [controlPort] = await freePorts(1);
const cp = spawn(
  process.execPath,
  [...(profile ? ['--import', path.join(repoRoot, 'bench/tools/cpu-profile.mjs')] : []), '--import', 'tsx', 'control-plane/src/main.ts'],
  {
    cwd: repoRoot,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env, DATABASE_URL: databaseUrl ?? '', NATS_URL: nats.url, STRATUS_CONTROL_PORT: String(controlPort),
      STRATUS_INGEST_DEFER_MS: '0', STRATUS_LOG_LEVEL: 'warn', STRATUS_DATA_DIR: dataDir, STRATUS_PROFILE_DIR: '/tmp/ingest-profile',
    },
  },
);
if (profile) fs.mkdirSync('/tmp/ingest-profile', { recursive: true });

try {
  const nc = await connect({ servers: nats.url });
  await ensureInvocationStream(nc);
  await ensureMetricsStream(nc);
  const jsm = await nc.jetstreamManager();
  // ready when the control plane has migrated and made its consumers
  for (let i = 0; ; i++) {
    // (the records consumer on the invocations; the roll-ups' and the overheads' on the metrics)
    let invocationConsumers = 0;
    let metricsConsumers = 0;
    for await (const _ of jsm.consumers.list(INVOCATIONS_STREAM)) invocationConsumers++;
    for await (const _ of jsm.consumers.list(METRICS_STREAM)) metricsConsumers++;
    if (invocationConsumers >= 1 && metricsConsumers >= 2) break;
    if (i > 200) throw new Error('the control plane did not start its consumers within 60 s');
    await sleep(300);
  }
  await sleep(1_000);

  // every message is built before the clock starts
  const enc = new TextEncoder();
  const messages: { subject: string; data: Uint8Array }[] = [];
  let t = Date.now();
  for (let i = 0; i < N; i += BATCH) {
    const events: InvocationEvent[] = [];
    const overheads = new OverheadRows();
    for (let j = 0; j < BATCH && i + j < N; j++) {
      t += 0.3;
      const id = randomUUID();
      events.push({
        schema: 1, id, function: 'noop-py', version: 1, agentId: 'agent-a', backend: 'docker', runtime: 'python3.11', status: 'ok', errorType: '', errorMessage: '',
        coldStart: false, startedAt: new Date(t).toISOString(), endedAt: new Date(t + 1).toISOString(), queueMs: 0.012, startMs: 0, initMs: 0, durationMs: 0.734,
        billedMs: 1, overheadMs: overheadEvents ? 0 : OVERHEAD_MS, maxMemoryMb: 21, cpuMs: 0.61, requestBytes: 2, responseBytes: 4, memoryMb: 1769, logs: '', logsTruncated: false, logsBare: true,
      });
      if (overheadEvents) overheads.add(id, 'noop-py', 'docker', 'agent-a', OVERHEAD_MS, 1.146, Math.floor(t + 1));
    }
    messages.push({ subject: SUBJECTS.invocation('agent-a'), data: enc.encode(JSON.stringify(encodeInvocationBatch(events))) });
    if (overheadEvents) for (const o of overheads.take('gateway-a', randomUUID, 2_000)) messages.push({ subject: SUBJECTS.overhead('gateway-a'), data: enc.encode(JSON.stringify(o)) });
  }

  const cpu = async () => ({
    controlPlane: processCpuMs(cp.pid),
    postgres: pglite ? 0 : (await databaseBackends(db)).reduce((ms, pid) => ms + processCpuMs(pid), 0),
    nats: processCpuMs(nats.pid),
  });
  if (profile) cp.kill('SIGUSR2');
  const before = await cpu();
  const started = Date.now();
  const js = nc.jetstream();
  for (const m of messages) {
    const h = headers();
    h.set('Stratus-Schema', '2');
    await js.publish(m.subject, m.data, { headers: h, msgID: randomUUID() });
  }
  // stored: every record and overhead in the tables, and nothing left unacknowledged by any consumer
  // (PGlite lives inside the control plane: there, a consumer acknowledges a message once stored)
  for (;;) {
    const stored = pglite ? (overheadEvents ? 2 : 1) * N : Number(psql(db, 'SELECT (SELECT count(*) FROM invocations) + (SELECT coalesce(sum(count), 0) FROM invocation_chunks) + (SELECT count(*) FROM invocation_overheads)'));
    if (stored >= (overheadEvents ? 2 : 1) * N && (await ingestionBacklog(nats.url)) === 0) break;
    await sleep(200);
  }
  const after = await cpu();
  if (profile) {
    cp.kill('SIGUSR2');
    await sleep(1_500);
  }
  const perRecord = (k: keyof typeof before) => (((after[k] - before[k]) * 1000) / N).toFixed(1);
  console.log(`${N} records (their overheads ${overheadEvents ? 'as events of their own' : 'in them'}) stored in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (pglite) {
    console.log(`CPU µs per record: control plane with its PGlite ${perRecord('controlPlane')}, NATS ${perRecord('nats')} (publishing included)`);
  } else {
    console.log(`CPU µs per record: control plane ${perRecord('controlPlane')}, PostgreSQL ${perRecord('postgres')}, NATS ${perRecord('nats')} (publishing included)`);
    console.log(`on disk: ${psql(db, "SELECT pg_size_pretty(pg_total_relation_size('invocations') + pg_total_relation_size('invocation_chunks')) || ' records, ' || pg_size_pretty(pg_total_relation_size('invocation_overheads')) || ' overheads'")}`);
  }
  await nc.close();
} finally {
  cp.kill('SIGTERM');
  await new Promise((r) => (cp.exitCode === null ? cp.once('exit', r) : r(undefined)));
  await nats.stop();
  if (databaseUrl) await dropPostgresDatabase(db);
  fs.rmSync(dataDir, { recursive: true, force: true });
}
