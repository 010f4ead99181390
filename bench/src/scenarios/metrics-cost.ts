// What recording and publishing metrics costs (issue 5: at most 5% on warm latency and throughput).
// Two platforms run side by side, one with metrics on and one with metrics off, and are measured in
// alternating rounds (on-off, off-on, ...): a change in the machine's load during the run falls on
// both alike instead of on whichever platform ran second. Each side's samples are pooled over its
// rounds. After each round the next waits until the metrics-on control plane has stored everything it
// received (its consumers' backlog on its own NATS server is empty), so no round pays for the
// storing of another's records. The control plane holds records back while the host's CPU is
// saturated, for at most STRATUS_INGEST_DEFER_MS (10 s): rounds shorter than that measure a load
// burst, which pays for the recording and publishing but stores afterwards; pairedThroughput's
// 'metrics-sustained' rounds are long enough that storing has to keep up.
//
// A third platform, metrics off like the second ('control'), runs in the same rounds: how far two
// identical platforms differ is the run's noise floor. Two A/A runs on a 2-core AMD EPYC VM (both
// sides metrics off) said 5.5% and -1.8% fewer req/s, so an on/off figure means little without it.
// Those differences stay with a platform for the whole run (its processes' JIT, its containers), so
// the metrics-on platform is measured a second time in each round with its agent's metrics switched
// off (PUT /api/v1/nodes/:id/metrics): 'switched-off', right before or after its 'on' round. The
// same processes and containers both ways: the cost the target is judged on.
import type { PlatformContext } from '../context.ts';
import type { Fixture } from '../fixtures.ts';
import { invoke } from '../functions.ts';
import { sendJson } from '../http-client.ts';
import { runLoad } from '../load.ts';
import { intervalText, medianInterval, summarize } from '../stats.ts';
import { warmUntilSteady } from './throughput.ts';
import { warmUp, warmUpNote } from './warm.ts';
import type { ResultRow, RoundCost } from '../types.ts';
import { cpuBusyPercent, hostCpuTimes } from '@stratus/common';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * 'control': a second metrics-off platform, measured like the others to show the noise floor.
 * 'switched-off': the metrics-on platform and function, its agent's metrics switched off for the round.
 * metricsSwitch: what the side's agent's metrics are switched to before each of its rounds (none: left as started).
 */
export interface Side { ctx: PlatformContext; fnName: string; metrics: 'on' | 'off' | 'control' | 'switched-off'; metricsSwitch?: boolean }

/** Switches the side's agent's metrics as the side wants them (through the gateway's admin API). */
async function applySwitch(s: Side): Promise<void> {
  if (s.metricsSwitch === undefined) return;
  const { gatewayUrl, agentId } = s.ctx.platform;
  const r = await sendJson('PUT', `${gatewayUrl}/api/v1/nodes/${encodeURIComponent(agentId)}/metrics`, { enabled: s.metricsSwitch }, 10_000);
  if (r.status !== 200) throw new Error(`switching ${agentId}'s metrics ${s.metricsSwitch ? 'on' : 'off'} failed: ${r.status} ${r.text.slice(0, 200)}`);
}

/** Waits (at most 120 s) until the metrics-on side has stored every record; adds how long that took (ms) to caughtUp when it had something to store. */
async function settle(sides: Side[], caughtUp: number[]): Promise<void> {
  for (const s of sides) {
    if (s.metrics !== 'on') continue;
    const started = Date.now();
    let backlog = await s.ctx.platform.ingestionBacklog();
    const had = backlog > 0;
    while (backlog > 0 && Date.now() - started < 120_000) {
      await sleep(250);
      backlog = await s.ctx.platform.ingestionBacklog();
    }
    if (had) caughtUp.push(Date.now() - started);
  }
}

const caughtUpNote = (ms: number[]) => (ms.length ? `; stored everything ${(summarize(ms).p50 / 1000).toFixed(1)} s (median) after a round ended` : '');

/** CPU per request of the side's processes during its rounds (storing between rounds is not in it). */
export const cpuNote = (cpuMs: Record<string, number>, requests: number) =>
  `CPU µs per request in its rounds: ${Object.entries(cpuMs).map(([name, ms]) => `${name} ${requests ? Math.round((ms * 1000) / requests) : 0}`).join(', ')}`;

/**
 * The cost round by round (req/s, or warm p50 with unit 'slower'): each round runs both sides back to back, so its on/off ratio is free of
 * the machine's slower drifts (another VM's load, the other platform's storing), which move whole
 * rounds by 20% and more on a 2-core VM. The median of the rounds' ratios, with the quartiles and a
 * 95% bootstrap interval of the median (how far the luck of the rounds alone could move it), next to
 * the pooled figure the target is judged on.
 */
