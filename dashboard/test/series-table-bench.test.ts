import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alignSeries, regularize, windowRange, isWindowKey } from '../src/lib/series.ts';
import { filterRows, sortRows } from '../src/lib/table.ts';
import { parseBench } from '../src/lib/bench-shape.ts';

test('series from several metrics align on their timestamps; counters fill with zero, gauges with gaps', () => {
  const { xs, columns } = alignSeries(
    {
      invocations: { timestamps: [10, 30], values: [5, 7] },
      p99: { timestamps: [20, 30], values: [1.5, 2.5] },
    },
    ['invocations'],
  );
  assert.deepEqual(xs, [10, 20, 30]);
  assert.deepEqual(columns.invocations, [5, 0, 7]);
  assert.deepEqual(columns.p99, [null, 1.5, 2.5]);
  const reg = regularize(xs, columns, 0, 50, 10, ['invocations']);
  assert.deepEqual(reg.xs, [0, 10, 20, 30, 40]);
  assert.deepEqual(reg.columns.invocations, [0, 5, 0, 7, 0]);
  assert.deepEqual(reg.columns.p99, [null, null, 1.5, 2.5, null]);
});

test('windows end on a step boundary and cover their length', () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 7);
  const r = windowRange('5m', now);
  assert.equal(r.stepSec, 10);
  assert.equal((Date.parse(r.to) - Date.parse(r.from)) / 1000, 300);
  assert.equal(Date.parse(r.to) % 10_000, 0);
  assert.ok(Date.parse(r.to) > now);
  assert.ok(isWindowKey('7d'));
  assert.ok(!isWindowKey('2h'));
});

const rows = [
  { name: 'b-api', runtime: 'nodejs20.x', backend: 'gvisor', version: 3, lastAt: '2026-01-01T00:00:00Z', invocations: 10, errors: 0, p50: 5, handler: 'index.handler' },
  { name: 'a-worker', runtime: 'python3.11', backend: 'docker', version: 1, lastAt: '', invocations: null, errors: null, p50: null, description: 'resizes images' },
  { name: 'c-cron', runtime: 'python3.11', backend: 'docker', version: 7, lastAt: '2026-01-02T00:00:00Z', invocations: 99, errors: 4, p50: 50 },
];

test('function search matches every term across name, runtime, backend and description', () => {
  assert.deepEqual(filterRows(rows, 'python').map((r) => r.name), ['a-worker', 'c-cron']);
  assert.deepEqual(filterRows(rows, 'python images').map((r) => r.name), ['a-worker']);
  assert.deepEqual(filterRows(rows, 'GVISOR').map((r) => r.name), ['b-api']);
  assert.equal(filterRows(rows, '  ').length, 3);
});

test('sorting puts empty values last in both directions', () => {
  assert.deepEqual(sortRows(rows, 'name', false).map((r) => r.name), ['a-worker', 'b-api', 'c-cron']);
  assert.deepEqual(sortRows(rows, 'invocations', true).map((r) => r.name), ['c-cron', 'b-api', 'a-worker']);
  assert.deepEqual(sortRows(rows, 'invocations', false).map((r) => r.name), ['b-api', 'c-cron', 'a-worker']);
  assert.deepEqual(sortRows(rows, 'lastAt', true).map((r) => r.name), ['c-cron', 'b-api', 'a-worker']);
  assert.deepEqual(rows.map((r) => r.name), ['b-api', 'a-worker', 'c-cron'], 'the input is not changed');
});

test('benchmark results are read per backend from a nested shape', () => {
  const parsed = parseBench({
    finishedAt: '2026-01-01T00:00:00Z',
    quick: true,
    backends: {
      gvisor: { coldStartMs: { p50: 900, p99: 1500 }, warmLatencyMs: { p50: 3, p99: 9 }, throughputRps: 800, memoryPerContainerMb: 40, costPerMillion: 0.5 },
      docker: { coldStartMs: { p50: 400, p99: 700 }, warmLatencyMs: { p50: 2, p99: 5 }, throughputRps: 1500, memoryPerContainerMb: 12, costPerMillion: 0.3 },
    },
  });
  assert.ok(parsed);
  assert.equal(parsed.quick, true);
  assert.deepEqual(parsed.backends.map((b) => b.backend), ['docker', 'gvisor']);
  assert.deepEqual(parsed.backends[0].coldStartMs, { p50: 400, p99: 700 });
  assert.equal(parsed.backends[1].throughputRps, 800);
  assert.equal(parsed.backends[0].memoryPerContainerMb, 12);
  assert.equal(parsed.backends[0].costPerMillion, 0.3);
});

