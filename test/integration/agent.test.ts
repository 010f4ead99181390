// The node agent against the real Docker engine (runc and runsc) and the real control plane (PGlite,
// no NATS): pre-warmed containers, the pool refilling, warm reuse, limits and failures, the memory
// budget and the queue, keep-alive, leftovers of a dead agent, and warm calls while the control plane
// is down. One body per backend (STRATUS_TEST_BACKENDS or every backend the engine offers).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { call, createClient, createLogger, loadConfig, type StratusConfig } from '@stratus/common';
import { proto, type AgentServiceClient, type FunctionServiceClient, type FunctionSpec, type InvocationServiceClient, type InvokeResponse, type NodeStatus } from '@stratus/proto';
import { startControlPlane } from '../../control-plane/src/server';
import { startAgent, type RunningAgent } from '../../node-agent/src/server';
import { runtimeSocketRoot } from '../../node-agent/src/pool/warm-pool';
import { BOOT_CPUS, nanoCpusFor } from '../../node-agent/src/backends/backend';
import { FIXTURES, containersWithLabels, fixtureFiles, removeContainers, testBackends, type FixtureName } from '../harness/index';

const logger = createLogger('agent-it');
logger.level = process.env.STRATUS_LOG_LEVEL ?? 'warn';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type Ctor<T> = new (...a: ConstructorParameters<typeof grpc.Client>) => T;

/** A container's CFS quota (µs per period) from its cgroup v1 folder, found by the id's prefix. */
function cpuQuotaUs(idPrefix: string): number {
  const root = '/sys/fs/cgroup/cpu/docker';
  const dir = fs.readdirSync(root).find((d) => d.startsWith(idPrefix));
  assert.ok(dir, `cgroup of container ${idPrefix} under ${root}`);
  return Number(fs.readFileSync(path.join(root, dir, 'cpu.cfs_quota_us'), 'utf8').trim());
}
const shareQuotaUs = (memoryMb: number) => Math.round((nanoCpusFor(memoryMb, 1769, os.cpus().length) / 1e9) * 100_000);

async function until<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

