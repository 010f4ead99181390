import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeStatus, PoolContainer } from '@stratus/proto';
import { chooseAgent, type PlacementFunction } from '@stratus/common/placement.ts';

const fn: PlacementFunction = { name: 'echo', version: 3, runtime: 'python3.11', backend: 'docker', memoryMb: 128 };

function container(over: Partial<PoolContainer>): PoolContainer {
  return { id: 'c', function: '', version: 0, runtime: 'python3.11', backend: 'docker', state: 'prewarmed', memoryMb: 128, lastUsedAt: '', invocations: 0, ...over };
}

function node(id: string, over: Partial<NodeStatus> = {}): NodeStatus {
  return {
    id, address: `127.0.0.1:${id.length}`, backends: [{ name: 'docker', available: true, reason: '' }, { name: 'gvisor', available: false, reason: 'runsc missing' }],
    memoryBudgetMb: 4096, memoryUsedMb: 0, running: 0, queued: 0, containers: [], state: 'ready', lastHeartbeatAt: '', startedAt: '',
    cpuPercent: 0, hostMemoryTotalMb: 0, hostMemoryUsedMb: 0, version: '', ...over,
  };
}

const none = () => 0;

test('prefers an agent with an idle warm container of the function version', () => {
  const a = node('a', { containers: [container({})] });
  const b = node('b', { containers: [container({ function: 'echo', version: 3, state: 'idle' })], running: 3 });
  const choice = chooseAgent({ fn, nodes: [a, b], inflight: none, inflightFor: none });
  assert.equal(choice?.node.id, 'b');
  assert.equal(choice?.tier, 'warm');
});

test('ignores warm containers of another version', () => {
  const a = node('a', { containers: [container({ function: 'echo', version: 2, state: 'idle' })], running: 1 });
  const b = node('b');
  const choice = chooseAgent({ fn, nodes: [a, b], inflight: none, inflightFor: none });
  assert.equal(choice?.node.id, 'b');
  assert.equal(choice?.tier, 'least-loaded');
});

test('does not count a warm container this gateway is already using', () => {
  const a = node('a', { containers: [container({ function: 'echo', version: 3, state: 'idle' })] });
  const b = node('b', { containers: [container({})] });
  const choice = chooseAgent({ fn, nodes: [a, b], inflight: (id) => (id === 'a' ? 1 : 0), inflightFor: (id) => (id === 'a' ? 1 : 0) });
  assert.equal(choice?.node.id, 'b');
  assert.equal(choice?.tier, 'prewarmed');
});

test('treats an agent that recently served the function as warm when the pool view lags', () => {
  const a = node('a');
  const b = node('b');
  const choice = chooseAgent({ fn, nodes: [a, b], inflight: none, inflightFor: none, recentlyWarm: (id) => id === 'b' });
  assert.equal(choice?.node.id, 'b');
  assert.equal(choice?.tier, 'warm');
});

test('falls back to a pre-warmed container of the same runtime, backend and enough memory', () => {
  const a = node('a', { containers: [container({ runtime: 'nodejs20.x' })] });
  const b = node('b', { containers: [container({ memoryMb: 64 })] });
  const c = node('c', { containers: [container({})], running: 5 });
  const choice = chooseAgent({ fn, nodes: [a, b, c], inflight: none, inflightFor: none });
  assert.equal(choice?.node.id, 'c');
  assert.equal(choice?.tier, 'prewarmed');
});

test('picks the least loaded agent with memory to spare when nothing is warm', () => {
  const a = node('a', { running: 1 });
  const b = node('b', { running: 0, memoryUsedMb: 4090 });
  const c = node('c', { running: 2 });
  const choice = chooseAgent({ fn, nodes: [a, b, c], inflight: none, inflightFor: none });
  assert.equal(choice?.node.id, 'a');
});

test('still picks an agent offering the backend when none has memory to spare', () => {
  const a = node('a', { memoryUsedMb: 4096, running: 2 });
  const b = node('b', { memoryUsedMb: 4096, running: 1 });
  assert.equal(chooseAgent({ fn, nodes: [a, b], inflight: none, inflightFor: none })?.node.id, 'b');
});

test('only sends a function to an agent that offers its backend', () => {
  const a = node('a');
  const b = node('b', { backends: [{ name: 'gvisor', available: true, reason: '' }] });
  const choice = chooseAgent({ fn: { ...fn, backend: 'gvisor' }, nodes: [a, b], inflight: none, inflightFor: none });
  assert.equal(choice?.node.id, 'b');
});

test('returns null when no agent offers the backend', () => {
  assert.equal(chooseAgent({ fn: { ...fn, backend: 'gvisor' }, nodes: [node('a')], inflight: none, inflightFor: none }), null);
  assert.equal(chooseAgent({ fn, nodes: [], inflight: none, inflightFor: none }), null);
});

test('skips draining and lost agents', () => {
  const a = node('a', { state: 'draining' });
  const b = node('b', { state: 'lost' });
  const c = node('c', { running: 9 });
  assert.equal(chooseAgent({ fn, nodes: [a, b, c], inflight: none, inflightFor: none })?.node.id, 'c');
});

test('spreads concurrent calls over agents by this gateway\'s in-flight counts', () => {
  const nodes = [node('a'), node('b')];
  const inflight = new Map<string, number>();
  const picked: string[] = [];
  for (let i = 0; i < 4; i++) {
    const choice = chooseAgent({ fn, nodes, inflight: (id) => inflight.get(id) ?? 0, inflightFor: (id) => inflight.get(id) ?? 0 });
    picked.push(choice!.node.id);
    inflight.set(choice!.node.id, (inflight.get(choice!.node.id) ?? 0) + 1);
  }
  assert.deepEqual(picked.sort(), ['a', 'a', 'b', 'b']);
});

test('rotates ties between equal agents', () => {
  const nodes = [node('a'), node('b')];
  const first = chooseAgent({ fn, nodes, inflight: none, inflightFor: none, tieBreak: 0 })!.node.id;
  const second = chooseAgent({ fn, nodes, inflight: none, inflightFor: none, tieBreak: 1 })!.node.id;
  assert.notEqual(first, second);
});

test('sends a function the gateway has not seen to any agent with an available backend', () => {
  const a = node('a', { backends: [] });
  const b = node('b');
  const choice = chooseAgent({ fn: undefined, nodes: [a, b], inflight: none, inflightFor: none });
  assert.equal(choice?.node.id, 'b');
  assert.equal(choice?.tier, 'any');
});
