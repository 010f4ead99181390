// Derived figures: cost per million invocations, ratios against the baselines, and the targets of
// issues 4 and 5 checked against what this run measured.
import { FUNCTION_MEMORY_MB } from './functions.ts';
import { LAMBDA_PRICE_PER_MILLION_REQUESTS } from './options.ts';
import { intervalText } from './stats.ts';
import type { CostRow, MemoryRow, ResultRow, TargetCheck } from './types.ts';

const MiB = 1024 * 1024;
const r2 = (v: number) => Math.round(v * 100) / 100;

function find(rows: ResultRow[], q: Partial<ResultRow>): ResultRow | undefined {
  return rows.find((r) => Object.entries(q).every(([k, v]) => (r as unknown as Record<string, unknown>)[k] === v));
}

/** A backend's memory overhead for a function: its warm container's idle memory above runc's. */
export function overheadMb(memory: MemoryRow[], backend: string, fn: string): number {
  if (backend === 'docker') return 0;
  const mine = memory.find((m) => m.backend === backend && m.fn === fn);
  const runc = memory.find((m) => m.backend === 'docker' && m.fn === fn);
  if (!mine || !runc) return 0;
  return Math.max(0, Math.round(((mine.idleBytes - runc.idleBytes) / MiB) * 10) / 10);
}

export function costRows(rows: ResultRow[], memory: MemoryRow[], priceGbS: number): CostRow[] {
  const out: CostRow[] = [];
  const cost = (target: CostRow['target'], backend: string, fn: string, heldMs: number): CostRow => {
    const over = overheadMb(memory, backend, fn);
    const billedMs = Math.max(1, Math.ceil(heldMs));
    const gbSecondsPerMillion = 1e6 * ((FUNCTION_MEMORY_MB + over) / 1024) * (billedMs / 1000);
    const usd = gbSecondsPerMillion * priceGbS;
    return {
      backend, target, fn, memoryMb: FUNCTION_MEMORY_MB, overheadMb: over, billedMs,
      gbSecondsPerMillion: Math.round(gbSecondsPerMillion * 10) / 10,
      usdPerMillion: Math.round(usd * 10000) / 10000,
      usdPerMillionWithRequests: Math.round((usd + LAMBDA_PRICE_PER_MILLION_REQUESTS) * 10000) / 10000,
    };
  };
  for (const w of rows.filter((r) => r.scenario === 'warm' && r.metrics === 'on')) {
    out.push(cost('stratus', w.backend, w.fn, w.latency.mean));
  }
  for (const b of rows.filter((r) => r.scenario === 'baseline')) {
    out.push(cost('docker-run', b.backend, b.fn, b.latency.mean));
  }
  return out;
}

