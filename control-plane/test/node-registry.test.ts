import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '@stratus/common';
import type { NodeStatus, WatchEventInput } from '@stratus/proto';
import { ChangeBus } from '../src/nodes/change-bus';
import { NodeRegistry } from '../src/nodes/node-registry';
import type { Database } from '../src/store/db';

// The registry only writes through to the store; a no-op store keeps these tests in memory.
const noopDb = {
  select: () => ({ from: async () => [] }),
  insert: () => ({ values: () => ({ onConflictDoUpdate: async () => undefined }) }),
  update: () => ({ set: () => ({ where: async () => undefined }) }),
  delete: () => ({ where: async () => undefined }),
} as unknown as Database;

const logger = createLogger('test');
logger.level = 'silent';

function status(id: string, over: Partial<NodeStatus> = {}): NodeStatus {
  return {
    id, address: `127.0.0.1:${id.length}`, backends: [{ name: 'docker', available: true, reason: '' }], memoryBudgetMb: 1024, memoryUsedMb: 0,
    running: 0, queued: 0, containers: [], state: 'ready', lastHeartbeatAt: '', startedAt: '', cpuPercent: 0, hostMemoryTotalMb: 0,
    hostMemoryUsedMb: 0, version: '', ...over,
  };
}

function setup() {
  const bus = new ChangeBus();
  const events: WatchEventInput[] = [];
  bus.subscribe((e) => events.push(e));
  const registry = new NodeRegistry({ db: noopDb, bus, logger, heartbeatIntervalMs: 1000 });
  return { registry, events };
}

describe('node registry', () => {
  it('announces a registration and only heartbeats that change what placement sees', () => {
    const { registry, events } = setup();
    registry.register(status('a'));
    registry.heartbeat(status('a', { cpuPercent: 50 }));
    registry.heartbeat(status('a', { cpuPercent: 70 }));
    assert.equal(events.length, 1, 'cpu changes alone are not news');
    registry.heartbeat(status('a', { running: 2 }));
    assert.equal(events.length, 2);
    assert.equal(events[1].nodeChanged?.running, 2);
  });

  it('marks a node lost after three silent intervals, ready again on its next heartbeat, and removes it much later', () => {
    const { registry, events } = setup();
    registry.register(status('a'));
    const now = Date.now();
    registry.checkLiveness(now + 2_900);
    assert.equal(registry.list()[0].state, 'ready');
    registry.checkLiveness(now + 3_100);
    assert.equal(registry.list()[0].state, 'lost');
    assert.equal(events.at(-1)?.nodeChanged?.state, 'lost');
    assert.equal(registry.heartbeat(status('a')), true);
    assert.equal(registry.list()[0].state, 'ready');
    registry.checkLiveness(Date.now() + 3_100);
    registry.checkLiveness(Date.now() + 3_100 + 10 * 60_000 + 1_000);
    assert.deepEqual(registry.list(), []);
    assert.deepEqual(events.at(-1), { nodeRemoved: { id: 'a' } });
  });

  it('asks unknown nodes to register again', () => {
    const { registry } = setup();
    assert.equal(registry.heartbeat(status('stranger')), false);
  });

  it('accepts any backend while no live agent is registered, then answers from the agents with their reasons', () => {
    const { registry } = setup();
    assert.deepEqual(registry.checkBackend('gvisor'), { ok: true });
    registry.register(status('a', { backends: [{ name: 'docker', available: true, reason: '' }, { name: 'gvisor', available: false, reason: 'runsc missing' }] }));
    registry.register(status('b'));
    const check = registry.checkBackend('gvisor');
    assert.equal(check.ok, false);
    assert.match(!check.ok ? check.reason : '', /a: runsc missing; b: does not offer it/);
    assert.deepEqual(registry.checkBackend('docker'), { ok: true });
  });

  it('keeps the draining state an agent reports', () => {
    const { registry } = setup();
    registry.register(status('a', { state: 'draining' }));
    assert.equal(registry.list()[0].state, 'draining');
    assert.deepEqual(registry.ready(), []);
  });
});
