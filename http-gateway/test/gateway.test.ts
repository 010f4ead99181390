// The gateway against a fake control plane and a fake agent (real gRPC and HTTP, no Docker).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type * as grpc from '@grpc/grpc-js';
import { proto, type FunctionSpec, type InvokeRequest, type InvokeResponseInput, type NodeStatus, type WatchEvent } from '@stratus/proto';
import { createServer, bindServer, shutdownServer, loadConfig, StratusError, toGrpcError, unary, createLogger, LIMITS } from '@stratus/common';
import { startGateway, type Gateway } from '../src/server';

const logger = createLogger('gateway-test');
logger.level = 'silent';

const spec: FunctionSpec = {
  name: 'echo', version: 1, runtime: 'python3.11', handler: 'app.handler', memoryMb: 128, timeoutSec: 3, env: {}, maxConcurrency: 10,
  backend: 'docker', description: '', codeSha256: '', codeSize: 0, codeFiles: 0, createdAt: '', updatedAt: '', minWarm: 0, latestVersion: 1,
};

let control: grpc.Server;
let agent: grpc.Server;
let gateway: Gateway;
let agentPort = 0;
// Port 1 on loopback: nothing listens there, so connecting is refused. A port found free at the
// start (as before) could be taken by another test's server while this file ran: in one CI run the
// gateway then reached a live server that was not an agent and answered 503.
const deadPort = 1;
const created: unknown[] = [];

function agentNode(): NodeStatus {
  return {
    id: 'agent-1', address: `127.0.0.1:${agentPort}`, backends: [{ name: 'docker', available: true, reason: '' }], memoryBudgetMb: 1024,
    memoryUsedMb: 0, running: 0, queued: 0, containers: [], state: 'ready', lastHeartbeatAt: '', startedAt: '', cpuPercent: 0,
    hostMemoryTotalMb: 0, hostMemoryUsedMb: 0, version: '',
  };
}

