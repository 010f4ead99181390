// `stratus top`: a live view of the platform from the gateway's live stream (Server-Sent Events fed
// by NATS): per function, the request rate, errors, cold starts and latency percentiles over a
// sliding window; per agent, its latest gauges (containers by state, pool memory against its budget,
// queue, host CPU and memory). The window and the rendering are pure, so they are unit-tested.
import type { GaugeEvent, InvocationEvent } from '@stratus/common';
import { table } from './format';

interface Sample { at: number; durationMs: number; ok: boolean; cold: boolean }

export interface FunctionRow {
  function: string;
  backend: string;
  perSec: number;
  errorPct: number;
  cold: number;
  p50: number;
  p99: number;
  max: number;
}

/** Invocations of the last `windowMs` per function and backend, and the latest gauges per agent. */
export class TopWindow {
  private readonly samples = new Map<string, { function: string; backend: string; list: Sample[] }>();
  private readonly gauges = new Map<string, GaugeEvent>();
  dropped = 0;

  constructor(readonly windowMs: number) {}

  addInvocation(e: InvocationEvent, now: number): void {
    const key = `${e.function}\u0000${e.backend}`;
    let s = this.samples.get(key);
    if (!s) this.samples.set(key, (s = { function: e.function, backend: e.backend, list: [] }));
    s.list.push({ at: now, durationMs: Number(e.durationMs) || 0, ok: e.status === 'ok', cold: Boolean(e.coldStart) });
  }

  addGauges(g: GaugeEvent): void {
    this.gauges.set(g.agentId, g);
  }

  /** Rows sorted by request rate, busiest first; functions with nothing in the window are left out. */
  functions(now: number): FunctionRow[] {
    const rows: FunctionRow[] = [];
    for (const [key, s] of this.samples) {
      s.list = s.list.filter((x) => now - x.at <= this.windowMs);
      if (s.list.length === 0) {
        this.samples.delete(key);
        continue;
      }
      const d = s.list.map((x) => x.durationMs).sort((a, b) => a - b);
      const pick = (p: number) => d[Math.min(d.length - 1, Math.max(0, Math.ceil(p * d.length) - 1))];
      rows.push({
        function: s.function, backend: s.backend, perSec: s.list.length / (this.windowMs / 1000),
        errorPct: (100 * s.list.filter((x) => !x.ok).length) / s.list.length, cold: s.list.filter((x) => x.cold).length,
        p50: pick(0.5), p99: pick(0.99), max: d[d.length - 1],
      });
    }
    return rows.sort((a, b) => b.perSec - a.perSec || a.function.localeCompare(b.function));
  }

  agents(): GaugeEvent[] {
    return [...this.gauges.values()].sort((a, b) => a.agentId.localeCompare(b.agentId));
  }
}

const fixed = (n: number, digits: number) => (Number.isFinite(n) ? n.toFixed(digits) : '-');

/** One frame of `stratus top` as text. */
export function renderTop(w: TopWindow, now: number, source: string): string {
  const header = `stratus top  ${new Date(now).toISOString().slice(11, 19)}  ${source}  window ${w.windowMs / 1000} s${w.dropped ? `  (${w.dropped} events dropped by the stream)` : ''}\n\n`;
  const agents = w.agents();
  const agentText = agents.length === 0 ? 'no agent gauges yet\n' : table(agents.map((g) => {
    const by = (state: string) => g.containers.filter((c) => c.state === state).reduce((n, c) => n + c.count, 0);
    return {
      agent: g.agentId, busy: by('busy'), idle: by('idle'), prewarmed: by('prewarmed'), starting: by('starting') + by('specializing'),
      memory: `${g.memoryUsedMb}/${g.memoryBudgetMb} MB`, queued: g.queued, running: g.running,
      'host cpu': `${fixed(g.hostCpuPercent, 0)}%`, 'host mem': `${g.hostMemoryUsedMb}/${g.hostMemoryTotalMb} MB`,
    };
  }), ['agent', 'busy', 'idle', 'prewarmed', 'starting', 'memory', 'queued', 'running', 'host cpu', 'host mem']);
  const rows = w.functions(now);
  const fnText = rows.length === 0 ? 'no invocations in the window\n' : table(rows.map((r) => ({
    function: r.function, backend: r.backend, 'req/s': fixed(r.perSec, 1), 'err %': fixed(r.errorPct, 1), cold: r.cold,
    'p50 ms': fixed(r.p50, 2), 'p99 ms': fixed(r.p99, 2), 'max ms': fixed(r.max, 2),
  })), ['function', 'backend', 'req/s', 'err %', 'cold', 'p50 ms', 'p99 ms', 'max ms']);
  return `${header}${agentText}\n${fnText}`;
}