export function ratios(rows: ResultRow[]): Array<{ name: string; value: number; detail: string }> {
  const out: Array<{ name: string; value: number; detail: string }> = [];
    for (const c of rows.filter((r) => r.scenario === 'cold')) {
    const base = find(rows, { scenario: 'baseline', backend: c.backend, fn: c.fn });
    if (base && c.latency.p50 > 0) out.push({ name: `cold start ${c.fn} ${c.backend}: docker run p50 / Stratus p50`, value: r2(base.latency.p50 / c.latency.p50), detail: `${base.latency.p50} ms vs ${r2(c.latency.p50)} ms` });
  }
  for (const w of rows.filter((r) => r.scenario === 'warm' && r.metrics === 'on')) {
    const base = find(rows, { scenario: 'baseline', backend: w.backend, fn: w.fn });
    if (base && w.latency.p50 > 0) out.push({ name: `warm ${w.fn} ${w.backend}: docker run p50 / Stratus warm p50`, value: r2(base.latency.p50 / w.latency.p50), detail: `${base.latency.p50} ms vs ${r2(w.latency.p50)} ms` });
    // The floor under the 1 ms target: one plain HTTP round trip on this machine, same client.
    const raw = find(rows, { scenario: 'warm', target: 'raw-http' });
    if (raw && raw.latency.p50 > 0) out.push({ name: `warm ${w.fn} ${w.backend}: Stratus warm p50 / raw HTTP p50`, value: r2(w.latency.p50 / raw.latency.p50), detail: `${r2(w.latency.p50)} ms vs ${r2(raw.latency.p50)} ms (+${r2(w.latency.p50 - raw.latency.p50)} ms)` });
  }
  for (const t of rows.filter((r) => r.scenario === 'throughput' && r.target === 'stratus' && r.metrics === 'on')) {
    const raw = find(rows, { scenario: 'throughput', target: 'raw-http', concurrency: t.concurrency });
    if (raw && raw.rps > 0) out.push({ name: `throughput ${t.fn} ${t.backend} c=${t.concurrency}: % of raw HTTP ceiling`, value: r2((100 * t.rps) / raw.rps), detail: `${t.rps} vs ${raw.rps} req/s` });
  }
  for (const t of rows.filter((r) => r.scenario === 'throughput' && r.target === 'stratus' && r.backend === 'gvisor' && r.metrics === 'on')) {
    const d = find(rows, { scenario: 'throughput', target: 'stratus', backend: 'docker', fn: t.fn, concurrency: t.concurrency, metrics: 'on' });
    if (d && d.rps > 0) out.push({ name: `throughput ${t.fn} c=${t.concurrency}: gVisor / Docker`, value: r2(t.rps / d.rps), detail: `${t.rps} vs ${d.rps} req/s` });
  }
  for (const off of rows.filter((r) => r.metrics === 'off' && r.scenario.startsWith('metrics-'))) {
    const on = find(rows, { scenario: off.scenario, target: 'stratus', backend: off.backend, fn: off.fn, concurrency: off.concurrency, metrics: 'on' });
    if (!on) continue;
    const kind = throughputKind(off);
    const at = off.memoryMb ? ` at ${off.memoryMb} MB` : '';
    if (off.scenario === 'metrics-warm') out.push({ name: `metrics cost${at}, warm p50 ${off.fn} ${off.backend}: % slower with metrics`, value: r2((100 * (on.latency.p50 - off.latency.p50)) / off.latency.p50), detail: `on ${r2(on.latency.p50)} ms, off ${r2(off.latency.p50)} ms` });
    else out.push({ name: `metrics cost${at}, ${kind} ${off.fn} ${off.backend} c=${off.concurrency}: % fewer req/s with metrics`, value: r2((100 * (off.rps - on.rps)) / off.rps), detail: `on ${on.rps}, off ${off.rps} req/s` });
    const floor = noiseFloor(rows, off);
    if (floor !== undefined) {
      const what = off.scenario === 'metrics-warm' ? `warm p50 ${off.fn} ${off.backend}: % slower` : `${kind} ${off.fn} ${off.backend} c=${off.concurrency}: % fewer req/s`;
      out.push({ name: `noise floor${at}, ${what} on a second metrics-off platform`, value: r2(floor.pct), detail: floor.detail });
      const both = costAgainstBothOff(rows, off, on);
      if (both) out.push({ name: `metrics cost${at}, ${what} with metrics than the two metrics-off platforms' mean`, value: r2(both.pct), detail: both.detail });
    }
    const same = costAgainstSwitchedOff(rows, on);
    if (same) {
      const what = off.scenario === 'metrics-warm' ? `warm p50 ${off.fn} ${off.backend}: % slower` : `${kind} ${off.fn} ${off.backend} c=${off.concurrency}: % fewer req/s`;
      out.push({ name: `metrics cost${at}, ${what} with metrics than the same platform with them switched off`, value: r2(same.pct), detail: same.detail });
    }
  }
  return out;
}

