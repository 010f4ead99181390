import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NodeStatus, PoolContainer } from '@stratus/proto';
import { rankAgents } from '../src/placement';

const fn = { name: 'hello', version: 2, runtime: 'python3.11', backend: 'docker', memoryMb: 128 };

function node(id: string, over: Partial<NodeStatus> = {}, containers: Partial<PoolContainer>[] = []): NodeStatus {
  return {
    id, address: `127.0.0.1:${id.length}`, backends: [{ name: 'docker', available: true, reason: '' }], memoryBudgetMb: 1024,
    memoryUsedMb: 0, running: 0, queued: 0, state: 'ready', lastHeartbeatAt: '', startedAt: '', cpuPercent: 0,
    hostMemoryTotalMb: 0, hostMemoryUsedMb: 0, version: '',
    containers: containers.map((c, i) => ({ id: `c${i}`, function: '', version: 0, runtime: 'python3.11', backend: 'docker', state: 'idle', memoryMb: 128, lastUsedAt: '', invocations: 0, ...c })),
    ...over,
  };
}

describe('ranking agents for a forwarded invocation', () => {
  it('prefers an idle warm container of the version, then a pre-warmed one, then the least loaded', () => {
    const ranked = rankAgents(
      [
        node('busy', { running: 5 }),
        node('idle-load', { running: 1 }),
        node('prewarmed', { running: 9 }, [{ state: 'prewarmed' }]),
        node('warm', { running: 9 }, [{ function: 'hello', version: 2, state: 'idle' }]),
        node('old-version', {}, [{ function: 'hello', version: 1, state: 'idle' }]),
      ],
      fn,
    );
    assert.deepEqual(ranked.map((n) => n.id), ['warm', 'prewarmed', 'old-version', 'idle-load', 'busy']);
  });

  it('leaves out agents that are lost, draining or without the backend', () => {
    const ranked = rankAgents(
      [
        node('lost', { state: 'lost' }),
        node('draining', { state: 'draining' }),
        node('no-gvisor'),
        node('gvisor-down', { backends: [{ name: 'gvisor', available: false, reason: 'runsc missing' }] }),
        node('gvisor', { backends: [{ name: 'gvisor', available: true, reason: '' }] }),
      ],
      { ...fn, backend: 'gvisor' },
    );
    assert.deepEqual(ranked.map((n) => n.id), ['gvisor']);
  });

  it('puts agents without memory to spare last', () => {
    const ranked = rankAgents([node('full', { memoryUsedMb: 1000 }), node('roomy', { running: 3 })], fn);
    assert.deepEqual(ranked.map((n) => n.id), ['roomy', 'full']);
  });
});
