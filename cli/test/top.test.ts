import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { makeInvocationEvent } from '@stratus/common/testing/invocation-events.ts';
import type { GaugeEvent } from '@stratus/common';
import { renderTop, TopWindow } from '../src/top';

const gauge = (agentId: string): GaugeEvent => ({
  schema: 1, agentId, at: new Date(0).toISOString(),
  containers: [{ backend: 'docker', runtime: 'python3.11', state: 'busy', count: 2 }, { backend: 'gvisor', runtime: 'python3.11', state: 'busy', count: 1 }, { backend: 'docker', runtime: 'nodejs20.x', state: 'prewarmed', count: 2 }],
  memoryUsedMb: 640, memoryBudgetMb: 12000, queued: 3, running: 3, hostCpuPercent: 42.4, hostMemoryUsedMb: 2048, hostMemoryTotalMb: 24000,
});

describe('stratus top', () => {
  it('gives per function the rate, errors, cold starts and exact percentiles of the window', () => {
    const w = new TopWindow(10_000);
    for (let i = 1; i <= 100; i++) {
      w.addInvocation(makeInvocationEvent({ function: 'api', backend: 'docker', durationMs: i, status: i % 10 === 0 ? 'function_error' : 'ok', coldStart: i <= 2 }), 1_000);
    }
    w.addInvocation(makeInvocationEvent({ function: 'batch', backend: 'gvisor', durationMs: 500 }), 1_000);
    const [api, batch] = w.functions(5_000);
    assert.deepEqual(api, { function: 'api', backend: 'docker', perSec: 10, errorPct: 10, cold: 2, p50: 50, p99: 99, max: 100 });
    assert.equal(batch.function, 'batch');
    assert.equal(batch.perSec, 0.1);
  });

  it('forgets what left the window', () => {
    const w = new TopWindow(10_000);
    w.addInvocation(makeInvocationEvent({ function: 'old' }), 0);
    w.addInvocation(makeInvocationEvent({ function: 'new' }), 9_000);
    assert.deepEqual(w.functions(10_500).map((r) => r.function), ['new']);
    assert.deepEqual(w.functions(30_000), []);
  });

  it('renders agents with containers by state and functions as tables', () => {
    const w = new TopWindow(10_000);
    w.addGauges(gauge('agent-b'));
    w.addGauges(gauge('agent-a'));
    w.addInvocation(makeInvocationEvent({ function: 'api', backend: 'docker', durationMs: 1.5, status: 'ok' }), 1_000);
    const text = renderTop(w, 2_000, 'http://127.0.0.1:8080');
    const lines = text.split('\n');
    assert.match(lines[0], /^stratus top {2}00:00:02 {2}http:\/\/127\.0\.0\.1:8080 {2}window 10 s$/);
    assert.match(text, /AGENT\s+BUSY\s+IDLE\s+PREWARMED\s+STARTING\s+MEMORY\s+QUEUED\s+RUNNING\s+HOST CPU\s+HOST MEM/);
    assert.ok(text.indexOf('agent-a') < text.indexOf('agent-b'), 'agents in name order');
    assert.match(text, /agent-a\s+3\s+0\s+2\s+0\s+640\/12000 MB\s+3\s+3\s+42%\s+2048\/24000 MB/);
    assert.match(text, /api\s+docker\s+0\.1\s+0\.0\s+0\s+1\.50\s+1\.50\s+1\.50/);
  });

  it('says so when nothing came yet', () => {
    const text = renderTop(new TopWindow(5_000), 0, 'gw');
    assert.match(text, /no agent gauges yet/);
    assert.match(text, /no invocations in the window/);
  });
});
