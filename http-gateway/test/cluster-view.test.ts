import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as grpc from '@grpc/grpc-js';
import { proto, type WatchEvent, type FunctionSpec } from '@stratus/proto';
import { bindServer, createClient, createLogger, createServer, shutdownServer } from '@stratus/common';
import { freePort } from '@stratus/common/testing/nats-server.ts';
import { ClusterView } from '../src/placement/cluster-view';

const logger = createLogger('cluster-view-test');
logger.level = 'silent';

function fn(name: string, version: number): FunctionSpec {
  return {
    name, version, runtime: 'python3.11', handler: 'app.handler', memoryMb: 128, timeoutSec: 3, env: {}, maxConcurrency: 10, backend: 'docker',
    description: '', codeSha256: '', codeSize: 0, codeFiles: 0, createdAt: '', updatedAt: '', minWarm: 0, latestVersion: version,
  };
}

async function fakeControlPlane(port: number, functions: FunctionSpec[]): Promise<grpc.Server> {
  const server = createServer();
  server.addService(proto.NodeService.service, {
    Watch: (call: grpc.ServerWritableStream<unknown, WatchEvent>) => {
      call.write({ event: 'snapshot', snapshot: { functions, nodes: [] } } as WatchEvent);
    },
  } as never);
  await bindServer(server, `127.0.0.1:${port}`);
  return server;
}

const until = async (cond: () => boolean, ms = 10_000) => {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
};

test('connects once the control plane comes up, and keeps its copy while it is away', async () => {
  const port = await freePort();
  const view = new ClusterView({ client: createClient(proto.NodeService, `127.0.0.1:${port}`), subscriber: 'test', logger, minBackoffMs: 50, maxBackoffMs: 200 });
  view.start();
  assert.equal(await view.waitForSnapshot(300), false);

  const first = await fakeControlPlane(port, [fn('a', 1)]);
  assert.ok(await until(() => view.functions.has('a')), 'snapshot after the control plane started');

  await shutdownServer(first, 50);
  assert.ok(await until(() => !view.connected), 'notices the control plane left');
  assert.equal(view.functions.get('a')?.version, 1, 'keeps the cached copy');

  const second = await fakeControlPlane(port, [fn('a', 2), fn('b', 1)]);
  assert.ok(await until(() => view.functions.get('a')?.version === 2 && view.functions.has('b')), 'resynchronised from the new snapshot');

  view.close();
  await shutdownServer(second, 50);
});

test('applies deltas: functions changed and deleted, nodes changed and removed', () => {
  const view = new ClusterView({ client: {} as never, subscriber: 'test', logger });
  view.apply({ event: 'snapshot', snapshot: { functions: [fn('a', 1)], nodes: [] } } as WatchEvent);
  view.apply({ event: 'functionChanged', functionChanged: { function: fn('a', 3) } } as WatchEvent);
  view.apply({ event: 'functionChanged', functionChanged: { function: fn('a', 2) } } as WatchEvent); // late, older
  assert.equal(view.functions.get('a')?.version, 3);
  view.apply({ event: 'functionDeleted', functionDeleted: { name: 'a' } } as WatchEvent);
  assert.equal(view.functions.has('a'), false);
  view.apply({ event: 'nodeChanged', nodeChanged: { id: 'n1' } } as WatchEvent);
  assert.equal(view.nodes.size, 1);
  view.apply({ event: 'nodeRemoved', nodeRemoved: { id: 'n1' } } as WatchEvent);
  assert.equal(view.nodes.size, 0);
});