export function roundByRound(on: number[], off: number[], unit: 'fewer' | 'slower' = 'fewer'): RoundCost | undefined {
  // 'fewer': req/s, % fewer on than off; 'slower': latencies, % higher on than off
  const pct = on
    .map((x, i) => (off[i] > 0 ? (100 * (unit === 'fewer' ? off[i] - x : x - off[i])) / off[i] : Number.NaN))
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  if (pct.length === 0) return undefined;
  const at = (q: number) => {
    const x = q * (pct.length - 1);
    const lo = Math.floor(x);
    return pct[lo] + (pct[Math.min(lo + 1, pct.length - 1)] - pct[lo]) * (x - lo);
  };
  return { median: at(0.5), q1: at(0.25), q3: at(0.75), interval: medianInterval(pct)!, rounds: pct.length };
}

function roundByRoundNote(r: RoundCost | undefined, what = '', unit: 'fewer' | 'slower' = 'fewer'): string {
  return r ? `; round by round ${r.median.toFixed(1)}% ${unit === 'fewer' ? 'fewer req/s' : 'slower'}${what} (median; quartiles ${r.q1.toFixed(1)}% to ${r.q3.toFixed(1)}%; ${intervalText(r)})` : '';
}

const withCost = (cost: RoundCost | undefined): Pick<ResultRow, 'costByRound'> => (cost ? { costByRound: cost } : {});

/** Adds each process's CPU between two readings to sum. */
function addCpu(sum: Record<string, number>, before: Record<string, number>, after: Record<string, number>): void {
  for (const [name, ms] of Object.entries(after)) sum[name] = (sum[name] ?? 0) + Math.max(0, ms - (before[name] ?? 0));
}

/**
 * Round r's order. Two sides: on first in even rounds, off first in odd ones. Three: the six orders in
 * turn, so in every six rounds each side runs first, second and third twice, and after each other
 * side at least twice.
 */
export function ordered<T>(sides: T[], round: number): T[] {
  if (sides.length !== 3) return round % 2 === 0 ? sides : [...sides].reverse();
  const [a, b, c] = sides;
  const orders = [[a, b, c], [b, c, a], [c, a, b], [c, b, a], [b, a, c], [a, c, b]];
  return orders[round % orders.length];
}

/**
 * Round r's order with the 'switched-off' side (if any) next to the 'on' one: after it in even rounds,
 * before it in odd ones; the platforms in ordered()'s order.
 */
export function roundOrder<T extends { metrics: string }>(sides: T[], round: number): T[] {
  const switched = sides.find((s) => s.metrics === 'switched-off');
  const rest = ordered(sides.filter((s) => s !== switched), round);
  if (!switched) return rest;
  return rest.flatMap((s) => (s.metrics !== 'on' ? [s] : round % 2 === 0 ? [s, switched] : [switched, s]));
}

export async function pairedWarm(sides: Side[], fixture: Fixture, backend: string, count: number, rounds: number): Promise<ResultRow[]> {
  // Both sides past the fresh platform's JIT warm-up (warm.ts): a side measured in its first
  // thousand calls would be slower for a reason that is not metrics.
  const warm = new Map<Side, { calls: number; firstBlockP50: number }>();
  for (const s of sides) warm.set(s, await warmUp(s.ctx, s.fnName));
  const samples = new Map<Side, number[]>(sides.map((s) => [s, []]));
  const errors = new Map<Side, number>(sides.map((s) => [s, 0]));
  const perRound = Math.ceil(count / rounds);
  const caughtUp: number[] = [];
  const cpuMs = new Map<Side, Record<string, number>>(sides.map((s) => [s, {}]));
  const roundP50s = new Map<Side, number[]>(sides.map((s) => [s, []]));
  for (let round = 0; round < rounds; round++) {
    for (const s of roundOrder(sides, round)) {
      await settle(sides, caughtUp);
      await applySwitch(s);
      const cpuBefore = await s.ctx.platform.cpuMs();
      const inRound: number[] = [];
      for (let i = 0; i < perRound; i++) {
        const r = await invoke(s.ctx.platform, s.fnName);
        inRound.push(r.ms);
        if (!r.ok) errors.set(s, errors.get(s)! + 1);
      }
      samples.get(s)!.push(...inRound);
      roundP50s.get(s)!.push(summarize(inRound).p50);
      addCpu(cpuMs.get(s)!, cpuBefore, await s.ctx.platform.cpuMs());
      sides[0].ctx.progress.update(`round ${round + 1}/${rounds}`);
      await sleep(500);
    }
  }
  // the 'on' row: its rounds' p50 against the switched-off side's in the same rounds (they run back to back)
  const switched = sides.find((s) => s.metrics === 'switched-off');
  const on = sides.find((s) => s.metrics === 'on');
  const onCost = on && switched ? roundByRound(roundP50s.get(on)!, roundP50s.get(switched)!, 'slower') : undefined;
  return sides.map((s) => {
    const cost = s.metrics === 'on' ? onCost : undefined;
    return {
      scenario: 'metrics-warm', target: 'stratus', backend, fn: fixture.id, runtime: fixture.runtime, metrics: s.metrics,
      concurrency: 1, latency: summarize(samples.get(s)!), rps: 0, requests: samples.get(s)!.length, errors: errors.get(s)!,
      ...withCost(cost),
      // each round's p50 in the note, as the throughput rows list their rounds' req/s: the round-by-round figures can be recomputed from a report
      rounds: roundP50s.get(s)!,
      note: `${rounds} alternating rounds of ${perRound} calls (p50s, ms: ${roundP50s.get(s)!.join(', ')}), ${warmUpNote(warm.get(s)!)}${s.metrics === 'on' ? caughtUpNote(caughtUp) : ''}${roundByRoundNote(cost, ' than the same platform with metrics switched off', 'slower')}; ${cpuNote(cpuMs.get(s)!, samples.get(s)!.length)}`,
    };
  });
}

