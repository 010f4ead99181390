// The pool's queue over the fake backend: released containers go straight to the oldest waiter of
// their function, budget freed by evicting another function's idle container wakes a waiter, a burst
// larger than the budget is served, and container starts are bounded.
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '@stratus/common';
import type { FunctionSpec } from '@stratus/proto';
import type { ContainerSpec } from '../src/backends/backend';
import { FakeBackend, FakeRuntimeApi, ok } from '../src/backends/fake-backend';
import { WarmPool, type Lease, type PoolConfig } from '../src/pool/warm-pool';

const logger = createLogger('test');
logger.level = 'silent';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const spec = (name: string, over: Partial<FunctionSpec> = {}): FunctionSpec => ({
  name, version: 1, runtime: 'python3.11', handler: 'app.handler', memoryMb: 128, timeoutSec: 5, env: {}, maxConcurrency: 10,
  backend: 'docker', description: '', codeSha256: 'a'.repeat(64), codeSize: 1, codeFiles: 1, createdAt: '', updatedAt: '',
  minWarm: 0, latestVersion: 1, ...over,
} as FunctionSpec);

/** A fake backend whose containers take a while to start, counting how many start at once. */
class SlowBackend extends FakeBackend {
  startDelayMs = 0;
  createDelayMs = 0;
  starting = 0;
  maxStarting = 0;

  override async create(s: ContainerSpec): Promise<string> {
    this.starting++;
    this.maxStarting = Math.max(this.maxStarting, this.starting);
    try {
      if (this.createDelayMs) await sleep(this.createDelayMs);
      return await super.create(s);
    } catch (err) {
      this.starting--;
      throw err;
    }
  }

  override async start(id: string): Promise<{ ip: string }> {
    try {
      await sleep(this.startDelayMs);
      return await super.start(id);
    } finally {
      this.starting--;
    }
  }
}

const open: { pool: WarmPool; dataDir: string }[] = [];

function makePool(config: Partial<PoolConfig>, functions: FunctionSpec[], canUpdateLimits = true) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratus-pool-queue-'));
  const docker = new SlowBackend('docker', canUpdateLimits, '10.0.0.');
  const api = new FakeRuntimeApi([docker]);
  for (const f of functions) api.handlers.set(f.name, async () => ok(1));
  const backends = new Map([['docker', docker]]);
  const pool = new WarmPool({
    agentId: 'unit', containerLabel: 'unit', dataDir, network: 'net', runtimeApiAddress: '10.0.0.1:9001',
    keepAliveMs: 60_000, memoryBudgetMb: 4096, prewarmPerRuntime: 0, prewarmMemoryMb: 128, queueTimeoutMs: 5_000, maxQueued: 1000,
    tmpSizeMb: 64, runtimes: ['python3.11'], startTimeoutMs: 5_000, maxParallelStarts: 4, ...config,
  }, {
    backends,
    availableBackends: () => new Set(['docker']),
    runtimeApi: api,
    codeStore: { ensure: async () => dataDir, install: async () => undefined },
    functions: () => functions,
    latestVersion: (n) => functions.find((f) => f.name === n)?.version,
    functionExists: (n) => functions.some((f) => f.name === n),
    logger,
  });
  open.push({ pool, dataDir });
  return { pool, docker, api };
}

afterEach(async () => {
  for (const h of open.splice(0)) {
    await h.pool.close();
    fs.rmSync(h.dataDir, { recursive: true, force: true });
  }
});

