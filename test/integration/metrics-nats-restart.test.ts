// NATS restarted in the middle of a load loses nothing, end to end: two agents' telemetry keep
// recording while the nats-server is down (their outboxes hold the records), and once it is back the
// control plane stores every record once and its roll-ups count every invocation exactly once. The
// consumers are arranged as the control plane arranges them: the records consumer folds the batches
// it stores into the roll-ups (sharedInvocations).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { NatsConnection } from 'nats';
import { promisify } from 'node:util';
import { connectNats, createLogger, loadConfig, type GaugeEvent } from '@stratus/common';
import { startTestNatsServer, type TestNatsServer } from '@stratus/common/testing/nats-server.ts';
import { makeInvocationEvent } from '@stratus/common/testing/invocation-events.ts';
import { openDatabase, type OpenedDatabase } from '../../control-plane/src/store/db';
import { sql } from 'drizzle-orm';
import { startMetrics, type MetricsModule } from '../../control-plane/src/metrics/index';
import { startInvocationRecordsConsumer, type InvocationRecordsConsumer } from '../../control-plane/src/consumers/invocation-records';
import { InvocationStore, resultRows } from '../../control-plane/src/store/invocations-repo';
import { createAgentTelemetry, type AgentTelemetry } from '../../node-agent/src/metrics/index';

const logger = createLogger('test');
logger.level = process.env.G_DEBUG ? 'trace' : 'error';

const gauges = (): Omit<GaugeEvent, 'schema' | 'agentId' | 'at'> => ({
  containers: [], memoryUsedMb: 0, memoryBudgetMb: 1024, queued: 0, running: 0, hostCpuPercent: 0, hostMemoryUsedMb: 0, hostMemoryTotalMb: 1,
});

async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs = 60_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`${what} not met in time`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function summary(metrics: MetricsModule, req: object): Promise<any> {
  const fn = metrics.handlers.GetSummary as unknown as (call: { request: object }, cb: (err: unknown, res?: unknown) => void) => void;
  return promisify((r: object, cb: (err: unknown, res?: unknown) => void) => fn({ request: r }, cb))(req);
}

describe('NATS restarted mid-load', () => {
  let nats: TestNatsServer;
  let nc: NatsConnection;
  let tmp: string;
  let opened: OpenedDatabase;
  let metrics: MetricsModule;
  let store: InvocationStore;
  let records: InvocationRecordsConsumer;
  const agents: AgentTelemetry[] = [];

  before(async () => {
    nats = await startTestNatsServer();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stratus-g-restart-'));
    const config = loadConfig({ natsUrl: nats.url, agentMetricsPort: 0, dataDir: tmp, databaseUrl: undefined });
    nc = await connectNats(nats.url, { reconnectTimeWait: 250 });
    opened = await openDatabase(config);
    metrics = await startMetrics({ db: opened.db, nats: nc, config, logger, flushIntervalMs: 250, ackWaitMs: 3_000, sharedInvocations: true });
    store = new InvocationStore(opened.db, opened.copyIn);
    records = await startInvocationRecordsConsumer({ nc, invocations: store, logger, ackWaitMs: 3_000, rollups: metrics.invocationRollups });
    for (const id of ['agent-a', 'agent-b']) agents.push(await createAgentTelemetry({ config, agentId: id, logger, sampleGauges: gauges }));
  });

  after(async () => {
    for (const a of agents) await a.close();
    await records?.close();
    await metrics?.close();
    await nc?.close();
    await opened?.close();
    await nats?.dispose();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('stores and counts every invocation recorded before, during and after the outage exactly once', async () => {
    const from = new Date(Date.now() - 60_000).toISOString();
    let sent = 0;
    let stop = false;
    const load = (async () => {
      while (!stop) {
        for (let i = 0; i < 10; i++) {
          const agentId = i % 2 ? 'agent-b' : 'agent-a';
          // two in three quiet (kept in chunks), the others rows
          const quiet = i % 3 !== 0 ? { status: 'ok', logs: '' } : {};
          agents[i % 2].recordInvocation(makeInvocationEvent({ agentId, function: 'load', durationMs: 2 + (i % 5), ...quiet }));
          sent++;
        }
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    await waitFor(() => agents.every((a) => a.stats().published > 200), 30_000, 'publishing before the outage');
    await nats.stop();
    const atStop = sent;
    await waitFor(() => sent > atStop + 1000, 30_000, 'load during the outage');
    await nats.start();
    await new Promise((r) => setTimeout(r, 1500));
    stop = true;
    await load;
    await waitFor(() => agents.every((a) => a.stats().held === 0), 60_000, 'agents drained their outboxes');
    const to = new Date(Date.now() + 60_000).toISOString();
    await waitFor(async () => (await summary(metrics, { from, to })).total.invocations >= sent, 20_000, 'roll-ups caught up').catch(async (err) => {
      console.error('DEBUG', sent, (await summary(metrics, { from, to })).total.invocations, JSON.stringify(metrics.consumers.map((c) => c.stats)));
      throw err;
    });
    await new Promise((r) => setTimeout(r, 1000));
    const res = await summary(metrics, { from, to, groupBy: 'agent' });
    assert.equal(res.total.invocations, sent);
    assert.equal(res.rows.find((r: any) => r.key === 'agent-a').invocations, sent / 2);
    assert.ok(agents.every((a) => a.stats().dropped === 0));
    // every record stored once: as a row or in a chunk (quiet), none twice
    const [stored] = resultRows(await opened.db.execute(sql`SELECT (SELECT count(*) FROM invocations WHERE function = 'load')::int
      + (SELECT coalesce(sum(count), 0) FROM invocation_chunks WHERE 'load' = ANY(functions))::int AS n`));
    assert.equal(stored.n, sent);
    assert.equal(records.stats.stored, sent, 'the records consumer counted each once');
  });
});