export function targets(rows: ResultRow[], leaked: number | null): TargetCheck[] {
  const out: TargetCheck[] = [];
  const cold = rows.filter((r) => r.scenario === 'cold' && (r.fn === 'noop-py' || r.fn === 'noop-node'));
  for (const c of cold) {
    const goal = c.backend === 'gvisor' ? 60 : 25;
    out.push({ issue: 4, name: `cold start ${c.fn} ${c.backend}`, goal: `p50 <= ${goal} ms`, measured: `p50 ${r2(c.latency.p50)} ms (${c.errors} errors)`, pass: c.latency.p50 <= goal && c.errors === 0 });
  }
  for (const w of rows.filter((r) => r.scenario === 'warm' && r.metrics === 'on' && (r.fn === 'noop-py' || r.fn === 'noop-node'))) {
    out.push({ issue: 4, name: `warm ${w.fn} ${w.backend}`, goal: 'p50 <= 1 ms, p99 <= 5 ms', measured: `p50 ${r2(w.latency.p50)} ms, p99 ${r2(w.latency.p99)} ms`, pass: w.latency.p50 <= 1 && w.latency.p99 <= 5 && w.errors === 0 });
  }
  for (const t of rows.filter((r) => r.scenario === 'throughput' && r.target === 'stratus' && r.metrics === 'on' && r.concurrency === 32 && (r.fn === 'noop-py' || r.fn === 'noop-node'))) {
    const raw = find(rows, { scenario: 'throughput', target: 'raw-http', concurrency: 32 });
    const pct = raw ? (100 * t.rps) / raw.rps : NaN;
    out.push({ issue: 4, name: `throughput c=32 ${t.fn} ${t.backend}`, goal: '>= 15% of the raw HTTP ceiling, no errors', measured: `${t.rps} req/s = ${Number.isFinite(pct) ? pct.toFixed(1) : '?'}% of ${raw?.rps ?? '?'}; ${t.errors} errors`, pass: raw ? pct >= 15 && t.errors === 0 : null });
  }
  for (const b of rows.filter((r) => r.scenario === 'burst')) {
    out.push({ issue: 4, name: `burst ${b.backend}`, goal: `${b.requests} concurrent first invocations all succeed`, measured: `${b.requests - b.errors}/${b.requests} ok, p50 ${r2(b.latency.p50)} ms, p99 ${r2(b.latency.p99)} ms`, pass: b.errors === 0 });
  }
  for (const m of rows.filter((r) => r.scenario === 'mixed')) {
    out.push({ issue: 4, name: `mixed load ${m.durationSec} s, c=${m.concurrency}, ${m.backend}`, goal: 'zero failed invocations, zero leaked containers', measured: `${m.requests} requests, ${m.errors} failed; leaked containers: ${leaked ?? 'not checked'}`, pass: m.errors === 0 && leaked === 0 });
  }
  for (const off of rows.filter((r) => r.metrics === 'off' && r.scenario.startsWith('metrics-'))) {
    const on = find(rows, { scenario: off.scenario, target: 'stratus', backend: off.backend, fn: off.fn, concurrency: off.concurrency, metrics: 'on' });
    if (!on) continue;
    const at = off.memoryMb ? ` at ${off.memoryMb} MB` : '';
    // Judged against the same platform with its metrics switched off where the run has it (no
    // platform's own bias in it), else against both metrics-off platforms: twice the baseline's samples.
    const both = costAgainstBothOff(rows, off, on);
    const same = costAgainstSwitchedOff(rows, on);
    const judged = (pct: number) => same?.pct ?? both?.pct ?? pct;
    const bothText = (both ? `; against both metrics-off platforms' mean (${both.detail}): ${both.pct.toFixed(1)}%` : '')
      + (same ? `; against the same platform with metrics switched off (${same.detail}): ${same.pct.toFixed(1)}%` : '')
      + (on.costByRound ? `; round by round ${on.costByRound.median.toFixed(1)}% (${intervalText(on.costByRound)})` : '');
    if (off.scenario === 'metrics-warm') {
      const pct = (100 * (on.latency.p50 - off.latency.p50)) / off.latency.p50;
      out.push({ issue: 5, name: `metrics cost${at}, warm ${off.fn} ${off.backend}`, goal: '<= 5% on warm p50', measured: `on ${r2(on.latency.p50)} ms, off ${r2(off.latency.p50)} ms (${pct.toFixed(1)}%)${floorText(rows, off)}${bothText}`, pass: judged(pct) <= 5 });
    } else {
      const pct = (100 * (off.rps - on.rps)) / off.rps;
      const kind = throughputKind(off);
      out.push({ issue: 5, name: `metrics cost${at}, ${kind} c=${off.concurrency} ${off.fn} ${off.backend}`, goal: '<= 5% fewer req/s', measured: `on ${on.rps}, off ${off.rps} req/s (${pct.toFixed(1)}%)${floorText(rows, off)}${bothText}`, pass: judged(pct) <= 5 });
    }
  }
  return out;
}

