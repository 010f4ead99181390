// The metrics pipeline with the real pieces, no Docker: two agents' telemetry (createAgentTelemetry)
// publish a known sequence to a private nats-server; the control plane's metrics module (PGlite)
// rolls it up behind a real gRPC MetricsService; a gateway app serves /metrics, the REST queries and
// the live stream; a real Prometheus server scrapes the agents and the gateway, and its query API
// must agree with Stratus's own counts. `promtool check metrics` checks both exposition outputs.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import type { NatsConnection } from 'nats';
import * as grpc from '@grpc/grpc-js';
import { proto, type MetricsServiceClient } from '@stratus/proto';
import { bindServer, connectNats, createClient, createLogger, createServer, loadConfig, shutdownServer, type GaugeEvent, type InvocationEvent } from '@stratus/common';
import { freePort, startTestNatsServer, type TestNatsServer } from '@stratus/common/testing/nats-server.ts';
import { makeInvocationEvent } from '@stratus/common/testing/invocation-events.ts';
import { openDatabase, type OpenedDatabase } from '../../control-plane/src/store/db';
import { startMetrics, type MetricsModule } from '../../control-plane/src/metrics/index';
import { createAgentTelemetry, type AgentTelemetry } from '../../node-agent/src/metrics/index';
import { registerMetricsRoutes, type GatewayMetrics } from '../../http-gateway/src/metrics/index';
import { registerLiveRoutes } from '../../http-gateway/src/live/index';
import { followLive } from '../../http-gateway/src/live/client';

const logger = createLogger('test');
logger.level = 'warn';

const gauges = (): Omit<GaugeEvent, 'schema' | 'agentId' | 'at'> => ({
  containers: [{ backend: 'docker', runtime: 'python3.11', state: 'warm', count: 1 }],
  memoryUsedMb: 128,
  memoryBudgetMb: 1024,
  queued: 0,
  running: 0,
  hostCpuPercent: 5,
  hostMemoryUsedMb: 1000,
  hostMemoryTotalMb: 2000,
  backendOverheadMb: { docker: 0.5, gvisor: 14 },
});

async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs = 30_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`${what} not met in time`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function getJson(url: string): Promise<any> {
  const res = await fetch(url);
  return { status: res.status, body: await res.json() };
}

