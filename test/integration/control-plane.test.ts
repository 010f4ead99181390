// The control plane against real stores (PostgreSQL at 127.0.0.1:5432 in a fresh database, and
// PGlite in a temp folder: one suite, run once per store), a real nats-server with JetStream
// started for the suite, and real gRPC clients (reflection as `grpcurl list` uses it).
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { bindServer, call, createClient, createLogger, createServer, loadConfig, SUBJECTS, unary, type StratusConfig } from '@stratus/common';
import { buildZip, sha256 } from '@stratus/common/code-archive.ts';
import { startTestNatsServer, type TestNatsServer } from '@stratus/common/testing/nats-server.ts';
import { makeInvocationEvent } from '@stratus/common/testing/invocation-events.ts';
import {
  proto,
  type FunctionServiceClient,
  type FunctionSpec,
  type Invocation,
  type InvocationServiceClient,
  type NodeServiceClient,
  type NodeStatusInput,
  type PoolServiceClient,
  type WatchEvent,
} from '@stratus/proto';
import { connect, type NatsConnection } from 'nats';
import yazl from 'yazl';
import { startControlPlane, type ControlPlane } from '../../control-plane/src/server';
import { InvocationStore } from '../../control-plane/src/store/invocations-repo';
import { listServices } from '../harness/reflection';

const PG_ADMIN_URL = process.env.STRATUS_TEST_DATABASE_URL ?? process.env.STRATUS_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const logger = createLogger('control-plane-test');
logger.level = process.env.STRATUS_LOG_LEVEL ?? 'warn';

interface StoreSetup {
  name: string;
  prepare(): Promise<{ config: Partial<StratusConfig>; cleanup(): Promise<void> }>;
}

const stores: StoreSetup[] = [
  {
    name: 'PostgreSQL',
    async prepare() {
      const { default: postgres } = await import('postgres');
      const dbName = `stratus_test_${randomBytes(4).toString('hex')}`;
      const admin = postgres(PG_ADMIN_URL, { max: 1, onnotice: () => undefined });
      await admin.unsafe(`CREATE DATABASE "${dbName}"`);
      await admin.end();
      const url = new URL(PG_ADMIN_URL);
      url.pathname = `/${dbName}`;
      return {
        config: { databaseUrl: url.toString() },
        async cleanup() {
          const a = postgres(PG_ADMIN_URL, { max: 1, onnotice: () => undefined });
          await a.unsafe(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
          await a.end();
        },
      };
    },
  },
  {
    name: 'PGlite',
    async prepare() {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'stratus-cp-pglite-'));
      return { config: { databaseUrl: undefined, dataDir: dir }, cleanup: () => fs.rm(dir, { recursive: true, force: true }) };
    },
  },
];

/** Expects a gRPC error with this status, and optionally the catalog code and field from metadata. */
async function expectError(p: Promise<unknown>, status: grpc.status, expected: { code?: string; field?: string; message?: RegExp } = {}) {
  await assert.rejects(p, (err: grpc.ServiceError) => {
    assert.equal(err.code, status, `gRPC status ${grpc.status[status]} expected, got ${grpc.status[err.code]}: ${err.details}`);
    if (expected.code) assert.equal(err.metadata.get('stratus-code')[0], expected.code);
    if (expected.field) assert.equal(err.metadata.get('stratus-field')[0], expected.field, `field in: ${err.details}`);
    if (expected.message) assert.match(err.details, expected.message);
    return true;
  });
}