/**
 * How far the second metrics-off platform ('control') is from the first in the same rounds, in the
 * unit of the metrics cost (% fewer req/s, or % slower warm p50): the run's noise floor.
 */
export function noiseFloor(rows: ResultRow[], off: ResultRow): { pct: number; detail: string } | undefined {
  const control = find(rows, { scenario: off.scenario, target: 'stratus', backend: off.backend, fn: off.fn, concurrency: off.concurrency, metrics: 'control' });
  if (!control) return undefined;
  if (off.scenario === 'metrics-warm') {
    return { pct: (100 * (control.latency.p50 - off.latency.p50)) / off.latency.p50, detail: `control ${r2(control.latency.p50)} ms, off ${r2(off.latency.p50)} ms` };
  }
  return off.rps > 0 ? { pct: (100 * (off.rps - control.rps)) / off.rps, detail: `control ${control.rps}, off ${off.rps} req/s` } : undefined;
}

/**
 * The metrics cost against the mean of both metrics-off platforms ('off' and 'control'), in the unit
 * of the cost: the two are the same platform, so together they are a baseline with twice the
 * samples, and one platform's luck in a run (-10% to +9% between them on these VMs) weighs half.
 */
export function costAgainstBothOff(rows: ResultRow[], off: ResultRow, on: ResultRow): { pct: number; detail: string } | undefined {
  const control = find(rows, { scenario: off.scenario, target: 'stratus', backend: off.backend, fn: off.fn, concurrency: off.concurrency, metrics: 'control' });
  if (!control) return undefined;
  if (off.scenario === 'metrics-warm') {
    const base = (off.latency.p50 + control.latency.p50) / 2;
    return { pct: (100 * (on.latency.p50 - base)) / base, detail: `on ${r2(on.latency.p50)} ms, off ${r2(base)} ms` };
  }
  const base = (off.rps + control.rps) / 2;
  return base > 0 ? { pct: (100 * (base - on.rps)) / base, detail: `on ${on.rps}, off ${r2(base)} req/s` } : undefined;
}

/**
 * The metrics cost against the metrics-on platform itself, measured in the same rounds with its
 * agent's metrics switched off ('switched-off'), in the unit of the cost.
 */
export function costAgainstSwitchedOff(rows: ResultRow[], on: ResultRow): { pct: number; detail: string } | undefined {
  const sw = find(rows, { scenario: on.scenario, target: 'stratus', backend: on.backend, fn: on.fn, concurrency: on.concurrency, metrics: 'switched-off' });
  if (!sw) return undefined;
  if (on.scenario === 'metrics-warm') {
    return { pct: (100 * (on.latency.p50 - sw.latency.p50)) / sw.latency.p50, detail: `on ${r2(on.latency.p50)} ms, switched off ${r2(sw.latency.p50)} ms` };
  }
  return sw.rps > 0 ? { pct: (100 * (sw.rps - on.rps)) / sw.rps, detail: `on ${on.rps}, switched off ${sw.rps} req/s` } : undefined;
}

const floorText = (rows: ResultRow[], off: ResultRow): string => {
  const f = noiseFloor(rows, off);
  return f ? `; noise floor ${f.pct.toFixed(1)}% (a second metrics-off platform)` : '';
};

/**
 * 'throughput', or for the sustained comparison 'sustained throughput (rounds of N s)': its row's
 * duration is all its rounds', and latency.n their number (pairedThroughput).
 */
function throughputKind(row: ResultRow): string {
  if (row.scenario !== 'metrics-sustained') return 'throughput';
  return `sustained throughput (rounds of ${Math.round((row.durationSec ?? 0) / (row.latency.n || 1))} s)`;
}