/**
 * Throughput at `concurrency` in alternating rounds of roundSec. scenario 'metrics-sustained' is the
 * same with rounds longer than the control plane may hold records back, so storing has to keep up.
 */
export async function pairedThroughput(sides: Side[], fixture: Fixture, backend: string, concurrency: number, roundSec: number, rounds: number, scenario: 'metrics-throughput' | 'metrics-sustained' = 'metrics-throughput'): Promise<ResultRow[]> {
  for (const s of sides) await warmUntilSteady(s.ctx, [`${s.ctx.platform.gatewayUrl}/function/${s.fnName}`], concurrency, s.ctx.opts.quick ? 10 : 30);
  const totals = new Map<Side, { requests: number; ok: number; errors: number; p50s: number[]; p99s: number[]; rps: number[]; cpuMs: Record<string, number>; busy: number[] }>(
    sides.map((s) => [s, { requests: 0, ok: 0, errors: 0, p50s: [], p99s: [], rps: [], cpuMs: {}, busy: [] }]),
  );
  const caughtUp: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const s of roundOrder(sides, round)) {
      await settle(sides, caughtUp);
      await applySwitch(s);
      sides[0].ctx.progress.update(`round ${round + 1}/${rounds} metrics ${s.metrics}`);
      const cpuBefore = await s.ctx.platform.cpuMs();
      const hostBefore = hostCpuTimes();
      const loadBefore = process.cpuUsage();
      const r = await runLoad({ urls: [`${s.ctx.platform.gatewayUrl}/function/${s.fnName}`], connections: concurrency, durationSec: roundSec });
      const load = process.cpuUsage(loadBefore);
      const busy = cpuBusyPercent(hostBefore, hostCpuTimes());
      const cpuAfter = await s.ctx.platform.cpuMs();
      const t = totals.get(s)!;
      if (busy !== undefined) t.busy.push(busy);
      t.cpuMs['load generator'] = (t.cpuMs['load generator'] ?? 0) + (load.user + load.system) / 1000;
      addCpu(t.cpuMs, cpuBefore, cpuAfter);
      t.requests += r.requests;
      t.ok += Math.round(r.rps * roundSec);
      t.errors += r.errors;
      t.p50s.push(r.latency.p50);
      t.p99s.push(r.latency.p99);
      t.rps.push(Math.round(r.rps));
    }
  }
  await settle(sides, caughtUp);
  const off = sides.find((s) => s.metrics === 'off');
  const control = sides.find((s) => s.metrics === 'control');
  const switched = sides.find((s) => s.metrics === 'switched-off');
  // the 'on' side against itself switched off where the run has that side, else (and the control) against the metrics-off platform
  const costOf = (s: Side) => {
    if (s.metrics === 'on' && switched) return roundByRound(totals.get(s)!.rps, totals.get(switched)!.rps);
    return !off || s === off || s === switched ? undefined : roundByRound(totals.get(s)!.rps, totals.get(off)!.rps);
  };
  const byRound = (s: Side, cost: RoundCost | undefined) =>
    roundByRoundNote(cost, s.metrics === 'on' && switched ? ' than the same platform with metrics switched off' : s === control ? ' than the metrics-off side, with metrics off too: the noise floor' : '');
  return sides.map((s) => {
    const t = totals.get(s)!;
    const cost = costOf(s);
    const median = (a: number[]) => summarize(a).p50;
    const nan = Number.NaN;
    return {
      scenario, target: 'stratus', backend, fn: fixture.id, runtime: fixture.runtime, metrics: s.metrics,
      concurrency, durationSec: roundSec * rounds,
      // latency: the medians over rounds of each round's p50 and p99 (rounds cannot be merged exactly)
      latency: { n: rounds, p50: median(t.p50s), p95: nan, p99: median(t.p99s), max: Math.max(...t.p99s), mean: nan },
      rps: Math.round((t.ok / (roundSec * rounds)) * 10) / 10, requests: t.requests, errors: t.errors,
      ...withCost(s.metrics === 'on' && switched ? cost : undefined),
      rounds: t.rps,
      note: `${rounds} alternating rounds of ${roundSec} s (req/s: ${t.rps.join(', ')}); latency = median of the rounds' p50 and p99${s.metrics === 'on' ? caughtUpNote(caughtUp) : ''}${byRound(s, cost)}; ${cpuNote(t.cpuMs, t.requests)}; host CPU busy ${t.busy.length ? Math.round(summarize(t.busy).p50) : '?'}% (median of its rounds)`,
    };
  });
}