function agentSuite(backend: string) {
  describe(`node agent on ${backend}`, { timeout: 600_000 }, () => {
    const id = randomUUID().slice(0, 8);
    const label = `stratus-agent-it-${id}`;
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stratus-agent-it-'));
    let control: Awaited<ReturnType<typeof startControlPlane>> | undefined;
    let base: StratusConfig;
    const agents: RunningAgent[] = [];
    let functions: FunctionServiceClient;
    const clients: grpc.Client[] = [];

    const agentConfig = async (n: string, over: Partial<StratusConfig>): Promise<StratusConfig> => ({
      ...base,
      agentId: `${label}-${n}`,
      agentPort: 0,
      agentAdvertiseAddress: '',
      functionNetwork: `${label}-net`,
      dataDir: path.join(tmp, n),
      ...over,
    });
    const start = async (n: string, over: Partial<StratusConfig> = {}) => {
      const agent = await startAgent(await agentConfig(n, over), { logger, telemetry: null, buildImages: false, runtimes: ['python3.11', 'nodejs20.x'] });
      agents.push(agent);
      const invocations = createClient(proto.InvocationService as unknown as Ctor<InvocationServiceClient>, `127.0.0.1:${agent.port}`);
      const status = createClient(proto.AgentService as unknown as Ctor<AgentServiceClient>, `127.0.0.1:${agent.port}`);
      clients.push(invocations, status);
      return {
        agent,
        invoke: (fn: string, event: unknown = {}) => call<object, InvokeResponse>(invocations, invocations.Invoke, { function: fn, payload: Buffer.from(JSON.stringify(event)) }),
        status: () => call<object, NodeStatus>(status, status.GetStatus, {}),
      };
    };
    const deploy = async (name: string, fixture: FixtureName, over: Record<string, unknown> = {}): Promise<FunctionSpec> =>
      call(functions, functions.CreateFunction, { name, runtime: FIXTURES[fixture].runtime, handler: FIXTURES[fixture].handler, files: fixtureFiles(fixture), backend, memoryMb: 128, ...over });
    const prewarmed = (s: NodeStatus, runtime: string) => s.containers.filter((c) => c.state === 'prewarmed' && c.runtime === runtime && c.backend === backend);
    const json = (r: InvokeResponse) => JSON.parse(r.payload.toString());

    before(async () => {
      base = loadConfig({
        host: '127.0.0.1',
        controlPort: 0,
        dataDir: path.join(tmp, 'control'),
        databaseUrl: undefined,
        containerLabel: label,
        backends: [backend],
        defaultBackend: backend,
        prewarmPerRuntime: 1,
        memoryBudgetMb: 4096,
        agentMetricsPort: 0,
        metricsEnabled: false,
      } as Partial<StratusConfig>);
      control = await startControlPlane(base, { logger, nats: null, metrics: false });
      base.controlAddress = `127.0.0.1:${control.port}`;
      functions = createClient(proto.FunctionService as unknown as Ctor<FunctionServiceClient>, base.controlAddress);
      clients.push(functions);
    });

    after(async () => {
      for (const c of clients) c.close();
      for (const a of agents) await a.close();
      await control?.close();
      const socketsLeft = agents.filter((a) => fs.existsSync(runtimeSocketRoot(a.id)));
      const left = await containersWithLabels([`stratus.managed=${label}`]);
      await removeContainers(left);
      try { execFileSync('docker', ['network', 'rm', `${label}-net`], { stdio: 'ignore' }); } catch { /* in use or gone */ }
      fs.rmSync(tmp, { recursive: true, force: true });
      assert.deepEqual(left, [], 'no container leaked');
      assert.deepEqual(socketsLeft, [], 'no Runtime API socket folder left');
    });

    it('serves a fresh function from a pre-warmed container, reports the cold start with its init time, and refills the pool', async () => {
      const a = await start('main');
      const ready = await until('a pre-warmed python container', async () => {
        const s = await a.status();
        return prewarmed(s, 'python3.11').length >= 1 && s;
      });
      const stemCell = prewarmed(ready, 'python3.11')[0].id;
      // Booted with one core (BOOT_CPUS), kept through the function's init; 128 MB's share once invoked.
      assert.equal(cpuQuotaUs(stemCell), shareQuotaUs(1769 * BOOT_CPUS), 'a ready stem cell keeps the boot allowance');
      await deploy(`counter-${id}`, 'py-counter');

      const first = await a.invoke(`counter-${id}`);

      assert.equal(first.status, 'ok');
      assert.equal(first.coldStart, true);
      assert.ok(first.initMs > 0, 'init time reported');
      assert.equal(first.backend, backend);
      const after1 = await a.status();
      assert.equal(after1.containers.find((c) => c.id === stemCell)?.function, `counter-${id}`, 'the pre-warmed container became the function');
      assert.equal(cpuQuotaUs(stemCell), shareQuotaUs(128), 'the function runs at its memory\'s CPU share');
      await until('the pool refilled', async () => prewarmed(await a.status(), 'python3.11').length >= 1);
    });

    it('reuses the warm container: module state persists and the second call is not a cold start', async () => {
      const a = (await start('warm'));
      await deploy(`ncount-${id}`, 'node-counter');
      const first = await a.invoke(`ncount-${id}`);
      const second = await a.invoke(`ncount-${id}`);
      assert.equal(second.coldStart, false);
      assert.ok(JSON.stringify(json(second)) !== JSON.stringify(json(first)), 'the counter grew');
    });

    it('ends a call at its timeout, destroys the container, and gives the next call a fresh one', async () => {
      const a = await start('timeout', { prewarmPerRuntime: 0 });
      await deploy(`sleep-${id}`, 'py-sleep', { timeoutSec: 1 });
      const slow = await a.invoke(`sleep-${id}`, { seconds: 5 });
      assert.equal(slow.status, 'timeout');
      assert.equal(slow.errorMessage, 'Task timed out after 1.00 seconds');
      const next = await a.invoke(`sleep-${id}`, { seconds: 0 });
      assert.equal(next.status, 'ok');
      assert.equal(next.coldStart, true);
    });

    it('reports out of memory when the function outgrows its limit, and replaces the container', async () => {
      const a = await start('oom', { prewarmPerRuntime: 0 });
      await deploy(`hog-${id}`, 'py-memhog');
      const r = await a.invoke(`hog-${id}`, { hog: true, mb: 400 });
      assert.equal(r.status, 'oom', `${r.status} ${r.errorType} ${r.errorMessage}`);
      assert.equal(r.errorType, 'Runtime.OutOfMemory');
      const next = await a.invoke(`hog-${id}`, {});
      assert.equal(next.status, 'ok');
    });

    it('reports an exit during an invocation as Runtime.ExitError', async () => {
      const a = await start('exit', { prewarmPerRuntime: 0 });
      await deploy(`exit-${id}`, 'py-exit');
      const r = await a.invoke(`exit-${id}`, { exit: true });
      assert.equal(r.status, 'function_error');
      assert.equal(r.errorType, 'Runtime.ExitError');
    });

    it('evicts the least recently used idle container for the memory budget, then queues and throttles', async () => {
      const a = await start('budget', { prewarmPerRuntime: 0, memoryBudgetMb: 256, queueTimeoutMs: 500 });
      for (const n of ['a', 'b', 'c']) await deploy(`lru-${n}-${id}`, 'py-sleep');
      await a.invoke(`lru-a-${id}`, { seconds: 0 });
      await a.invoke(`lru-b-${id}`, { seconds: 0 });
      await a.invoke(`lru-a-${id}`, { seconds: 0 });
      await a.invoke(`lru-c-${id}`, { seconds: 0 });
      const s = await until('the evicted container gone', async () => {
        const st = await a.status();
        return st.containers.every((c) => c.state !== 'removing') && st.containers.length === 2 && st;
      });
      assert.deepEqual(s.containers.map((c) => c.function).sort(), [`lru-a-${id}`, `lru-c-${id}`]);

      const busy = [a.invoke(`lru-a-${id}`, { seconds: 3 }), a.invoke(`lru-c-${id}`, { seconds: 3 })];
      await sleep(300);
      await assert.rejects(a.invoke(`lru-b-${id}`, { seconds: 0 }), (err: grpc.ServiceError) => {
        assert.equal(err.code, grpc.status.RESOURCE_EXHAUSTED);
        assert.ok(Number(err.metadata.get('stratus-retry-after')[0]) >= 1);
        return true;
      });
      await Promise.all(busy);
    });

    it('scales idle containers in after keep-alive, down to the function minimum', async () => {
      const a = await start('keepalive', { prewarmPerRuntime: 0, keepAliveSec: 1 });
      await deploy(`kept-${id}`, 'py-noop', { minWarm: 1 });
      await deploy(`gone-${id}`, 'py-noop');
      await until('the minimum warm container', async () => (await a.status()).containers.some((c) => c.function === `kept-${id}` && c.state === 'idle'));
      await a.invoke(`gone-${id}`);
      await until('scale-in of the idle container', async () => {
        const st = await a.status();
        return !st.containers.some((c) => c.function === `gone-${id}`) && st;
      });
      await sleep(1_500);
      assert.ok((await a.status()).containers.some((c) => c.function === `kept-${id}` && c.state === 'idle'), 'the minimum stays');
    });

    it('removes the containers and Runtime API sockets a dead earlier run of the same agent id left', async () => {
      const config = await agentConfig('leftover', {});
      const image = execFileSync('docker', ['images', '--format', '{{.Repository}}:{{.Tag}}', 'stratus/runtime-python3.11']).toString().split('\n')[0];
      const stale = execFileSync('docker', ['create', '--label', `stratus.agent=${config.agentId}`, '--label', `stratus.managed=${label}`, '--label', `stratus.backend=${backend}`, image]).toString().trim();
      const staleSocketDir = path.join(runtimeSocketRoot(config.agentId), 'dead-run-000');
      fs.mkdirSync(staleSocketDir, { recursive: true });
      const a = await start('leftover', { prewarmPerRuntime: 0 });
      assert.ok(a.agent.id);
      assert.equal((await containersWithLabels([`stratus.agent=${config.agentId}`])).includes(stale), false);
      assert.equal(fs.existsSync(staleSocketDir), false);
    });

    it('answers concurrent invocations on one InvokeStream, matched by request id, with statuses in band', async () => {
      const a = agents[0];
      const client = createClient(proto.InvocationService as unknown as Ctor<InvocationServiceClient>, `127.0.0.1:${a.port}`);
      clients.push(client);
      const stream = client.InvokeStream();
      const got = new Map<string, InvokeResponse>();
      const done = new Promise<void>((resolve, reject) => {
        stream.on('data', (r: InvokeResponse) => { got.set(r.requestId, r); if (got.size === 3) resolve(); });
        stream.on('error', reject);
      });
      stream.write({ function: `counter-${id}`, payload: Buffer.from('{}'), requestId: 'r-1' });
      stream.write({ function: `counter-${id}`, payload: Buffer.from('{}'), requestId: 'r-2' });
      stream.write({ function: `missing-${id}`, payload: Buffer.from('{}'), requestId: 'r-3' });
      await done;
      stream.end();
      assert.equal(got.get('r-1')?.status, 'ok');
      assert.equal(got.get('r-2')?.status, 'ok');
      assert.equal(got.get('r-3')?.status, 'not_found');
    });

    it('reports its backends with availability and reason, and its pool, over GetStatus', async () => {
      const a = agents[0];
      const client = createClient(proto.AgentService as unknown as Ctor<AgentServiceClient>, `127.0.0.1:${a.port}`);
      clients.push(client);
      const s = await call<object, NodeStatus>(client, client.GetStatus, {});
      assert.equal(s.backends.find((b) => b.name === backend)?.available, true);
      const other = s.backends.find((b) => b.name !== backend)!;
      assert.equal(other.available, false);
      assert.match(other.reason, /not offered/);
      assert.equal(s.memoryBudgetMb, 4096);
      assert.ok(s.containers.some((c) => c.function === `counter-${id}`));
    });

    it('answers GetInvocation with UNIMPLEMENTED pointing at the control plane', async () => {
      const a = agents[0];
      const client = createClient(proto.InvocationService as unknown as Ctor<InvocationServiceClient>, `127.0.0.1:${a.port}`);
      clients.push(client);
      await assert.rejects(call(client, client.GetInvocation, { id: 'x' }), (err: grpc.ServiceError) => err.code === grpc.status.UNIMPLEMENTED && /control plane/.test(err.details));
    });

    it('keeps serving warm invocations while the control plane is down', async () => {
      const a = await start('nocontrol', { prewarmPerRuntime: 0 });
      await deploy(`echo-${id}`, 'py-echo');
      await a.invoke(`echo-${id}`, { hi: 1 });
      await control!.close();
      control = undefined;
      const r = await a.invoke(`echo-${id}`, { hi: 2 });
      assert.equal(r.status, 'ok');
      assert.deepEqual(json(r).event, { hi: 2 });
      assert.equal(r.coldStart, false);
    });
  });
}

const backends = await testBackends();
for (const b of backends) agentSuite(b);
