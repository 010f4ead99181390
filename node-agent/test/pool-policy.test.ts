import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  chooseEvictions, memoryInUse, prewarmDeficit, prewarmTargets, protectedWarm, retryAfterSec, scaleAheadTarget, selectContainer, type ContainerView,
} from '../src/pool/policy';

const c = (id: string, over: Partial<ContainerView>): ContainerView => ({
  id, state: 'idle', backend: 'docker', runtime: 'python3.11', memoryMb: 128, lastUsedAt: 0, createdAt: 0, ...over,
});
const need = { functionKey: 'f@1', runtime: 'python3.11', backend: 'docker', memoryMb: 128 };

describe('selectContainer', () => {
  it('prefers the most recently used idle container of the same version', () => {
    const pick = selectContainer([c('a', { functionKey: 'f@1', lastUsedAt: 1 }), c('b', { functionKey: 'f@1', lastUsedAt: 5 }), c('p', { state: 'prewarmed' })], need, true);
    assert.deepEqual(pick, { kind: 'warm', id: 'b' });
  });

  it('never takes a container of another version or a busy one', () => {
    const pick = selectContainer([c('a', { functionKey: 'f@2' }), c('b', { functionKey: 'f@1', state: 'busy' })], need, true);
    assert.deepEqual(pick, { kind: 'new' });
  });

  it('takes a pre-warmed container of the runtime and backend when no warm one is idle', () => {
    const pick = selectContainer([c('x', { state: 'prewarmed', runtime: 'nodejs20.x' }), c('y', { state: 'prewarmed', backend: 'gvisor' }), c('z', { state: 'prewarmed' })], need, true);
    assert.deepEqual(pick, { kind: 'prewarmed', id: 'z' });
  });

  it('needs an exact memory size when the backend cannot change limits, and prefers it when it can', () => {
    const containers = [c('small', { state: 'prewarmed', memoryMb: 128 }), c('exact', { state: 'prewarmed', memoryMb: 512, createdAt: 9 })];
    const big = { ...need, memoryMb: 512 };
    assert.deepEqual(selectContainer(containers, big, true), { kind: 'prewarmed', id: 'exact' });
    assert.deepEqual(selectContainer([containers[0]], big, false), { kind: 'new' });
    assert.deepEqual(selectContainer([containers[0]], big, true), { kind: 'prewarmed', id: 'small' });
  });
});

describe('chooseEvictions', () => {
  it('evicts nothing when the budget has room', () => {
    assert.deepEqual(chooseEvictions([c('a', {})], 128, 1024), []);
  });

  it('evicts idle containers least recently used first, then pre-warmed ones', () => {
    const containers = [
      c('new', { lastUsedAt: 30 }), c('old', { lastUsedAt: 10 }), c('mid', { lastUsedAt: 20 }),
      c('pre', { state: 'prewarmed' }), c('busy', { state: 'busy' }),
    ];
    assert.deepEqual(chooseEvictions(containers, 256, 640), ['old', 'mid']);
    assert.deepEqual(chooseEvictions(containers, 128 * 4, 640), ['old', 'mid', 'new', 'pre']);
  });

  it('answers undefined when even evicting every candidate would not make room', () => {
    assert.equal(chooseEvictions([c('busy', { state: 'busy' }), c('i', {})], 512, 512), undefined);
  });

  it('never evicts a protected container', () => {
    assert.deepEqual(chooseEvictions([c('keep', { lastUsedAt: 1 }), c('go', { lastUsedAt: 2 })], 128, 256, new Set(['keep'])), ['go']);
  });

  it('counts a removing container as freed memory', () => {
    assert.equal(memoryInUse([c('a', {}), c('b', { state: 'removing' })]), 128);
  });
});

describe('pre-warm targets and deficit', () => {
  const backends = [{ name: 'docker', canUpdateLimits: true }, { name: 'gvisor', canUpdateLimits: false }];

  it('keeps perRuntime generic containers per runtime and backend, plus one per gVisor function size', () => {
    const targets = prewarmTargets({
      runtimes: ['python3.11'], backends, perRuntime: 2, baseMemoryMb: 128,
      functions: [{ runtime: 'python3.11', backend: 'gvisor', memoryMb: 512 }, { runtime: 'python3.11', backend: 'docker', memoryMb: 1024 }],
    });
    assert.deepEqual(targets.map((t) => `${t.runtime}/${t.backend}/${t.memoryMb}x${t.count}`).sort(), [
      'python3.11/docker/128x2', 'python3.11/gvisor/128x1'.replace('x1', 'x2'), 'python3.11/gvisor/512x1',
    ].sort());
  });

  it('pre-warms nothing when the count is zero', () => {
    assert.deepEqual(prewarmTargets({ runtimes: ['python3.11'], backends, perRuntime: 0, baseMemoryMb: 128, functions: [] }), []);
  });

  it('counts starting and pre-warmed containers toward the target', () => {
    const targets = [{ runtime: 'python3.11', backend: 'docker', memoryMb: 128, count: 3 }];
    const deficit = prewarmDeficit(targets, [c('s', { state: 'starting' }), c('p', { state: 'prewarmed' }), c('i', { functionKey: 'f@1' })]);
    assert.deepEqual(deficit, [{ ...targets[0], count: 1 }]);
    assert.deepEqual(prewarmDeficit(targets, [c('1', { state: 'prewarmed' }), c('2', { state: 'prewarmed' }), c('3', { state: 'prewarmed' })]), []);
  });
});

describe('scale-ahead', () => {
  it('keeps the minimum when there is no recent traffic', () => {
    assert.equal(scaleAheadTarget({ arrivalsPerSec: 0, avgDurationMs: 0, peakConcurrency: 0 }, 2, 10), 2);
  });

  it('keeps the observed peak concurrency', () => {
    assert.equal(scaleAheadTarget({ arrivalsPerSec: 5, avgDurationMs: 10, peakConcurrency: 4 }, 0, 10), 4);
  });

  it('follows the arrival rate times the duration, with headroom, up to max concurrency', () => {
    assert.equal(scaleAheadTarget({ arrivalsPerSec: 100, avgDurationMs: 50, peakConcurrency: 1 }, 0, 10), 7); // 5 × 1.25
    assert.equal(scaleAheadTarget({ arrivalsPerSec: 1000, avgDurationMs: 100, peakConcurrency: 1 }, 0, 10), 10);
  });

  it('protects the most recently used containers of a function up to its minimum', () => {
    const containers = [c('a', { functionKey: 'f@1', lastUsedAt: 1 }), c('b', { functionKey: 'f@1', lastUsedAt: 3 }), c('x', { functionKey: 'g@1', lastUsedAt: 9 })];
    assert.deepEqual(protectedWarm(containers, 'f@1', 1), ['b']);
    assert.deepEqual(protectedWarm(containers, 'f@1', 0), []);
  });

  it('tells a throttled caller to retry after at least a second', () => {
    assert.equal(retryAfterSec(500), 1);
    assert.equal(retryAfterSec(10_000), 5);
  });
});