async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value as T;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function zipOf(entries: { name: string; data: Buffer | string; mode?: number }[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const e of entries) zip.addBuffer(Buffer.from(e.data), e.name, { mode: e.mode });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

let bombOnce: Promise<Buffer> | undefined;
/** 251 MB of zeros in a zip of a few hundred KB whose central directory claims 1000 bytes: only counting while inflating catches it. */
function zipBomb(): Promise<Buffer> {
  bombOnce ??= zipOf([{ name: 'app.py', data: 'x' }, { name: 'zeros.bin', data: Buffer.alloc(251 * 1024 * 1024) }]).then((bomb) => {
    for (let at = bomb.indexOf('PK\x01\x02'); at >= 0; at = bomb.indexOf('PK\x01\x02', at + 4)) bomb.writeUInt32LE(1000, at + 24);
    return bomb;
  });
  return bombOnce;
}

function nodeStatus(id: string, over: Partial<NodeStatusInput> = {}): NodeStatusInput {
  return {
    id, address: '127.0.0.1:1', state: 'ready', memoryBudgetMb: 2048, memoryUsedMb: 256, running: 0, queued: 0,
    backends: [{ name: 'docker', available: true }, { name: 'gvisor', available: false, reason: 'runsc is not registered with Docker' }],
    containers: [], ...over,
  };
}

const PY_FILES = { 'app.py': 'def handler(event, context):\n    return {"ok": True}\n', 'lib/util.py': 'X = 1\n' };

for (const store of stores) {
  describe(`control plane on ${store.name}`, () => {
    let nats: TestNatsServer;
    let nc: NatsConnection;
    let cp: ControlPlane;
    let cleanupStore: () => Promise<void>;
    let address: string;
    let cpConfig: StratusConfig;
    let functions: FunctionServiceClient;
    let nodes: NodeServiceClient;
    let invocations: InvocationServiceClient;
    let pool: PoolServiceClient;
    const fnCall = <Res>(method: keyof FunctionServiceClient, req: object) => call<object, Res>(functions as unknown as grpc.Client, functions[method] as never, req);
    const nodeCall = <Res>(method: keyof NodeServiceClient, req: object) => call<object, Res>(nodes as unknown as grpc.Client, nodes[method] as never, req);
    const invCall = <Res>(method: keyof InvocationServiceClient, req: object) => call<object, Res>(invocations as unknown as grpc.Client, invocations[method] as never, req);

    before(async () => {
      nats = await startTestNatsServer();
      nc = await connect({ servers: nats.url });
      const prepared = await store.prepare();
      cleanupStore = prepared.cleanup;
      const dataDir = prepared.config.dataDir ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'stratus-cp-data-')));
      const config = loadConfig({ host: '127.0.0.1', controlPort: 0, natsUrl: nats.url, defaultBackend: 'docker', retentionDays: 7, ...prepared.config, dataDir });
      cpConfig = config;
      cp = await startControlPlane(config, { logger, heartbeatIntervalMs: 100, lostAfterMs: 500, metrics: false });
      await cp.recordsReady;
      address = `127.0.0.1:${cp.port}`;
      functions = createClient(proto.FunctionService, address) as unknown as FunctionServiceClient;
      nodes = createClient(proto.NodeService, address) as unknown as NodeServiceClient;
      invocations = createClient(proto.InvocationService, address) as unknown as InvocationServiceClient;
      pool = createClient(proto.PoolService, address) as unknown as PoolServiceClient;
    });

    after(async () => {
      for (const c of [functions, nodes, invocations, pool]) (c as unknown as grpc.Client | undefined)?.close();
      await cp?.close();
      await nc?.close();
      await nats?.dispose();
      await cleanupStore?.();
    });

    it('lists its services through server reflection, as grpcurl list does', async () => {
      const services = await listServices(address);
      for (const s of ['stratus.v1.FunctionService', 'stratus.v1.NodeService', 'stratus.v1.InvocationService', 'stratus.v1.PoolService']) {
        assert.ok(services.includes(s), `${s} in ${services.join(', ')}`);
      }
    });

    it('creates a function from files with the defaults and reads it back', async () => {
      const created = await fnCall<FunctionSpec>('CreateFunction', { name: 'hello', runtime: 'python3.11', handler: 'app.handler', files: PY_FILES, env: { GREETING: 'hi' } });
      assert.equal(created.version, 1);
      assert.equal(created.latestVersion, 1);
      assert.equal(created.memoryMb, 128);
      assert.equal(created.timeoutSec, 30);
      assert.equal(created.maxConcurrency, 10);
      assert.equal(created.backend, 'docker');
      assert.equal(created.codeFiles, 2);
      assert.deepEqual(created.env, { GREETING: 'hi' });
      assert.match(created.codeSha256, /^[0-9a-f]{64}$/);
      const got = await fnCall<FunctionSpec>('GetFunction', { name: 'hello' });
      assert.deepEqual(got, created);
      const list = await fnCall<{ functions: FunctionSpec[] }>('ListFunctions', {});
      assert.deepEqual(list.functions.map((f) => f.name), ['hello']);
    });

    it('refuses to create a function that exists with ALREADY_EXISTS', async () => {
      await expectError(fnCall('CreateFunction', { name: 'hello', runtime: 'python3.11', handler: 'app.handler', files: PY_FILES }), grpc.status.ALREADY_EXISTS, { code: 'ALREADY_EXISTS', field: 'name' });
    });

    it('answers INVALID_ARGUMENT naming the field for bad settings', async () => {
      const ok = { name: 'valid', runtime: 'python3.11', handler: 'app.handler', files: PY_FILES };
      await expectError(fnCall('CreateFunction', { ...ok, name: 'bad name' }), grpc.status.INVALID_ARGUMENT, { field: 'name' });
      await expectError(fnCall('CreateFunction', { ...ok, runtime: 'ruby3.2' }), grpc.status.INVALID_ARGUMENT, { field: 'runtime' });
      await expectError(fnCall('CreateFunction', { ...ok, memoryMb: 64 }), grpc.status.INVALID_ARGUMENT, { field: 'memoryMb' });
      await expectError(fnCall('CreateFunction', { ...ok, timeoutSec: 901 }), grpc.status.INVALID_ARGUMENT, { field: 'timeoutSec' });
      await expectError(fnCall('CreateFunction', { ...ok, env: { BIG: 'x'.repeat(5000) } }), grpc.status.INVALID_ARGUMENT, { field: 'env' });
      await expectError(fnCall('CreateFunction', { ...ok, handler: 'main.handler' }), grpc.status.INVALID_ARGUMENT, { code: 'INVALID_CODE', field: 'handler' });
      await expectError(fnCall('CreateFunction', { ...ok, files: {} }), grpc.status.INVALID_ARGUMENT, { field: 'zip' });
      await expectError(fnCall('GetFunction', { name: 'valid' }), grpc.status.NOT_FOUND);
    });

    it('rejects a zip with a path traversal and a zip bomb', async () => {
      const good = await zipOf([{ name: 'app.py', data: 'x' }, { name: 'xx/evil.py', data: 'x' }]);
      const traversal = Buffer.from(good.toString('latin1').replaceAll('xx/evil.py', '../evil.py'), 'latin1');
      await expectError(fnCall('CreateFunction', { name: 'evil', runtime: 'python3.11', handler: 'app.handler', zip: traversal }), grpc.status.INVALID_ARGUMENT, { code: 'INVALID_CODE', message: /\.\./ });
      const bomb = await zipBomb();
      await expectError(fnCall('CreateFunction', { name: 'bomb', runtime: 'python3.11', handler: 'app.handler', zip: bomb }), grpc.status.INVALID_ARGUMENT, { code: 'INVALID_CODE', message: /250 MB/ });
      await expectError(fnCall('GetFunction', { name: 'bomb' }), grpc.status.NOT_FOUND, { code: 'FUNCTION_NOT_FOUND' });
    });

    it('makes a new version on update, keeping fields left at zero, and lists versions newest first', async () => {
      const v2 = await fnCall<FunctionSpec>('UpdateFunction', { name: 'hello', memoryMb: 256 });
      assert.equal(v2.version, 2);
      assert.equal(v2.memoryMb, 256);
      assert.equal(v2.handler, 'app.handler');
      assert.deepEqual(v2.env, { GREETING: 'hi' });
      const v1 = await fnCall<FunctionSpec>('GetFunction', { name: 'hello', version: 1 });
      assert.equal(v1.memoryMb, 128);
      assert.equal(v1.codeSha256, v2.codeSha256);
      const v3 = await fnCall<FunctionSpec>('UpdateFunction', { name: 'hello', files: { 'main.py': 'def run(e, c): return 3\n' }, handler: 'main.run', env: {}, replaceEnv: true });
      assert.equal(v3.version, 3);
      assert.notEqual(v3.codeSha256, v2.codeSha256);
      assert.deepEqual(v3.env, {});
      await expectError(fnCall('UpdateFunction', { name: 'hello', handler: 'app.handler' }), grpc.status.INVALID_ARGUMENT, { field: 'handler' });
      const versions = await fnCall<{ versions: FunctionSpec[] }>('ListVersions', { name: 'hello' });
      assert.deepEqual(versions.versions.map((v) => v.version), [3, 2, 1]);
      assert.ok(versions.versions.every((v) => v.latestVersion === 3));
      await expectError(fnCall('GetFunction', { name: 'hello', version: 9 }), grpc.status.NOT_FOUND, { message: /version 9/ });
      await expectError(fnCall('UpdateFunction', { name: 'nope', memoryMb: 256 }), grpc.status.NOT_FOUND);
    });

    it('numbers concurrent updates consecutively', async () => {
      await fnCall('CreateFunction', { name: 'racy', runtime: 'python3.11', handler: 'app.handler', files: PY_FILES });
      const updated = await Promise.all(Array.from({ length: 6 }, (_, i) => fnCall<FunctionSpec>('UpdateFunction', { name: 'racy', timeoutSec: i + 1 })));
      assert.deepEqual(updated.map((f) => f.version).sort((a, b) => a - b), [2, 3, 4, 5, 6, 7]);
      assert.equal((await fnCall<FunctionSpec>('GetFunction', { name: 'racy' })).latestVersion, 7);
      assert.equal((await fnCall<{ versionsDeleted: number }>('DeleteFunction', { name: 'racy' })).versionsDeleted, 7);
    });

    it('serves the code as text files and as the stored archive in chunks, by sha256', async () => {
      const code = await fnCall<{ files: { path: string; content: string; binary: boolean }[]; codeSha256: string }>('GetFunctionCode', { name: 'hello', version: 1 });
      assert.deepEqual(code.files.map((f) => f.path), ['app.py', 'lib/util.py']);
      assert.equal(code.files[0].content, PY_FILES['app.py']);
      const chunks: Buffer[] = [];
      await new Promise<void>((resolve, reject) => {
        const stream = functions.GetCodeArchive({ sha256: code.codeSha256 });
        stream.on('data', (c: { data: Buffer }) => chunks.push(c.data));
        stream.on('end', resolve);
        stream.on('error', reject);
      });
      const zip = Buffer.concat(chunks);
      assert.equal(sha256(zip), code.codeSha256);
      assert.deepEqual(zip, await buildZip(PY_FILES));
      await expectError(
        new Promise((resolve, reject) => {
          const stream = functions.GetCodeArchive({ sha256: '0'.repeat(64) });
          stream.on('data', () => undefined);
          stream.on('end', resolve);
          stream.on('error', reject);
        }),
        grpc.status.NOT_FOUND,
      );
    });

    it('streams a snapshot then function and node changes to watchers', async () => {
      const events: WatchEvent[] = [];
      const stream = nodes.Watch({ subscriber: 'test' });
      stream.on('data', (e: WatchEvent) => events.push(e));
      stream.on('error', () => undefined);
      try {
        const snapshot = await waitFor('snapshot', () => events.find((e) => e.event === 'snapshot'));
        assert.ok(snapshot.snapshot!.functions.some((f) => f.name === 'hello' && f.version === 3));
        await fnCall('CreateFunction', { name: 'watched', runtime: 'nodejs20.x', handler: 'index.handler', files: { 'index.mjs': 'export const handler = async () => 1;\n' } });
        const changed = await waitFor('function_changed', () => events.find((e) => e.functionChanged?.function?.name === 'watched'));
        assert.equal(changed.functionChanged!.function!.runtime, 'nodejs20.x');
        await nodeCall('RegisterNode', { node: nodeStatus('watch-agent') });
        await waitFor('node_changed', () => events.find((e) => e.nodeChanged?.id === 'watch-agent'));
        await fnCall('DeleteFunction', { name: 'watched' });
        await waitFor('function_deleted', () => events.find((e) => e.functionDeleted?.name === 'watched'));
        assert.equal(events[0].event, 'snapshot');
      } finally {
        stream.cancel();
      }
    });

    it('marks a node lost when its heartbeats stop, and ready again when they resume', async () => {
      const events: WatchEvent[] = [];
      const stream = nodes.Watch({ subscriber: 'test-lost' });
      stream.on('data', (e: WatchEvent) => events.push(e));
      stream.on('error', () => undefined);
      try {
        const reg = await nodeCall<{ heartbeatIntervalMs: number }>('RegisterNode', { node: nodeStatus('agent-1') });
        assert.equal(reg.heartbeatIntervalMs, 100);
        for (let i = 0; i < 3; i++) {
          const hb = await nodeCall<{ reregister: boolean }>('Heartbeat', { node: nodeStatus('agent-1', { running: i }) });
          assert.equal(hb.reregister, false);
          await new Promise((r) => setTimeout(r, 50));
        }
        const lost = await waitFor('lost', async () => {
          const list = await nodeCall<{ nodes: { id: string; state: string }[] }>('ListNodes', {});
          return list.nodes.find((n) => n.id === 'agent-1' && n.state === 'lost');
        });
        assert.equal(lost.state, 'lost');
        await waitFor('node_changed lost', () => events.find((e) => e.nodeChanged?.id === 'agent-1' && e.nodeChanged.state === 'lost'));
        await nodeCall('Heartbeat', { node: nodeStatus('agent-1') });
        const back = await nodeCall<{ nodes: { id: string; state: string }[] }>('ListNodes', {});
        assert.equal(back.nodes.find((n) => n.id === 'agent-1')?.state, 'ready');
        const unknown = await nodeCall<{ reregister: boolean }>('Heartbeat', { node: nodeStatus('never-registered') });
        assert.equal(unknown.reregister, true);
        await expectError(nodeCall('RegisterNode', { node: { address: 'x:1' } }), grpc.status.INVALID_ARGUMENT, { field: 'node.id' });
      } finally {
        stream.cancel();
      }
    });

    it('refuses a backend no live agent offers with FAILED_PRECONDITION naming it and why', async () => {
      await nodeCall('RegisterNode', { node: nodeStatus('agent-1') });
      await expectError(
        fnCall('CreateFunction', { name: 'sandboxed', runtime: 'python3.11', handler: 'app.handler', files: PY_FILES, backend: 'gvisor' }),
        grpc.status.FAILED_PRECONDITION,
        { code: 'BACKEND_UNAVAILABLE', field: 'backend', message: /gvisor.*runsc is not registered/ },
      );
      await expectError(fnCall('UpdateFunction', { name: 'hello', backend: 'gvisor' }), grpc.status.FAILED_PRECONDITION, { field: 'backend' });
      await nodeCall('Heartbeat', { node: nodeStatus('agent-1', { backends: [{ name: 'docker', available: true }, { name: 'gvisor', available: true }] }) });
      const moved = await fnCall<FunctionSpec>('UpdateFunction', { name: 'hello', backend: 'gvisor' });
      assert.equal(moved.backend, 'gvisor');
      assert.equal(moved.version, 4);
    });

    it('aggregates the pool from the latest heartbeats', async () => {
      await nodeCall('RegisterNode', { node: nodeStatus('agent-2', { memoryBudgetMb: 1000, memoryUsedMb: 100, containers: [{ id: 'c1', function: 'hello', version: 4, runtime: 'python3.11', backend: 'docker', state: 'idle', memoryMb: 256 }] }) });
      await nodeCall('Heartbeat', { node: nodeStatus('agent-1', { memoryBudgetMb: 2000, memoryUsedMb: 300 }) });
      const res = await call<object, { nodes: { id: string; containers: unknown[] }[]; memoryBudgetMb: number; memoryUsedMb: number }>(pool as unknown as grpc.Client, pool.GetPool as never, {});
      const ids = res.nodes.map((n) => n.id);
      assert.ok(ids.includes('agent-1') && ids.includes('agent-2'));
      assert.ok(res.memoryBudgetMb >= 3000);
      assert.equal(res.nodes.find((n) => n.id === 'agent-2')?.containers.length, 1);
    });

    it('forwards Invoke to an agent chosen by placement', async () => {
      const agentServer = createServer();
      const seen: string[] = [];
      agentServer.addService(proto.InvocationService.service, {
        Invoke: unary(async (req: { function: string; requestId: string; payload: Buffer }) => {
          seen.push(req.requestId);
          return { requestId: req.requestId, status: 'ok', payload: req.payload, function: req.function, version: 4, agentId: 'fake-agent', backend: 'gvisor' };
        }),
        InvokeStream: () => undefined,
        InvokeBatchStream: () => undefined,
        GetInvocation: unary(async () => ({})),
        ListInvocations: unary(async () => ({})),
      });
      const agentPort = await bindServer(agentServer, '127.0.0.1:0');
      try {
        for (const id of ['agent-1', 'agent-2']) await nodeCall('Heartbeat', { node: nodeStatus(id, { state: 'draining' }) });
        await nodeCall('RegisterNode', { node: nodeStatus('fake-agent', { address: `127.0.0.1:${agentPort}`, backends: [{ name: 'gvisor', available: true }] }) });
        const res = await invCall<{ status: string; payload: Buffer; agentId: string; requestId: string }>('Invoke', { function: 'hello', payload: Buffer.from('{"x":1}'), requestId: 'req-forwarded' });
        assert.equal(res.status, 'ok');
        assert.equal(res.agentId, 'fake-agent');
        assert.equal(res.payload.toString(), '{"x":1}');
        assert.deepEqual(seen, ['req-forwarded']);
        const streamed = await new Promise<{ requestId: string; status: string; agentId: string }[]>((resolve, reject) => {
          const got: { requestId: string; status: string; agentId: string }[] = [];
          const stream = invocations.InvokeStream();
          stream.on('data', (r: { requestId: string; status: string; agentId: string }) => {
            got.push(r);
            if (got.length === 2) stream.end();
          });
          stream.on('end', () => resolve(got));
          stream.on('error', reject);
          stream.write({ function: 'hello', payload: Buffer.from('1'), requestId: 'req-s1' });
          stream.write({ function: 'missing', payload: Buffer.from('1'), requestId: 'req-s2' });
        });
        const byId = Object.fromEntries(streamed.map((r) => [r.requestId, r]));
        assert.equal(byId['req-s1'].status, 'ok');
        assert.equal(byId['req-s1'].agentId, 'fake-agent');
        assert.equal(byId['req-s2'].status, 'not_found');
        // The batched stream: one message of three requests, answers matched by request id.
        const batched = await new Promise<{ requestId: string; status: string; agentId: string }[]>((resolve, reject) => {
          const got: { requestId: string; status: string; agentId: string }[] = [];
          const stream = invocations.InvokeBatchStream();
          stream.on('data', (b: { responses: { requestId: string; status: string; agentId: string }[] }) => {
            got.push(...b.responses);
            if (got.length === 3) stream.end();
          });
          stream.on('end', () => resolve(got));
          stream.on('error', reject);
          stream.write({ requests: [
            { function: 'hello', payload: Buffer.from('1'), requestId: 'req-b1' },
            { function: 'missing', payload: Buffer.from('1'), requestId: 'req-b2' },
            { function: 'hello', payload: Buffer.from('2'), requestId: 'req-b3' },
          ] });
        });
        const batchById = Object.fromEntries(batched.map((r) => [r.requestId, r]));
        assert.deepEqual([batchById['req-b1']?.status, batchById['req-b2']?.status, batchById['req-b3']?.status], ['ok', 'not_found', 'ok']);
        assert.equal(batchById['req-b3'].agentId, 'fake-agent');
        await expectError(invCall('Invoke', { function: 'missing' }), grpc.status.NOT_FOUND);
      } finally {
        agentServer.forceShutdown();
      }
    });

    it('stores invocation records from JetStream once each, and filters them', async () => {
      const js = nc.jetstream();
      const t0 = Date.now() - 60_000;
      const at = (s: number) => new Date(t0 + s * 1000).toISOString();
      const okId = '6f1c2a9e-0b7d-4c55-9e2a-3d4b5c6d7e8f';
      const ok = makeInvocationEvent({
        id: okId, function: 'hello', status: 'ok', startedAt: at(1), endedAt: at(1.1), agentId: 'agent-1', backend: 'docker', coldStart: true, initMs: 80, maxMemoryMb: 42,
        logs: `START RequestId: ${okId} Version: 1\nprocessing order 12345\nEND RequestId: ${okId}\nREPORT RequestId: ${okId}\tDuration: 1.00 ms\tBilled Duration: 1 ms\n`,
      });
      const failed = makeInvocationEvent({ id: 'inv-err', function: 'hello', status: 'function_error', errorType: 'ZeroDivisionError', errorMessage: 'division by zero', startedAt: at(2), endedAt: at(2.1), agentId: 'agent-2', backend: 'gvisor' });
      const other = makeInvocationEvent({ id: 'inv-other', function: 'other', status: 'timeout', startedAt: at(3), endedAt: at(3.1), logs: 'Task timed out after 1.00 seconds\u0000' });
      await js.publish(SUBJECTS.invocation('agent-1'), JSON.stringify(ok));
      await js.publish(SUBJECTS.invocation('agent-1'), JSON.stringify(ok)); // a redelivery: stored once
      await js.publish(SUBJECTS.invocation('agent-2'), JSON.stringify([failed, other])); // a batch in one message
      await js.publish(SUBJECTS.invocation('agent-2'), 'not json'); // dropped, not blocking the rest
      // Text that array literals must escape: quotes, backslashes, braces, commas, NULL, tabs, newlines.
      const nasty = makeInvocationEvent({
        id: 'inv-nasty', function: 'hello', status: 'ok', startedAt: at(0.5), endedAt: at(0.6), agentId: 'agent-1', backend: 'docker',
        errorMessage: 'NULL', logs: 'say "hi" \\ {a,b} NULL\ttab, comma\nnext line ünïcode ✓\n',
      });
      await js.publish(SUBJECTS.invocation('agent-1'), JSON.stringify([nasty]));

      const list = (req: object) => invCall<{ invocations: Invocation[] }>('ListInvocations', req).then((r) => r.invocations);
      await waitFor('four records', async () => ((await list({})).length >= 4 ? true : undefined));
      const all = await list({});
      assert.deepEqual(all.map((i) => i.id), ['inv-other', 'inv-err', okId, 'inv-nasty'], 'newest first, each once');
      const stored = await invCall<Invocation>('GetInvocation', { id: 'inv-nasty' });
      assert.equal(stored.logs, nasty.logs, 'text comes back byte for byte');
      assert.equal(stored.errorMessage, 'NULL', 'the word NULL stays a word');
      assert.equal(stored.endedAt, nasty.endedAt);

      const record = await invCall<Invocation>('GetInvocation', { id: okId });
      assert.equal(record.logs, ok.logs);
      assert.equal(record.coldStart, true);
      assert.equal(record.initMs, 80);
      assert.equal(record.maxMemoryMb, 42);
      assert.equal(record.startedAt, ok.startedAt);
      await expectError(invCall('GetInvocation', { id: 'nope' }), grpc.status.NOT_FOUND);

      const timed: Record<string, number> = {};
      const timedList = async (label: string, req: object) => {
        const start = process.hrtime.bigint();
        const res = await list(req);
        timed[label] = Number(process.hrtime.bigint() - start) / 1e6;
        return res.map((i) => i.id);
      };
      assert.deepEqual(await timedList('function', { function: 'hello' }), ['inv-err', okId, 'inv-nasty']);
      assert.deepEqual(await timedList('status', { status: 'function_error' }), ['inv-err']);
      assert.deepEqual(await timedList('status ok', { status: 'ok' }), [okId, 'inv-nasty'], 'ok rows are found without the failures index');
      assert.deepEqual(await timedList('search escaped text', { search: '"comma next"' }), ['inv-nasty']);
      assert.deepEqual(await timedList('statuses', { status: 'function_error,timeout' }), ['inv-other', 'inv-err']);
      assert.deepEqual(await timedList('search logs', { search: 'order 12345' }), [okId]);
      assert.deepEqual(await timedList('search error', { search: 'division' }), ['inv-err']);
      assert.deepEqual(await timedList('search platform words', { search: 'REPORT Billed' }), [], 'the START / END / REPORT lines are not indexed');
      assert.deepEqual(await timedList('search request id', { search: okId.toUpperCase() }), [okId], 'a request id searched for is the id');
      assert.equal((await invCall<Invocation>('GetInvocation', { id: okId })).logs, ok.logs, 'the logs keep the platform lines');
      assert.deepEqual(await timedList('request id', { requestId: 'inv-err' }), ['inv-err']);
      assert.deepEqual(await timedList('agent', { agentId: 'agent-2' }), ['inv-err']);
      assert.deepEqual(await timedList('backend', { backend: 'gvisor' }), ['inv-err']);
      assert.deepEqual(await timedList('window', { from: at(1.5), to: at(2.5) }), ['inv-err']);
      assert.deepEqual(await timedList('limit', { limit: 1 }), ['inv-other']);
      await expectError(list({ from: 'yesterday' }), grpc.status.INVALID_ARGUMENT, { field: 'from' });
      logger.info({ store: store.name, queryMs: timed }, 'ListInvocations times');
      if (process.env.STRATUS_PRINT_TIMES) console.log(store.name, 'ListInvocations ms', timed);

      const records = await cp.recordsReady;
      assert.equal(records.stats.rejected, 1);
    });

    it('prunes records past the retention', async () => {
      const store = new InvocationStore(cp.db);
      const old = makeInvocationEvent({ id: `old-${randomUUID()}`, startedAt: new Date(Date.now() - 8 * 86_400_000).toISOString() });
      const row = { id: old.id, function: 'hello', status: 'ok', startedAt: new Date(old.startedAt) };
      assert.equal(await store.insert([row]), 1, 'counts what it stored');
      assert.equal(await store.insert([row]), 0, 'and not an id stored before');
      assert.equal((await store.list({ requestId: old.id })).length, 1);
      const pruned = await cp.pruner.pruneNow();
      assert.ok(pruned >= 1);
      assert.equal((await store.list({ requestId: old.id })).length, 0);
      assert.equal((await store.list({ function: 'hello', status: 'ok' })).length, 2, 'recent records stay');
    });

    it('deletes a function with all its versions', async () => {
      const res = await fnCall<{ versionsDeleted: number }>('DeleteFunction', { name: 'hello' });
      assert.equal(res.versionsDeleted, 4);
      await expectError(fnCall('GetFunction', { name: 'hello' }), grpc.status.NOT_FOUND);
      await expectError(fnCall('DeleteFunction', { name: 'hello' }), grpc.status.NOT_FOUND);
      assert.deepEqual((await fnCall<{ functions: FunctionSpec[] }>('ListFunctions', {})).functions, []);
    });

    it('stores the records published while it was down once it is back, and keeps its nodes', async () => {
      await cp.close();
      const js = nc.jetstream();
      const ids = Array.from({ length: 20 }, (_, i) => `while-down-${i}`);
      for (const id of ids) await js.publish(SUBJECTS.invocation('agent-1'), JSON.stringify(makeInvocationEvent({ id })));
      cp = await startControlPlane(cpConfig, { logger, heartbeatIntervalMs: 100, lostAfterMs: 500, metrics: false });
      await cp.recordsReady;
      const store = new InvocationStore(cp.db);
      await waitFor('records stored after restart', async () => ((await store.list({ function: 'echo', limit: 100 })).length === 20 ? true : undefined));
      assert.equal((await store.list({ function: 'hello', status: 'ok' })).length, 2, 'nothing stored twice');
      assert.ok(cp.nodes.list().some((n) => n.id === 'agent-1'), 'nodes survive a restart');
    });
  });
}