test('benchmark results as a list of rows with a backend field are read too; junk gives null', () => {
  const parsed = parseBench({ results: [{ backend: 'docker', cold: 300, warm: { median: 2 } }, { backend: 'gvisor', cold: 800, warm: { median: 4 } }] });
  assert.ok(parsed);
  assert.equal(parsed.backends[0].coldStartMs.p50, 300);
  assert.equal(parsed.backends[1].warmLatencyMs.p50, 4);
  assert.equal(parseBench(null), null);
  assert.equal(parseBench({ nothing: 1 }), null);
});

test("the bench tool's own results (stratus.bench/v1) give cold, warm, throughput, memory and cost per backend", () => {
  const lat = (p50: number, p99: number) => ({ n: 10, p50, p95: p99, p99, max: p99, mean: p50 });
  const parsed = parseBench({
    schema: 'stratus.bench/v1',
    startedAt: '2026-01-01T00:00:00Z',
    finishedAt: '2026-01-01T00:05:00Z',
    options: { quick: true },
    rows: [
      { scenario: 'cold', target: 'stratus', backend: 'docker', runtime: 'nodejs20.x', fn: 'node', metrics: 'on', concurrency: 1, latency: lat(300, 400), rps: 0, requests: 5, errors: 0 },
      { scenario: 'cold', target: 'stratus', backend: 'docker', runtime: 'python3.11', fn: 'py', metrics: 'on', concurrency: 1, latency: lat(350, 500), rps: 0, requests: 5, errors: 0 },
      { scenario: 'warm', target: 'stratus', backend: 'docker', runtime: 'python3.11', fn: 'py', metrics: 'off', concurrency: 1, latency: lat(2.5, 6), rps: 300, requests: 100, errors: 0 },
      { scenario: 'warm', target: 'stratus', backend: 'docker', runtime: 'python3.11', fn: 'py', metrics: 'on', concurrency: 1, latency: lat(2.6, 7), rps: 290, requests: 100, errors: 0 },
      { scenario: 'throughput', target: 'stratus', backend: 'docker', runtime: 'python3.11', fn: 'py', metrics: 'on', concurrency: 16, latency: lat(10, 30), rps: 1500, requests: 9000, errors: 0 },
      { scenario: 'cold', target: 'stratus', backend: 'gvisor', runtime: 'python3.11', fn: 'py', metrics: 'on', concurrency: 1, latency: lat(800, 1200), rps: 0, requests: 5, errors: 0 },
      { scenario: 'baseline', target: 'docker-run', backend: 'docker', runtime: 'python3.11', fn: 'py', metrics: '-', concurrency: 1, latency: lat(600, 700), rps: 0, requests: 5, errors: 0 },
    ],
    memory: [
      { backend: 'docker', fn: 'py', containerId: 'a', cgroupPath: '', idleBytes: 10 * 1048576, busyBytes: 12 * 1048576, limitBytes: 0 },
      { backend: 'gvisor', fn: 'py', containerId: 'b', cgroupPath: '', idleBytes: 40 * 1048576, busyBytes: 45 * 1048576, limitBytes: 0 },
    ],
    cost: [{ backend: 'docker', target: 'stratus', fn: 'py', memoryMb: 128, overheadMb: 10, billedMs: 3, gbSecondsPerMillion: 375, usdPerMillion: 0.006, usdPerMillionWithRequests: 0.206 }],
    ratios: [],
    targets: [],
    leakedContainers: 0,
    failures: [],
  });
  assert.ok(parsed);
  assert.equal(parsed.quick, true);
  assert.equal(parsed.at, '2026-01-01T00:05:00Z');
  const [docker, gvisor] = parsed.backends;
  assert.equal(docker.backend, 'docker');
  assert.deepEqual(docker.coldStartMs, { p50: 350, p99: 500 }, 'the Python row is the reference');
  assert.deepEqual(docker.warmLatencyMs, { p50: 2.6, p99: 7 }, 'metrics on');
  assert.equal(docker.throughputRps, 1500);
  assert.equal(docker.memoryPerContainerMb, 10);
  assert.equal(docker.costPerMillion, 0.206);
  assert.equal(gvisor.backend, 'gvisor');
  assert.equal(gvisor.coldStartMs.p50, 800);
  assert.equal(gvisor.warmLatencyMs.p50, null);
  assert.equal(gvisor.memoryPerContainerMb, 40);
  assert.equal(gvisor.costPerMillion, null);
});
