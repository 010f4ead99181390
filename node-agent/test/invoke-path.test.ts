// The pool and the invoke path over the fake backend: no Docker, call counters instead.
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger, shownLogs, type InvocationEventMs } from '@stratus/common';
import type { FunctionSpec } from '@stratus/proto';
import { FakeBackend, FakeRuntimeApi, ok, type FakeHandler } from '../src/backends/fake-backend';
import { FunctionRegistry } from '../src/control/function-registry';
import { Invoker } from '../src/invoke/invoker';
import { WarmPool, type PoolConfig } from '../src/pool/warm-pool';
import { RuntimeInitError } from '../src/pool/runtime-contract';

const logger = createLogger('test');
logger.level = 'silent';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const spec = (name: string, over: Partial<FunctionSpec> = {}): FunctionSpec => ({
  name, version: 1, runtime: 'python3.11', handler: 'app.handler', memoryMb: 128, timeoutSec: 5, env: {}, maxConcurrency: 10,
  backend: 'docker', description: '', codeSha256: 'a'.repeat(64), codeSize: 1, codeFiles: 1, createdAt: '', updatedAt: '',
  minWarm: 0, latestVersion: 1, ...over,
} as FunctionSpec);

const open: { pool: WarmPool; dataDir: string }[] = [];

function makeHarness(poolConfig: Partial<PoolConfig> = {}) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratus-agent-unit-'));
  const docker = new FakeBackend('docker', true, '10.0.0.');
  const gvisor = new FakeBackend('gvisor', false, '10.1.0.');
  const api = new FakeRuntimeApi([docker, gvisor]);
  const registry = new FunctionRegistry();
  const records: InvocationEventMs[] = [];
  const throttles: string[] = [];
  const backends = new Map<string, FakeBackend>([['docker', docker], ['gvisor', gvisor]]);
  const pool = new WarmPool({
    agentId: 'unit', containerLabel: 'unit', dataDir, network: 'net', runtimeApiAddress: '10.0.0.1:9001',
    keepAliveMs: 60_000, memoryBudgetMb: 4096, prewarmPerRuntime: 0, prewarmMemoryMb: 128, queueTimeoutMs: 200, maxQueued: 100,
    tmpSizeMb: 64, runtimes: ['python3.11'], startTimeoutMs: 1_000, maxParallelStarts: 4, ...poolConfig,
  }, {
    backends,
    availableBackends: () => new Set([...backends].filter(([, b]) => b.availability.ok).map(([n]) => n)),
    runtimeApi: api,
    codeStore: { ensure: async () => dataDir, install: async () => undefined },
    functions: () => registry.all(),
    latestVersion: (n) => registry.latestVersion(n),
    functionExists: (n) => registry.has(n),
    logger,
  });
  const invoker = new Invoker({
    agentId: 'unit', pool, registry, logger, logGraceMs: 20,
    backendProblem: (n) => { const b = backends.get(n); return !b ? undefined : b.availability.ok ? '' : b.availability.reason; },
    recorder: { recordInvocation: (r) => records.push(r), recordThrottle: (f) => throttles.push(f) },
  });
  const h = {
    dataDir, docker, gvisor, api, registry, pool, invoker, records, throttles,
    deploy(fn: FunctionSpec, handler: FakeHandler = async () => ok({ fine: true })) {
      registry.upsert(fn);
      api.handlers.set(fn.name, handler);
      return fn;
    },
    invoke(name: string, payload = '{}', version = 0) {
      return invoker.invoke({ function: name, version, payload: Buffer.from(payload), requestId: '' });
    },
    async until(cond: () => boolean, ms = 2_000) {
      const end = Date.now() + ms;
      while (!cond()) {
        if (Date.now() > end) throw new Error('condition not met in time');
        await sleep(5);
      }
    },
    states() {
      return pool.list().map((c) => `${c.fn?.name ?? '-'}:${c.state}`).sort();
    },
  };
  open.push(h);
  return h;
}

