// The gateway's invocation path: choose an agent from the cached cluster view, send the invocation on
// that agent's InvokeStream, keep the in-flight counts placement uses. No control-plane call, no
// per-request logging at info level.
import type { InvokeResponse } from '@stratus/proto';
import type { Logger } from '@stratus/common';
import type { ClusterView } from '../placement/cluster-view';
import { chooseAgent, type PlacementFunction } from '@stratus/common/placement.ts';
import { AgentStreams, UNREACHABLE, syntheticResponse } from './agent-streams';

export interface InvokeResult {
  response: InvokeResponse;
  /** The backend the function runs on as far as the gateway knows (for headers on early errors). */
  backend: string;
}

/** How long a gateway remembers that an agent served a function warm (the pool view may lag a heartbeat). */
const RECENT_WARM_MS = 30_000;
/** How long an agent that refused connections is left out of placement (the control plane notices later). */
const UNREACHABLE_HOLD_MS = 5_000;

export class Invoker {
  readonly streams: AgentStreams;
  private readonly inflightByAgent = new Map<string, number>();
  private readonly inflightByAgentFn = new Map<string, Map<string, number>>();
  private readonly recentWarm = new Map<string, Map<string, { version: number; at: number }>>();
  private tie = 0;
  private readonly unreachableUntil = new Map<string, number>();
  private readonly inflightOf = (agentId: string): number => this.inflightByAgent.get(agentId) ?? 0;

  constructor(private readonly view: ClusterView, private readonly opts: { logger: Logger; queueTimeoutMs: number }) {
    this.streams = new AgentStreams(opts.logger);
  }

  inflight(agentId: string): number {
    return this.inflightOf(agentId);
  }

  backendOf(name: string): string {
    return this.view.functions.get(name)?.backend ?? '';
  }

  /**
   * Runs one invocation: 1. choose an agent (chooseAgent over the cached view, leaving out agents
   * that just refused connections); 2. send it on that agent's InvokeStream; 3. if the agent could
   * not be reached at all (nothing was sent), hold it out briefly and try the next choice once.
   */
  async invoke(name: string, version: number, payload: Buffer, requestId: string): Promise<InvokeResult> {
    const first = await this.invokeOnce(name, version, payload, requestId);
    if (first.response.status !== UNREACHABLE) return first;
    this.unreachableUntil.set(first.response.agentId, Date.now() + UNREACHABLE_HOLD_MS);
    const second = await this.invokeOnce(name, version, payload, requestId);
    if (second.response.status === UNREACHABLE) {
      this.unreachableUntil.set(second.response.agentId, Date.now() + UNREACHABLE_HOLD_MS);
      second.response.status = 'unavailable';
    }
    return second;
  }

  private usable(agentId: string, now: number): boolean {
    const until = this.unreachableUntil.get(agentId);
    if (until === undefined) return true;
    if (until > now) return false;
    this.unreachableUntil.delete(agentId);
    return true;
  }

  private async invokeOnce(name: string, version: number, payload: Buffer, requestId: string): Promise<InvokeResult> {
    const spec = this.view.functions.get(name);
    let fn: PlacementFunction | undefined;
    if (spec) {
      fn = version === 0 || version === spec.version ? spec : { ...spec, version };
    }
    const byFn = (agentId: string) => this.inflightByAgentFn.get(agentId)?.get(name) ?? 0;
    const warm = this.recentWarm.get(name);
    const wantVersion = fn?.version ?? 0;
    const now = Date.now();
    const nodes = this.unreachableUntil.size === 0 ? this.view.nodes.values() : [...this.view.nodes.values()].filter((n) => this.usable(n.id, now));
    const choice = chooseAgent({
      fn,
      nodes,
      inflight: this.inflightOf,
      inflightFor: byFn,
      recentlyWarm: warm ? (id) => { const w = warm.get(id); return !!w && w.version === wantVersion && now - w.at < RECENT_WARM_MS; } : undefined,
      tieBreak: this.tie++,
    });
    const backend = spec?.backend ?? '';
    if (!choice) {
      const message = this.view.nodes.size === 0
        ? 'no agent is registered with the control plane'
        : fn ? `no reachable agent offers backend "${fn.backend}"` : 'no reachable agent has an available backend';
      return { response: syntheticResponse(requestId, 'unavailable', message), backend };
    }
    const agent = choice.node;
    const maxWaitMs = (spec ? spec.timeoutSec * 1000 : 900_000) + this.opts.queueTimeoutMs + 30_000;
    this.track(agent.id, name, 1);
    let response: InvokeResponse;
    try {
      response = await this.streams.invoke(agent.id, agent.address, name, version, payload, requestId, maxWaitMs);
    } finally {
      this.track(agent.id, name, -1);
    }
    if (!response.agentId) response.agentId = agent.id;
    if (response.status === 'ok' || response.status === 'function_error') this.noteWarm(name, response.version, agent.id);
    else if (response.status === 'timeout' || response.status === 'oom') this.recentWarm.get(name)?.delete(agent.id);
    return { response, backend: response.backend || backend };
  }

  private track(agentId: string, fn: string, delta: number): void {
    this.inflightByAgent.set(agentId, (this.inflightByAgent.get(agentId) ?? 0) + delta);
    let m = this.inflightByAgentFn.get(agentId);
    if (!m) {
      m = new Map();
      this.inflightByAgentFn.set(agentId, m);
    }
    const n = (m.get(fn) ?? 0) + delta;
    if (n === 0) m.delete(fn);
    else m.set(fn, n);
  }

  private noteWarm(fn: string, version: number, agentId: string): void {
    let m = this.recentWarm.get(fn);
    if (!m) {
      m = new Map();
      this.recentWarm.set(fn, m);
    }
    const e = m.get(agentId);
    if (e) {
      e.version = version;
      e.at = Date.now();
    } else m.set(agentId, { version, at: Date.now() });
  }

  close(): void {
    this.streams.close();
  }
}
