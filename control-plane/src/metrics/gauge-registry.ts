// The latest gauges of every agent (and a short history), from core NATS. An agent whose gauges stop
// for `goneAfterMs` is reported gone (the nodes registry has heartbeats too; this is the metrics view).
import type { GaugeEvent } from '@stratus/common';

export interface AgentGauges {
  agentId: string;
  latest: GaugeEvent;
  receivedAt: number;
  history: GaugeEvent[];
  gone: boolean;
}

export class GaugeRegistry {
  private agents = new Map<string, AgentGauges>();
  constructor(private readonly opts: { historySize?: number; goneAfterMs?: number } = {}) {}

  add(g: GaugeEvent, now = Date.now()): void {
    if (!g || typeof g.agentId !== 'string') return;
    let a = this.agents.get(g.agentId);
    if (!a) this.agents.set(g.agentId, (a = { agentId: g.agentId, latest: g, receivedAt: now, history: [], gone: false }));
    a.latest = g;
    a.receivedAt = now;
    a.history.push(g);
    const max = this.opts.historySize ?? 150; // 5 minutes at one sample every 2 s
    if (a.history.length > max) a.history.splice(0, a.history.length - max);
  }

  list(now = Date.now()): AgentGauges[] {
    const goneAfter = this.opts.goneAfterMs ?? 10_000;
    return [...this.agents.values()].map((a) => ({ ...a, gone: now - a.receivedAt > goneAfter }));
  }

  get(agentId: string, now = Date.now()): AgentGauges | undefined {
    return this.list(now).find((a) => a.agentId === agentId);
  }

  /** Per backend, the mean of what live agents measured as memory overhead per container. */
  backendOverheadMb(now = Date.now()): Record<string, number> {
    const sums: Record<string, { sum: number; n: number }> = {};
    for (const a of this.list(now)) {
      if (a.gone) continue;
      for (const [b, mb] of Object.entries(a.latest.backendOverheadMb ?? {})) {
        if (!Number.isFinite(mb)) continue;
        (sums[b] ??= { sum: 0, n: 0 }).sum += mb;
        sums[b].n++;
      }
    }
    return Object.fromEntries(Object.entries(sums).map(([b, s]) => [b, s.sum / s.n]));
  }

  /** Forgets agents gone for longer than `forgetAfterMs`. */
  sweep(now = Date.now(), forgetAfterMs = 3600_000): void {
    for (const [id, a] of this.agents) if (now - a.receivedAt > forgetAfterMs) this.agents.delete(id);
  }
}
