// The metrics cost (issue #5) of several runs taken together: `npm run bench -- --combine A.json,B.json`.
// One run's round-by-round figure has a 95% interval 4-8 points wide on a 2-core VM (docs/benchmarks.md,
// "How sure one run is"), and 80 rounds in one run narrowed it by less than a point: the rounds of one
// run are not independent of each other (the same platforms, the same hour of the same VM). Separate
// runs are. So the rounds of the same row (scenario, function, backend, concurrency), 'on' against the
// same platform switched off in the same round, are pooled across runs into one median and interval,
// and each run's own pooled figure is listed beside it.
import fs from 'node:fs';
import path from 'node:path';
import { costAgainstSwitchedOff } from './analysis.ts';
import { roundByRound } from './scenarios/metrics-cost.ts';
import { intervalText } from './stats.ts';
import type { BenchResult, ResultRow, RoundCost } from './types.ts';

/** One run's part of a combined row. */
export interface RunPart {
  file: string;
  startedAt: string;
  rounds: number;
  /** The run's pooled figure against the switched-off side (what its target line judged). */
  pooled: number;
  byRound: RoundCost;
}

export interface CombinedRow {
  scenario: ResultRow['scenario'];
  fn: string;
  backend: string;
  concurrency: number;
  unit: 'fewer' | 'slower';
  runs: RunPart[];
  /** Every run's rounds together. */
  combined: RoundCost;
  /** The mean of the runs' pooled figures. */
  meanPooled: number;
}

/**
 * A metrics row's figure for each round: req/s (throughput rows) or p50 in ms (warm rows). From the
 * row's `rounds` where it has them, else from its note, where every run since 2026-12-07 lists them
 * ("req/s: 5123, 5234" or "p50s, ms: 0.71, 0.73"); undefined when neither has them.
 */
export function roundFigures(row: ResultRow): number[] | undefined {
  if (row.rounds?.length) return row.rounds;
  const m = /\((?:req\/s|p50s, ms): ([-\d., e]+)\)/.exec(row.note ?? '');
  if (!m) return undefined;
  const xs = m[1].split(',').map((s) => Number(s.trim()));
  return xs.length > 0 && xs.every(Number.isFinite) ? xs : undefined;
}

const keyOf = (r: ResultRow) => `${r.scenario}|${r.fn}|${r.backend}|${r.concurrency}`;

/** The metrics-* rows of several runs, each 'on' row against its switched-off side, run by run and pooled. */
export function combineRuns(runs: Array<{ file: string; result: BenchResult }>): CombinedRow[] {
  const byKey = new Map<string, CombinedRow & { on: number[]; off: number[] }>();
  for (const { file, result } of runs) {
    for (const on of result.rows.filter((r) => r.metrics === 'on' && r.scenario.startsWith('metrics-'))) {
      const sw = result.rows.find((r) => r.metrics === 'switched-off' && keyOf(r) === keyOf(on));
      const pooled = costAgainstSwitchedOff(result.rows, on);
      const onRounds = roundFigures(on);
      const offRounds = sw && roundFigures(sw);
      if (!sw || !pooled || !onRounds || !offRounds || onRounds.length !== offRounds.length) continue;
      const unit = on.scenario === 'metrics-warm' ? 'slower' : 'fewer';
      const byRound = roundByRound(onRounds, offRounds, unit);
      if (!byRound) continue;
      let row = byKey.get(keyOf(on));
      if (!row) {
        row = { scenario: on.scenario, fn: on.fn, backend: on.backend, concurrency: on.concurrency, unit, runs: [], combined: byRound, meanPooled: 0, on: [], off: [] };
        byKey.set(keyOf(on), row);
      }
      row.runs.push({ file, startedAt: result.startedAt, rounds: onRounds.length, pooled: pooled.pct, byRound });
      // rounds stay paired: each run's on and off lists are appended in the same order
      row.on.push(...onRounds);
      row.off.push(...offRounds);
    }
  }
  return [...byKey.values()].map(({ on, off, ...row }) => ({
    ...row,
    combined: roundByRound(on, off, row.unit)!,
    meanPooled: row.runs.reduce((s, r) => s + r.pooled, 0) / row.runs.length,
  }));
}

/** Reads result files; a file that cannot be read or is not a bench result is an error naming it. */
export function readResults(files: string[]): Array<{ file: string; result: BenchResult }> {
  return files.map((file) => {
    let result: BenchResult;
    try {
      result = JSON.parse(fs.readFileSync(file, 'utf8')) as BenchResult;
    } catch (err) {
      throw new Error(`--combine: cannot read ${file}: ${(err as Error).message}`);
    }
    if (result?.schema !== 'stratus.bench/v1' || !Array.isArray(result.rows)) throw new Error(`--combine: ${file} is not a bench result (schema stratus.bench/v1)`);
    return { file: path.relative(process.cwd(), file) || file, result };
  });
}

const what = (r: CombinedRow) =>
  r.scenario === 'metrics-warm' ? `warm p50 ${r.fn} ${r.backend}` : `${r.scenario === 'metrics-sustained' ? 'sustained ' : ''}throughput c=${r.concurrency} ${r.fn} ${r.backend}`;

/** The combined figures as text: one line a row, then each run's part. */
export function combinedReport(rows: CombinedRow[]): string {
  if (rows.length === 0) return 'no metrics comparison with round-by-round figures in these results\n';
  const lines = ["Metrics cost (issue #5: <= 5%), the runs' rounds pooled: % fewer req/s or % slower p50, metrics on against the same platform switched off", ''];
  for (const r of rows) {
    const c = r.combined;
    const verdict = c.interval[1] <= 5 ? 'within 5% (the whole interval)' : c.median <= 5 ? 'median within 5%, the interval reaches above' : 'over 5%';
    lines.push(`${what(r)}: ${c.median.toFixed(1)}% (${intervalText(c)}, ${r.runs.length} runs); mean of the runs' pooled figures ${r.meanPooled.toFixed(1)}%: ${verdict}`);
    for (const p of r.runs) lines.push(`    ${p.startedAt} ${p.file}: pooled ${p.pooled.toFixed(1)}%, round by round ${p.byRound.median.toFixed(1)}% (${intervalText(p.byRound)})`);
  }
  return `${lines.join('\n')}\n`;
}