describe('metrics pipeline: agents → NATS → roll-ups, gateway, live stream, Prometheus', () => {
  let nats: TestNatsServer;
  let nc: NatsConnection;
  let tmp: string;
  let opened: OpenedDatabase;
  let metrics: MetricsModule;
  let grpcServer: grpc.Server;
  let client: MetricsServiceClient;
  let app: FastifyInstance;
  let gwMetrics: GatewayMetrics;
  let gatewayUrl: string;
  const agents: AgentTelemetry[] = [];
  let prometheus: ChildProcess | undefined;
  let promUrl = '';
  const sent: InvocationEvent[] = [];

  before(async () => {
    nats = await startTestNatsServer();
    nc = await connectNats(nats.url);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stratus-g-pipeline-'));
    const config = loadConfig({ natsUrl: nats.url, agentMetricsPort: 0, gatewayPort: 0, dataDir: tmp, databaseUrl: undefined });
    opened = await openDatabase(config);
    metrics = await startMetrics({ db: opened.db, nats: nc, config, logger, flushIntervalMs: 200 });
    grpcServer = createServer();
    grpcServer.addService(proto.MetricsService.service, metrics.handlers as grpc.UntypedServiceImplementation);
    const grpcPort = await bindServer(grpcServer, '127.0.0.1:0');
    client = createClient(proto.MetricsService, `127.0.0.1:${grpcPort}`);

    for (const id of ['agent-a', 'agent-b']) agents.push(await createAgentTelemetry({ config, agentId: id, logger, sampleGauges: gauges, gaugeIntervalMs: 300 }));

    app = Fastify();
    // a stand-in for the invoke route: answers with the X-Stratus-* headers the real one sets
    app.post('/function/:name', async (req, reply) => {
      await new Promise((r) => setTimeout(r, 3));
      reply.headers({ 'x-stratus-request-id': `req-${Math.random()}`, 'x-stratus-cold-start': 'false', 'x-stratus-duration-ms': '1.50', 'x-stratus-backend': 'docker', 'x-stratus-agent': 'agent-a' });
      return { ok: true };
    });
    gwMetrics = registerMetricsRoutes(app, { config, metricsClient: client, nats: nc, overheadFlushMs: 200 });
    registerLiveRoutes(app, { nats: nc, logger });
    await app.listen({ host: '127.0.0.1', port: 0 });
    gatewayUrl = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  });

  after(async () => {
    if (prometheus && prometheus.exitCode === null) {
      const p = prometheus;
      await new Promise<void>((resolve) => {
        p.once('exit', () => resolve());
        p.kill('SIGTERM');
      });
    }
    await app?.close();
    for (const a of agents) await a.close();
    client && (client as unknown as grpc.Client).close();
    if (grpcServer) await shutdownServer(grpcServer, 1000);
    await metrics?.close();
    await nc?.close();
    await opened?.close();
    await nats?.dispose();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('delivers one live event per invocation, in batches, and counts every invocation in the roll-ups', async () => {
    const ac = new AbortController();
    const received = new Set<string>();
    let batches = 0;
    const follower = (async () => {
      for await (const batch of followLive(gatewayUrl, { types: ['invocation'], signal: ac.signal })) {
        batches++;
        for (const e of batch.invocations) received.add(e.id);
      }
    })();
    await new Promise((r) => setTimeout(r, 300)); // let the stream subscribe
    for (let i = 0; i < 300; i++) {
      const agent = agents[i % 2];
      const e = makeInvocationEvent({
        agentId: i % 2 ? 'agent-b' : 'agent-a',
        function: i % 3 ? 'echo' : 'hello',
        durationMs: 1 + (i % 50),
        coldStart: i < 4,
        status: i % 25 === 0 ? 'function_error' : 'ok',
        errorType: i % 25 === 0 ? 'Handled' : '',
      });
      sent.push(e);
      agent.recordInvocation(e);
    }
    await waitFor(() => received.size >= sent.length, 20_000, 'all live events');
    ac.abort();
    await follower;
    assert.deepEqual([...received].sort(), sent.map((e) => e.id).sort());
    assert.ok(batches < sent.length / 5, `events arrive batched (${batches} batches)`);

    await waitFor(async () => {
      const r = await getJson(`${gatewayUrl}/api/v1/metrics/summary?groupBy=agent`);
      return r.body.total?.invocations === sent.length;
    }, 20_000, 'roll-ups caught up');
    const byAgent = await getJson(`${gatewayUrl}/api/v1/metrics/summary?groupBy=agent`);
    assert.equal(byAgent.status, 200);
    assert.equal(byAgent.body.rows.find((r: any) => r.key === 'agent-a').invocations, 150);
    assert.equal(byAgent.body.total.errors, 12);
    assert.equal(byAgent.body.total.coldStarts, 4);
  });

  it('serves series and cost over REST, and answers bad input with 400 naming the field', async () => {
    const series = await getJson(`${gatewayUrl}/api/v1/metrics/series?metric=invocations&step=60`);
    assert.equal(series.status, 200);
    assert.equal(series.body.values.reduce((a: number, b: number) => a + b, 0), sent.length);
    const cost = await getJson(`${gatewayUrl}/api/v1/metrics/cost`);
    assert.equal(cost.status, 200);
    assert.ok(cost.body.rows.length >= 2);
    assert.equal(cost.body.rows[0].overheadMb, 0.5); // from the agents' gauges
    const bad = await getJson(`${gatewayUrl}/api/v1/metrics/series?metric=bogus`);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'INVALID_ARGUMENT');
    assert.match(bad.body.error.message, /metric/);
    const badStep = await getJson(`${gatewayUrl}/api/v1/metrics/series?metric=p99&step=7`);
    assert.equal(badStep.status, 400);
    const notAStep = await getJson(`${gatewayUrl}/api/v1/metrics/series?metric=p99&step=10ms`);
    assert.equal(notAStep.status, 400);
    assert.match(notAStep.body.error.message, /step: must be whole seconds \(60\) or a duration like 10s/);
    const minute = await getJson(`${gatewayUrl}/api/v1/metrics/series?metric=invocations&step=1m`);
    assert.equal(minute.status, 200, JSON.stringify(minute.body));
    assert.equal(minute.body.stepSec, 60);
    const badLive = await fetch(`${gatewayUrl}/api/v1/live?types=nope`);
    assert.equal(badLive.status, 400);
  });

  it('measures gateway invocations and their overhead, and the overhead reaches the roll-ups', async () => {
    for (let i = 0; i < 20; i++) {
      const res = await fetch(`${gatewayUrl}/function/echo`, { method: 'POST', body: '{}' });
      assert.equal(res.status, 200);
    }
    const text = await (await fetch(`${gatewayUrl}/metrics`)).text();
    assert.match(text, /stratus_gateway_invocations_total\{function="echo",backend="docker",code="200",start="warm"\} 20/);
    assert.match(text, /stratus_gateway_overhead_seconds_count\{backend="docker"\} 20/);
    assert.match(text, /stratus_gateway_http_requests_total\{method="POST",route="\/function\/:name",code="200"\} 20/);
    execFileSync('promtool', ['check', 'metrics'], { input: text });
    await waitFor(async () => {
      const r = await getJson(`${gatewayUrl}/api/v1/metrics/series?metric=overhead_avg&function=echo&step=60`);
      return r.body.values.some((v: number) => v > 1);
    }, 20_000, 'overhead in the roll-ups');
  });

  it('passes promtool on the agent /metrics and a real Prometheus agrees with Stratus', async () => {
    const agentText = await (await fetch(`http://127.0.0.1:${agents[0].metricsPort}/metrics`)).text();
    execFileSync('promtool', ['check', 'metrics'], { input: agentText });

    const promPort = await freePort();
    const dir = fs.mkdtempSync(path.join(tmp, 'prom-'));
    const gw = new URL(gatewayUrl);
    fs.writeFileSync(
      path.join(dir, 'prometheus.yml'),
      [
        'global:',
        '  scrape_interval: 1s',
        'scrape_configs:',
        '  - job_name: stratus-agents',
        '    static_configs:',
        `      - targets: ['127.0.0.1:${agents[0].metricsPort}', '127.0.0.1:${agents[1].metricsPort}']`,
        '  - job_name: stratus-gateway',
        '    static_configs:',
        `      - targets: ['${gw.host}']`,
        '',
      ].join('\n'),
    );
    execFileSync('promtool', ['check', 'config', path.join(dir, 'prometheus.yml')]);
    prometheus = spawn('prometheus', [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
    ], { stdio: 'ignore' });
    promUrl = `http://127.0.0.1:${promPort}`;
    const query = async (q: string): Promise<number | undefined> => {
      try {
        const r = await getJson(`${promUrl}/api/v1/query?query=${encodeURIComponent(q)}`);
        const v = r.body?.data?.result?.[0]?.value?.[1];
        return v === undefined ? undefined : Number(v);
      } catch {
        return undefined;
      }
    };
    const stratus = (await getJson(`${gatewayUrl}/api/v1/metrics/summary?groupBy=function`)).body;
    await waitFor(async () => (await query('sum(stratus_invocations_total)')) === stratus.total.invocations, 30_000, 'Prometheus scrape');
    assert.equal(await query('sum(stratus_invocations_total)'), sent.length);
    assert.equal(await query('sum(stratus_invocations_total{status="function_error"})'), stratus.total.errors);
    assert.equal(await query('sum(stratus_cold_starts_total)'), stratus.total.coldStarts);
    const hello = stratus.rows.find((r: any) => r.key === 'hello');
    assert.equal(await query('sum(stratus_invocations_total{function="hello"})'), hello.invocations);
    assert.equal(await query('sum by (agent) (stratus_containers{state="warm"})'), 1);
    await waitFor(async () => (await query('sum(stratus_gateway_invocations_total)')) === 20, 15_000, 'gateway scrape');
  });
});