describe('pool queue', () => {
  it('hands a released container straight to a waiter of its function, ahead of a slower new start', async () => {
    const fn = spec('f');
    const { pool, docker } = makePool({}, [fn]);
    const first = await pool.withLease(fn, async (l) => l.container.id); // one warm container
    docker.startDelayMs = 500;

    let releaseA!: () => void;
    const gateA = new Promise<void>((r) => { releaseA = r; });
    const a = pool.withLease(fn, async (l) => { await gateA; return l.container.id; });
    const b = pool.withLease(fn, async (l) => ({ id: l.container.id, cold: l.cold }));
    await sleep(20);
    releaseA();

    assert.equal(await a, first);
    const got = await b;
    assert.equal(got.id, first, 'the waiter took the released container');
    assert.equal(got.cold, false);
    // The container started for the race stays warm for the next caller.
    const deadline = Date.now() + 3_000;
    while (!pool.list().some((c) => c.id !== first && c.state === 'idle') && Date.now() < deadline) await sleep(10);
    assert.ok(pool.list().some((c) => c.id !== first && c.state === 'idle' && c.fn?.name === 'f'));
  });

  it('serves queued invocations of a function in arrival order from released containers', async () => {
    const fn = spec('one', { maxConcurrency: 1 });
    const { pool, docker } = makePool({}, [fn]);
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3].map((i) => pool.withLease(fn, async () => { order.push(i); await sleep(5); })));
    assert.deepEqual(order, [0, 1, 2, 3]);
    assert.equal(docker.calls.create, 1);
  });

  it('wakes a waiter of a function without containers when another function\'s container goes idle and can be evicted', async () => {
    const a = spec('a'), b = spec('b'), c = spec('c');
    const { pool } = makePool({ memoryBudgetMb: 256, queueTimeoutMs: 5_000 }, [a, b, c]);
    let releaseA!: () => void, releaseB!: () => void;
    const gateA = new Promise<void>((r) => { releaseA = r; });
    const gateB = new Promise<void>((r) => { releaseB = r; });
    let aLease: Lease | undefined;
    const pa = pool.withLease(a, async (l) => { aLease = l; await gateA; });
    const pb = pool.withLease(b, async () => { await gateB; });
    while (pool.runningCount < 2) await sleep(5);

    let cServedWhileAHeld = false;
    const pc = pool.withLease(c, async () => { cServedWhileAHeld = aLease?.container.state === 'busy'; });
    await sleep(20);
    assert.equal(pool.queuedCount, 1, 'c waits: the budget is full of busy containers');
    releaseB();
    await pb;
    await pc;

    assert.ok(cServedWhileAHeld, 'c was served by evicting b, while a was still busy');
    assert.ok(!pool.list().some((x) => x.fn?.name === 'b' && x.state !== 'removing'));
    releaseA();
    await pa;
  });

  it('serves a burst of 200 invocations over 20 functions with a budget for 20 containers', async () => {
    const fns = Array.from({ length: 20 }, (_, i) => spec(`f${i}`));
    const { pool, docker } = makePool({ memoryBudgetMb: 20 * 128, queueTimeoutMs: 10_000, maxParallelStarts: 4 }, fns);
    docker.startDelayMs = 20;
    let maxMemory = 0;

    const results = await Promise.allSettled(fns.flatMap((fn) => Array.from({ length: 10 }, () =>
      pool.withLease(fn, async () => {
        maxMemory = Math.max(maxMemory, pool.memoryUsedMb());
        await sleep(3);
      }))));

    const failed = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
    assert.deepEqual(failed, []);
    assert.ok(maxMemory <= 20 * 128, `memory ${maxMemory} MB stayed within the budget`);
    assert.ok(docker.maxStarting <= 4);
  });

  it('removes a container the engine was still creating when the pool closed, before close resolves', async () => {
    const fn = spec('f');
    const { pool, docker } = makePool({ prewarmPerRuntime: 1 }, [fn]);
    docker.createDelayMs = 300;
    const call = pool.withLease(fn, async () => 'served').catch((err: Error) => err.message);
    await sleep(50);
    assert.ok(docker.calls.create === 0 && pool.list().length > 0, 'a start is waiting for the engine');
    await pool.close();
    assert.equal(docker.calls.create > 0, true, 'the engine created the containers after close began');
    assert.deepEqual([...docker.containers.values()].filter((c) => !c.removed).map((c) => c.id), [], 'and none is left');
    assert.match(String(await call), /shutting down/);
  });

  it('bounds the container starts in progress at once', async () => {
    const fns = Array.from({ length: 10 }, (_, i) => spec(`g${i}`));
    const { pool, docker } = makePool({ maxParallelStarts: 2 }, fns);
    docker.startDelayMs = 30;

    const results = await Promise.allSettled(fns.flatMap((fn) => [pool.withLease(fn, async () => sleep(2)), pool.withLease(fn, async () => sleep(2))]));

    assert.ok(results.every((r) => r.status === 'fulfilled'));
    assert.ok(docker.maxStarting <= 2, `at most 2 starts at once (saw ${docker.maxStarting})`);
    assert.ok(docker.maxStarting >= 1);
  });

  it('still throttles a waiter with a retry-after when nothing can serve it in time', async () => {
    const a = spec('a'), b = spec('b');
    const { pool } = makePool({ memoryBudgetMb: 128, queueTimeoutMs: 50 }, [a, b]);
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const pa = pool.withLease(a, async () => gate);
    while (pool.runningCount < 1) await sleep(5);

    await assert.rejects(pool.withLease(b, async () => undefined), (err: { code?: string; retryAfterSec?: number; message: string }) =>
      err.code === 'THROTTLED' && (err.retryAfterSec ?? 0) >= 1 && /memory budget/.test(err.message));
    release();
    await pa;
  });

  it('keeps a waiter past its queue timeout while a container is on its way for its function', async () => {
    const a = spec('a', { maxConcurrency: 1 });
    const { pool, docker } = makePool({ queueTimeoutMs: 50, maxParallelStarts: 1 }, [a]);
    docker.startDelayMs = 300; // a slow engine: the start outlasts the queue timeout

    const results = await Promise.allSettled(Array.from({ length: 3 }, () => pool.withLease(a, async () => sleep(2))));

    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'fulfilled', 'fulfilled']);
    assert.equal(docker.calls.create, 1, 'one container served all three');
  });

  it('keeps a waiter past its queue timeout while it waits only for a start slot', async () => {
    const fns = ['a', 'b', 'c'].map((n) => spec(n));
    const { pool, docker } = makePool({ queueTimeoutMs: 50, maxParallelStarts: 1 }, fns);
    docker.startDelayMs = 150; // c's slot comes after two starts, long past its queue timeout

    const results = await Promise.allSettled(fns.map((fn) => pool.withLease(fn, async () => sleep(2))));

    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'fulfilled', 'fulfilled']);
    assert.ok(docker.maxStarting <= 1);
  });

  it('throttles a waiter at its queue timeout once nothing is on its way any more', async () => {
    const a = spec('a', { maxConcurrency: 1 });
    const { pool, docker } = makePool({ queueTimeoutMs: 50, maxParallelStarts: 1 }, [a]);
    docker.startDelayMs = 20;
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const first = pool.withLease(a, async () => gate); // holds the function's only container
    while (pool.runningCount < 1) await sleep(5);

    await assert.rejects(pool.withLease(a, async () => undefined), (err: { code?: string; message: string }) =>
      err.code === 'THROTTLED' && /max concurrency/.test(err.message));
    release();
    await first;
  });

  it('loads the handler with the boot allowance and gives the container its CPU share before the first invocation', async () => {
    for (const canUpdateLimits of [true, false]) {
      const big = spec('big', { memoryMb: 512 });
      const { pool, docker, api } = makePool({}, [big], canUpdateLimits);
      const attach = api.attach.bind(api);
      const cpuAtSpecialize: unknown[] = [];
      api.attach = (ip: string) => {
        const session = attach(ip);
        const specialize = session.specialize.bind(session);
        session.specialize = (cfg) => {
          cpuAtSpecialize.push({ ...docker.byIp(ip)!.cpu });
          return specialize(cfg);
        };
        return session;
      };

      let cpuAtInvocation: unknown;
      await pool.withLease(big, async (lease) => { cpuAtInvocation = { ...docker.byIp(lease.container.ip)!.cpu }; });

      const [c] = docker.running();
      assert.equal(c.spec.bootCpus, 1, 'created with one core for the bootstrap');
      // Init runs with one core (as Lambda boosts init); runc: started at 512 MB directly or resized,
      // runsc (no updates): started at 512 MB. Either way the share is 512 MB's when it is invoked.
      assert.deepEqual(cpuAtSpecialize, [{ kind: 'boot', cpus: 1 }], `canUpdateLimits=${canUpdateLimits}`);
      assert.deepEqual(cpuAtInvocation, { kind: 'share', memoryMb: 512 }, `canUpdateLimits=${canUpdateLimits}`);
    }
  });

  it('ends the boot allowance when init runs longer than the boost, while the handler is still loading', async () => {
    const slow = spec('slow');
    const { pool, docker, api } = makePool({ initBoostMs: 30 }, [slow]);
    const attach = api.attach.bind(api);
    const cpuLate: unknown[] = [];
    api.attach = (ip: string) => {
      const session = attach(ip);
      const specialize = session.specialize.bind(session);
      session.specialize = async (cfg) => {
        await sleep(120); // an init of 120 ms against a boost of 30 ms
        cpuLate.push({ ...docker.byIp(ip)!.cpu });
        return specialize(cfg);
      };
      return session;
    };

    await pool.withLease(slow, async () => undefined);

    assert.deepEqual(cpuLate, [{ kind: 'share', memoryMb: 128 }], 'the share was in force before init ended');
  });

  it('removes a container whose CPU share cannot be set instead of invoking the function in it', async () => {
    const a = spec('a');
    const { pool, docker, api } = makePool({}, [a]);
    docker.failSettle = new Error('cgroup is gone');

    let invoked = false;
    await assert.rejects(pool.withLease(a, async () => { invoked = true; }), /cgroup is gone/);

    assert.equal(invoked, false, 'no invocation ran at the boot allowance');
    while (docker.running().length > 0) await sleep(5);
    assert.equal(docker.calls.remove, 1);
  });
});