/** The fake agent answers by the event's "want" field. */
function answer(req: InvokeRequest): InvokeResponseInput {
  const event = JSON.parse(req.payload.toString() || '{}');
  const base = { requestId: req.requestId, backend: 'docker', agentId: 'agent-1', function: req.function, version: 1, durationMs: 1.5, agentMs: 2, queueMs: 0.1, coldStart: event.cold === true };
  if (req.function !== 'echo') return { ...base, status: 'not_found', errorMessage: `function ${req.function} not found` };
  switch (event.want) {
    case 'error': return { ...base, status: 'function_error', payload: Buffer.from(JSON.stringify({ errorType: 'ValueError', errorMessage: 'boom', stackTrace: ['x'] })) };
    case 'timeout': return { ...base, status: 'timeout', errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 3.00 seconds' };
    case 'throttle': return { ...base, status: 'throttled', errorMessage: 'max concurrency 10 reached', retryAfterSec: 2 };
    default: return { ...base, status: 'ok', payload: Buffer.from(JSON.stringify({ echo: event })) };
  }
}

before(async () => {
  agent = createServer();
  agent.addService(proto.InvocationService.service, {
    InvokeStream: (call: grpc.ServerDuplexStream<InvokeRequest, InvokeResponseInput>) => {
      call.on('data', (req: InvokeRequest) => call.write(answer(req)));
      call.on('end', () => call.end());
    },
  } as never);
  agent.addService(proto.AgentService.service, { GetStatus: unary(async () => agentNode()) } as never);
  agentPort = await bindServer(agent, '127.0.0.1:0');

  control = createServer();
  control.addService(proto.NodeService.service, {
    Watch: (call: grpc.ServerWritableStream<unknown, WatchEvent>) => {
      // A second agent that refuses connections (it died): the gateway must route around it.
      const dead = { ...agentNode(), id: 'agent-0-dead', address: `127.0.0.1:${deadPort}` };
      call.write({ snapshot: { functions: [spec], nodes: [dead, agentNode()] } } as WatchEvent);
    },
    ListNodes: unary(async () => ({ nodes: [agentNode()] })),
  } as never);
  control.addService(proto.FunctionService.service, {
    CreateFunction: unary(async (req: { name: string; runtime: string }) => {
      if (req.runtime === 'cobol') throw new StratusError('INVALID_ARGUMENT', 'runtime: "cobol" is not one of python3.11, nodejs20.x', { field: 'runtime' });
      if (req.name === 'echo') throw new StratusError('ALREADY_EXISTS', 'function echo already exists');
      created.push(req);
      return { ...spec, name: req.name };
    }),
    DeleteFunction: unary(async (req: { name: string }) => ({ name: req.name, versionsDeleted: 1 })),
    GetFunction: unary(async (req: { name: string }) => {
      if (req.name !== 'echo') throw new StratusError('FUNCTION_NOT_FOUND', `function ${req.name} not found`);
      return spec;
    }),
  } as never);
  const controlPort = await bindServer(control, '127.0.0.1:0');
  gateway = await startGateway(loadConfig({ host: '127.0.0.1', gatewayPort: 0, controlAddress: `127.0.0.1:${controlPort}` }), { logger, nats: null });
});

after(async () => {
  await gateway.close();
  await shutdownServer(agent, 100);
  await shutdownServer(control, 100);
});

const post = (path: string, body?: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  fetch(`${gateway.url}${path}`, { method: "POST", body: body as BodyInit | undefined, headers });

test('invokes a function and answers its result with the X-Stratus headers', async () => {
  const res = await post('/function/echo', JSON.stringify({ a: 1 }));
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { echo: { a: 1 } });
  assert.match(res.headers.get('x-stratus-request-id') ?? '', /^[0-9a-f-]{36}$/);
  assert.equal(res.headers.get('x-stratus-cold-start'), 'false');
  assert.equal(res.headers.get('x-stratus-duration-ms'), '1.50');
  assert.equal(res.headers.get('x-stratus-backend'), 'docker');
  assert.equal(res.headers.get('x-stratus-agent'), 'agent-1');
  // gateway, hop, agent (2 - 0.1 - 1.5), queue, function, total
  const timing = Object.fromEntries((res.headers.get('server-timing') ?? '').split(', ').map((p) => { const [k, d] = p.split(';dur='); return [k, Number(d)]; }));
  assert.deepEqual(Object.keys(timing), ['gateway', 'hop', 'agent', 'queue', 'function', 'total']);
  assert.equal(timing.agent, 0.4);
  assert.equal(timing.queue, 0.1);
  assert.equal(timing.function, 1.5);
  assert.ok(timing.hop > 0 && timing.gateway > 0);
  assert.ok(Math.abs(timing.gateway + timing.hop + timing.agent + timing.queue + timing.function - timing.total) < 0.05, JSON.stringify(timing));
});

test('routes around an agent that refuses connections without failing the call', async () => {
  const results = await Promise.all(Array.from({ length: 6 }, (_, i) => post('/function/echo', JSON.stringify({ i }))));
  for (const res of results) {
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-stratus-agent'), 'agent-1');
  }
});

test('treats an empty body as an empty event and accepts any content type', async () => {
  const res = await post('/function/echo', undefined, {});
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { echo: {} });
  const text = await post('/function/echo/v/1', '{"b":2}', { 'content-type': 'text/plain' });
  assert.deepEqual(await text.json(), { echo: { b: 2 } });
});

test('maps invocation statuses to HTTP statuses', async () => {
  const err = await post('/function/echo', '{"want":"error"}');
  assert.equal(err.status, 502);
  assert.deepEqual(await err.json(), { errorType: 'ValueError', errorMessage: 'boom', stackTrace: ['x'] });
  const timeout = await post('/function/echo', '{"want":"timeout"}');
  assert.equal(timeout.status, 504);
  assert.equal((await timeout.json()).errorType, 'Sandbox.Timedout');
  const throttled = await post('/function/echo', '{"want":"throttle"}');
  assert.equal(throttled.status, 429);
  assert.equal(throttled.headers.get('retry-after'), '2');
  assert.equal((await throttled.json()).error.code, 'THROTTLED');
  const missing = await post('/function/nope', '{}');
  assert.equal(missing.status, 404);
  assert.equal((await missing.json()).error.code, 'FUNCTION_NOT_FOUND');
  assert.ok(missing.headers.get('x-stratus-request-id'));
});

