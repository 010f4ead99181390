import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { GaugeEvent } from '@stratus/common';
import { GaugeRegistry } from '../src/metrics/gauge-registry';

const gauge = (agentId: string, over: Partial<GaugeEvent> = {}): GaugeEvent => ({
  schema: 1, agentId, at: new Date().toISOString(), containers: [], memoryUsedMb: 0, memoryBudgetMb: 1024, queued: 0, running: 0,
  hostCpuPercent: 0, hostMemoryUsedMb: 0, hostMemoryTotalMb: 1, ...over,
});

describe('gauge registry', () => {
  it('keeps the latest gauges and a bounded history per agent', () => {
    const reg = new GaugeRegistry({ historySize: 3 });
    for (let i = 0; i < 5; i++) reg.add(gauge('a', { queued: i }), 1000 + i);
    const a = reg.get('a', 1005)!;
    assert.equal(a.latest.queued, 4);
    assert.deepEqual(a.history.map((g) => g.queued), [2, 3, 4]);
  });

  it('reports an agent gone once its gauges stop, and forgets it later', () => {
    const reg = new GaugeRegistry({ goneAfterMs: 10_000 });
    reg.add(gauge('a'), 0);
    reg.add(gauge('b'), 8_000);
    assert.deepEqual(reg.list(15_000).map((x) => [x.agentId, x.gone]), [['a', true], ['b', false]]);
    reg.sweep(3_605_000, 3_600_000);
    assert.deepEqual(reg.list(3_605_000).map((x) => x.agentId), ['b']);
  });

  it('averages the measured backend overhead over live agents only', () => {
    const reg = new GaugeRegistry({ goneAfterMs: 10_000 });
    reg.add(gauge('a', { backendOverheadMb: { gvisor: 10, docker: 1 } }), 100_000);
    reg.add(gauge('b', { backendOverheadMb: { gvisor: 20 } }), 100_000);
    reg.add(gauge('old', { backendOverheadMb: { gvisor: 1000 } }), 0);
    assert.deepEqual(reg.backendOverheadMb(105_000), { gvisor: 15, docker: 1 });
  });
});