afterEach(async () => {
  for (const h of open.splice(0)) {
    await h.pool.close();
    fs.rmSync(h.dataDir, { recursive: true, force: true });
  }
});

describe('invoke path over the fake backend', () => {
  it('serves a fresh function from a pre-warmed container without creating one on its path', async () => {
    const h = makeHarness({ prewarmPerRuntime: 1 });
    h.pool.start();
    const dockerStemCell = () => h.pool.list().find((c) => c.state === 'prewarmed' && c.backend.name === 'docker');
    await h.until(() => Boolean(dockerStemCell()));
    const prewarmedId = dockerStemCell()!.id;
    const createdBefore = h.docker.calls.create;
    h.deploy(spec('hello'));

    const { response } = await h.invoke('hello');

    assert.equal(response.status, 'ok');
    assert.equal(response.coldStart, true);
    assert.equal(h.docker.calls.create, createdBefore, 'no container created on the cold path');
    assert.equal(h.pool.list().find((c) => c.id === prewarmedId)?.fn?.name, 'hello');
    await h.until(() => Boolean(dockerStemCell())); // refilled in the background
  });

  it('backs off pre-warming a runtime whose containers fail to start', async () => {
    const h = makeHarness({ prewarmPerRuntime: 1 });
    h.docker.failCreate = new Error('image is broken');
    h.gvisor.availability = { ok: false, reason: 'off' };
    h.pool.start();

    await sleep(300);

    assert.equal(h.docker.calls.create, 1);
  });

  it('reuses a warm container for the second invocation', async () => {
    const h = makeHarness();
    let n = 0;
    h.deploy(spec('count'), async () => ok({ n: ++n }));

    const first = await h.invoke('count');
    const second = await h.invoke('count');

    assert.equal(first.response.coldStart, true);
    assert.equal(second.response.coldStart, false);
    assert.equal(JSON.parse(second.response.payload!.toString()).n, 2);
    assert.equal(h.docker.calls.create, 1);
  });

  it('starts two containers for two concurrent invocations', async () => {
    const h = makeHarness();
    h.deploy(spec('slow'), async () => { await sleep(50); return ok(1); });

    const [a, b] = await Promise.all([h.invoke('slow'), h.invoke('slow')]);

    assert.equal(a.response.status, 'ok');
    assert.equal(b.response.status, 'ok');
    assert.equal(h.docker.calls.create, 2);
  });

  it('raises a runc container to the function memory at specialisation, keeps exact-size pools for gVisor', async () => {
    const h = makeHarness({ prewarmPerRuntime: 1 });
    h.pool.start();
    h.deploy(spec('big', { memoryMb: 512 }));
    h.deploy(spec('bigv', { memoryMb: 512, backend: 'gvisor' }));
    await h.until(() => h.pool.list().filter((c) => c.state === 'prewarmed').length >= 3);
    assert.ok(h.pool.list().some((c) => c.backend.name === 'gvisor' && c.memoryMb === 512 && c.state === 'prewarmed'), 'a 512 MB gVisor stem cell');

    await h.invoke('big');
    await h.invoke('bigv');

    assert.equal(h.docker.calls.updateLimits, 1);
    assert.equal(h.gvisor.calls.updateLimits, 0);
    assert.ok(h.pool.list().filter((c) => c.fn).every((c) => c.memoryMb === 512));
  });

  it('kills the container when the timeout passes, and the next call gets a fresh one', async () => {
    const h = makeHarness();
    let calls = 0;
    h.deploy(spec('sleepy', { timeoutSec: 1 }), async () => (++calls === 1 ? new Promise(() => undefined) : ok('awake')));

    const first = await h.invoke('sleepy');
    const second = await h.invoke('sleepy');

    assert.equal(first.response.status, 'timeout');
    assert.equal(first.response.errorMessage, 'Task timed out after 1.00 seconds');
    assert.equal(second.response.status, 'ok');
    assert.equal(second.response.coldStart, true);
    assert.equal(h.docker.calls.create, 2);
  });

  it('reports out of memory when the process is killed during an invocation', async () => {
    const h = makeHarness();
    h.deploy(spec('hog'), async (_input, ctx) => {
      setTimeout(() => h.docker.kill(h.docker.byIp(ctx.ip)!.id, 137), 5);
      return new Promise(() => undefined);
    });

    const { response } = await h.invoke('hog');

    assert.equal(response.status, 'oom');
    assert.equal(response.errorType, 'Runtime.OutOfMemory');
    await h.until(() => h.pool.list().length === 0);
  });

  it('reports Runtime.ExitError when the process exits during an invocation', async () => {
    const h = makeHarness();
    h.deploy(spec('quitter'), async (_input, ctx) => {
      setTimeout(() => h.docker.kill(h.docker.byIp(ctx.ip)!.id, 3), 5);
      return new Promise(() => undefined);
    });

    const { response } = await h.invoke('quitter');

    assert.equal(response.status, 'function_error');
    assert.equal(response.errorType, 'Runtime.ExitError');
    assert.match(response.errorMessage!, /exit status 3/);
  });

  it('fails the invocation with the init error when the handler cannot load, and removes the container', async () => {
    const h = makeHarness();
    h.deploy(spec('broken'));
    h.api.initErrors.set('broken', new RuntimeInitError('Runtime.ImportModuleError', "No module named 'app'"));

    const { response, error } = await h.invoke('broken');

    assert.equal(error, undefined);
    assert.equal(response.status, 'function_error');
    assert.equal(response.errorType, 'Runtime.ImportModuleError');
    await h.until(() => h.pool.list().length === 0);
  });

  it('throttles beyond max concurrency once the queue bound passes, with a retry-after', async () => {
    const h = makeHarness({ queueTimeoutMs: 50 });
    h.deploy(spec('one', { maxConcurrency: 1 }), async () => { await sleep(200); return ok(1); });

    const [a, b] = await Promise.all([h.invoke('one'), h.invoke('one')]);

    const statuses = [a.response.status, b.response.status].sort();
    assert.deepEqual(statuses, ['ok', 'throttled']);
    const throttled = a.response.status === 'throttled' ? a : b;
    assert.equal(throttled.error?.code, 'THROTTLED');
    assert.ok(Number(throttled.response.retryAfterSec) >= 1);
    assert.deepEqual(h.throttles, ['one']);
  });

  it('serves a queued invocation when a container frees up within the bound', async () => {
    const h = makeHarness({ queueTimeoutMs: 2_000 });
    h.deploy(spec('one', { maxConcurrency: 1 }), async () => { await sleep(30); return ok(1); });

    const results = await Promise.all([h.invoke('one'), h.invoke('one'), h.invoke('one')]);

    assert.deepEqual(results.map((r) => r.response.status), ['ok', 'ok', 'ok']);
    assert.ok(Number(results[2].response.queueMs) > 0);
    assert.equal(h.docker.calls.create, 1);
  });

  it('evicts the least recently used idle container to fit the memory budget', async () => {
    const h = makeHarness({ memoryBudgetMb: 256 });
    for (const n of ['a', 'b', 'c']) h.deploy(spec(n));

    await h.invoke('a');
    await h.invoke('b');
    await h.invoke('a'); // b is now the least recently used
    await h.invoke('c');

    await h.until(() => !h.pool.list().some((c) => c.state === 'removing'));
    assert.deepEqual(h.states(), ['a:idle', 'c:idle']);
  });

  it('queues and then throttles when the budget is full of busy containers', async () => {
    const h = makeHarness({ memoryBudgetMb: 128, queueTimeoutMs: 50 });
    h.deploy(spec('a'), async () => { await sleep(200); return ok(1); });
    h.deploy(spec('b'));

    const [a, b] = await Promise.all([h.invoke('a'), sleep(10).then(() => h.invoke('b'))]);

    assert.equal(a.response.status, 'ok');
    assert.equal(b.response.status, 'throttled');
    assert.match(b.response.errorMessage!, /memory budget/);
  });

  it('scales in after keep-alive but keeps the function minimum warm', async () => {
    const h = makeHarness({ keepAliveMs: 30 });
    h.deploy(spec('gone'));
    h.deploy(spec('kept', { minWarm: 1 }));
    h.pool.start();

    await h.invoke('gone');
    await h.invoke('kept');
    await h.until(() => h.states().join() === 'kept:idle');
    await sleep(100); // several keep-alive periods later, the minimum is still there

    assert.deepEqual(h.states(), ['kept:idle']);
  });

  it('keeps a function minimum warm before any invocation', async () => {
    const h = makeHarness({ prewarmPerRuntime: 1 });
    h.deploy(spec('provisioned', { minWarm: 2 }));
    h.pool.start();

    await h.until(() => h.pool.list().filter((c) => c.fn?.name === 'provisioned' && c.state === 'idle').length === 2);
  });

  it('drains the idle containers of an old version when a new one is deployed', async () => {
    const h = makeHarness();
    h.deploy(spec('v'));
    await h.invoke('v');
    h.deploy(spec('v', { version: 2 }));

    h.pool.drainFunction('v', 2);
    await h.until(() => h.pool.list().length === 0);
    const { response } = await h.invoke('v');

    assert.equal(response.version, 2);
    assert.equal(response.coldStart, true);
  });

  it('refuses bad input with the field named, before touching a container', async () => {
    const h = makeHarness();
    h.deploy(spec('f'));

    const big = await h.invoke('f', `"${'x'.repeat(6 * 1024 * 1024)}"`);
    const bad = await h.invoke('f', '{nope');
    const missing = await h.invoke('nothere');

    assert.equal(big.response.status, 'too_large');
    assert.equal(big.error?.code, 'PAYLOAD_TOO_LARGE');
    assert.equal(bad.response.status, 'invalid');
    assert.equal(bad.error?.field, 'payload');
    assert.equal(missing.response.status, 'not_found');
    assert.equal(missing.error?.code, 'FUNCTION_NOT_FOUND');
    assert.equal(h.docker.calls.create, 0);
  });

  it('refuses a function whose backend is not available, saying why', async () => {
    const h = makeHarness();
    h.gvisor.availability = { ok: false, reason: 'runsc is not registered' };
    h.deploy(spec('g', { backend: 'gvisor' }));

    const { response, error } = await h.invoke('g');

    assert.equal(response.status, 'unavailable');
    assert.equal(error?.code, 'BACKEND_UNAVAILABLE');
    assert.match(error!.message, /runsc is not registered/);
  });

  it("records the invocation with the function's own output (framed like Lambda by readers) and the cgroup figures, after answering", async () => {
    const h = makeHarness();
    h.deploy(spec('talk'), async (_i, ctx) => { ctx.stdout.write('hello from the handler\n'); return ok(1); });

    const { response } = await h.invoke('talk');
    await h.until(() => h.records.length === 1);

    const rec = h.records[0];
    assert.equal(rec.id, response.requestId);
    assert.equal(rec.status, 'ok');
    assert.equal(rec.coldStart, true);
    assert.equal(rec.maxMemoryMb, 20);
    // times as epoch ms: the encoder keeps them as offsets, so no ISO string is made on the hot path
    assert.ok(Number.isFinite(rec.startedAt) && rec.endedAt >= rec.startedAt && rec.endedAt - rec.startedAt < 60_000);
    assert.equal(rec.logs, 'hello from the handler\n');
    assert.equal(rec.logsBare, true);
    assert.match(shownLogs(rec), new RegExp(`^START RequestId: ${rec.id} Version: 1\nhello from the handler\nEND RequestId: ${rec.id}\nREPORT RequestId: ${rec.id}\tDuration: [0-9.]+ ms\tBilled Duration: \\d+ ms\tMemory Size: 128 MB\tMax Memory Used: 20 MB\tInit Duration: [0-9.]+ ms\n$`));
  });
});
