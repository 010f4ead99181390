// `npm run bench -- --combine A.json,B.json` pools the metrics on/off rounds of several runs into one
// figure per row: the rounds stay paired within their run, each run's own figures are listed too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { combineRuns, combinedReport, readResults, roundFigures } from '../src/combine.ts';
import { parseOptions } from '../src/options.ts';
import type { BenchResult, ResultRow } from '../src/types.ts';

const latency = (p50: number) => ({ n: 1, p50, p95: p50, p99: p50, max: p50, mean: p50 });

function throughputRow(metrics: ResultRow['metrics'], rps: number[], inNote = false): ResultRow {
  const mean = rps.reduce((a, b) => a + b, 0) / rps.length;
  return {
    scenario: 'metrics-throughput', target: 'stratus', backend: 'docker', fn: 'noop-py', runtime: 'python3.11', metrics, concurrency: 32,
    latency: latency(5), rps: mean, requests: 0, errors: 0,
    ...(inNote ? {} : { rounds: rps }),
    note: `${rps.length} alternating rounds of 3 s (req/s: ${rps.join(', ')}); latency = median of the rounds' p50 and p99`,
  };
}

function warmRow(metrics: ResultRow['metrics'], p50s: number[]): ResultRow {
  return {
    scenario: 'metrics-warm', target: 'stratus', backend: 'gvisor', fn: 'noop-node', runtime: 'nodejs20.x', metrics, concurrency: 1,
    latency: latency(p50s.reduce((a, b) => a + b, 0) / p50s.length), rps: 0, requests: 0, errors: 0,
    note: `${p50s.length} alternating rounds of 250 calls (p50s, ms: ${p50s.join(', ')}), warmed up`,
  };
}

const result = (startedAt: string, rows: ResultRow[]): BenchResult => ({
  schema: 'stratus.bench/v1', startedAt, finishedAt: startedAt, durationSec: 1, command: 'npm run bench', machine: {}, options: {},
  rows, memory: [], cost: [], ratios: [], targets: [], leakedContainers: 0, failures: [],
});

test('a row gives its rounds from its own field, else from its note (req/s or warm p50s)', () => {
  assert.deepEqual(roundFigures(throughputRow('on', [5000, 5100])), [5000, 5100]);
  assert.deepEqual(roundFigures(throughputRow('on', [4990, 5012.5], true)), [4990, 5012.5]);
  assert.deepEqual(roundFigures(warmRow('on', [0.731, 0.74])), [0.731, 0.74]);
  assert.equal(roundFigures({ ...throughputRow('on', [1], true), note: 'pooled only' }), undefined);
});

test('runs are pooled round by round, each run listed with its own pooled figure', () => {
  // run A: on 5% fewer req/s than switched off in every round; run B: 1%
  const a = result('2026-12-07T20:32:00Z', [
    throughputRow('on', [950, 1900, 2850], true), throughputRow('switched-off', [1000, 2000, 3000], true), throughputRow('off', [1000, 2000, 3000], true),
    warmRow('on', [1.1, 1.1]), warmRow('switched-off', [1, 1]),
  ]);
  const b = result('2026-12-08T01:40:00Z', [throughputRow('on', [990, 990, 990, 990, 990]), throughputRow('switched-off', [1000, 1000, 1000, 1000, 1000])]);
  const rows = combineRuns([{ file: 'a.json', result: a }, { file: 'b.json', result: b }]);
  const tp = rows.find((r) => r.scenario === 'metrics-throughput')!;
  assert.equal(tp.runs.length, 2);
  assert.equal(tp.combined.rounds, 8);
  // five rounds at 1%, three at 5%: the median is 1%
  assert.ok(Math.abs(tp.combined.median - 1) < 1e-9, `median ${tp.combined.median}`);
  assert.ok(Math.abs(tp.runs[0].pooled - 5) < 1e-9 && Math.abs(tp.runs[1].pooled - 1) < 1e-9);
  assert.ok(Math.abs(tp.meanPooled - 3) < 1e-9);
  assert.ok(tp.combined.interval[0] <= tp.combined.median && tp.combined.median <= tp.combined.interval[1]);
  // warm rows are % slower: 1.1 ms against 1 ms is 10%
  const warm = rows.find((r) => r.scenario === 'metrics-warm')!;
  assert.equal(warm.unit, 'slower');
  assert.ok(Math.abs(warm.combined.median - 10) < 1e-9);
  const text = combinedReport(rows);
  assert.match(text, /throughput c=32 noop-py docker: 1\.0% \(95% interval of the median .* over 8 rounds, 2 runs\); mean of the runs' pooled figures 3\.0%/);
  assert.match(text, /warm p50 noop-node gvisor: 10\.0% .* over 5%/);
  assert.match(text, /2026-12-07T20:32:00Z a\.json: pooled 5\.0%, round by round 5\.0%/);
});

test('a run without a switched-off side, or whose sides have unlike rounds, adds nothing', () => {
  const noSwitched = result('x', [throughputRow('on', [990, 990]), throughputRow('off', [1000, 1000])]);
  const unlike = result('y', [throughputRow('on', [990, 990]), throughputRow('switched-off', [1000])]);
  assert.deepEqual(combineRuns([{ file: 'x', result: noSwitched }, { file: 'y', result: unlike }]), []);
  assert.match(combinedReport([]), /no metrics comparison with round-by-round figures/);
});

test('--combine takes a comma list resolved from the repository root; a file that is not a result is named', () => {
  const opts = parseOptions(['--combine', 'bench/results/a.json,/tmp/b.json'], '/repo');
  assert.ok(opts !== 'help');
  assert.deepEqual(opts.combine, ['/repo/bench/results/a.json', '/tmp/b.json']);
  assert.throws(() => parseOptions(['--combine', ','], '/repo'), /--combine: give one or more result files/);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratus-combine-'));
  try {
    const notResult = path.join(dir, 'other.json');
    fs.writeFileSync(notResult, '{"rows": []}');
    assert.throws(() => readResults([notResult]), new RegExp(`${notResult} is not a bench result`));
    assert.throws(() => readResults([path.join(dir, 'missing.json')]), /--combine: cannot read .*missing\.json/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