test('refuses malformed JSON, bad names and bad versions with 400 and the headers', async () => {
  const bad = await post('/function/echo', '{"a":');
  assert.equal(bad.status, 400);
  assert.equal((await bad.json()).error.code, 'INVALID_JSON');
  assert.ok(bad.headers.get('x-stratus-request-id'));
  assert.equal((await post('/function/bad.name', '{}')).status, 400);
  assert.equal((await post('/function/echo/v/zero', '{}')).status, 400);
});

test('refuses a body over 6 MB with 413', async () => {
  const big = Buffer.alloc(LIMITS.payloadBytes + 10, 0x20);
  const res = await post('/function/echo', big);
  assert.equal(res.status, 413);
  assert.equal((await res.json()).error.code, 'PAYLOAD_TOO_LARGE');
  assert.ok(res.headers.get('x-stratus-request-id'));
});

test('maps the admin REST API onto the control plane with catalog errors', async () => {
  const ok = await post('/api/v1/functions', JSON.stringify({ name: 'new1', runtime: 'python3.11', handler: 'app.handler', files: { 'app.py': 'x' } }));
  assert.equal(ok.status, 201);
  assert.equal((await ok.json()).name, 'new1');
  const dup = await post('/api/v1/functions', JSON.stringify({ name: 'echo', runtime: 'python3.11' }));
  assert.equal(dup.status, 409);
  const badRuntime = await post('/api/v1/functions', JSON.stringify({ name: 'x', runtime: 'cobol' }));
  assert.equal(badRuntime.status, 400);
  assert.equal((await badRuntime.json()).error.field, 'runtime');
  const unknownField = await post('/api/v1/functions', JSON.stringify({ name: 'x', memory: 1 }));
  assert.equal(unknownField.status, 400);
  assert.equal((await unknownField.json()).error.field, 'memory');
  const malformed = await post('/api/v1/functions', '{"name":');
  assert.equal(malformed.status, 400);
  assert.equal((await malformed.json()).error.code, 'INVALID_JSON');
  const got = await fetch(`${gateway.url}/api/v1/functions/echo`);
  assert.equal((await got.json()).version, 1);
  const missing = await fetch(`${gateway.url}/api/v1/functions/nope`);
  assert.equal(missing.status, 404);
  const badName = await fetch(`${gateway.url}/api/v1/functions/bad%20name`);
  assert.equal(badName.status, 400);
  const deleted = await fetch(`${gateway.url}/api/v1/functions/echo`, { method: 'DELETE', headers: { 'content-type': 'application/json' } });
  assert.equal(deleted.status, 200, 'an empty body with a JSON content type is no body');
  assert.deepEqual(await deleted.json(), { name: 'echo', versionsDeleted: 1 });
});

test('reports health with each agent backend', async () => {
  const res = await fetch(`${gateway.url}/healthz`);
  const body = await res.json();
  assert.equal(body.controlPlane.status, 'up');
  assert.equal(body.agents.nodes[0].backends.docker.available, true);
  assert.equal(body.nats.status, 'down');
  assert.equal(res.status, 503); // NATS is a core part and this test runs without it
});

test('keeps invoking from its cache when the control plane stops', async () => {
  await shutdownServer(control, 100);
  const res = await post('/function/echo', '{"x":1}');
  assert.equal(res.status, 200);
  const health = await fetch(`${gateway.url}/healthz`);
  assert.equal(health.status, 503);
  assert.equal((await health.json()).controlPlane.status, 'down');
});
