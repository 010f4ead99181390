// The agent's Prometheus metrics (one Registry per agent, so two agents in one process stay apart).
// Names follow Prometheus conventions: base units (seconds, bytes), _total for counters, and a capped
// set of function labels (LabelCap) so cardinality stays bounded.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { LabelCap, type GaugeEvent, type InvocationEvent } from '@stratus/common';

/** Seconds; from sub-millisecond warm calls to the 900 s timeout. */
export const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900];
export const COLD_START_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export class AgentPrometheus {
  readonly registry = new Registry();
  private readonly functions: LabelCap;
  private readonly statuses = new LabelCap(20);
  private readonly invocations: Counter<'function' | 'backend' | 'status' | 'start'>;
  private readonly duration: Histogram<'function' | 'backend'>;
  private readonly coldStarts: Counter<'function' | 'backend'>;
  private readonly coldStartDuration: Histogram<'backend' | 'runtime'>;
  private readonly throttles: Counter<'function' | 'backend'>;
  private readonly containers: Gauge<'backend' | 'runtime' | 'state'>;
  private readonly poolMemory: Gauge;
  private readonly poolBudget: Gauge;
  private readonly queued: Gauge;
  private readonly running: Gauge;
  private readonly hostCpu: Gauge;
  private readonly hostMemUsed: Gauge;
  private readonly hostMemTotal: Gauge;
  private lastContainerKeys = new Set<string>();

  constructor(opts: { agentId: string; maxFunctionLabels?: number; telemetry: () => { held: number; dropped: number; published: number } }) {
    this.functions = new LabelCap(opts.maxFunctionLabels ?? 500);
    const registers = [this.registry];
    this.registry.setDefaultLabels({ agent: opts.agentId });
    this.invocations = new Counter({ name: 'stratus_invocations_total', help: 'Invocations run by this agent, by outcome and cold or warm start.', labelNames: ['function', 'backend', 'status', 'start'], registers });
    this.duration = new Histogram({ name: 'stratus_invocation_duration_seconds', help: "The function's own duration per invocation.", labelNames: ['function', 'backend'], buckets: DURATION_BUCKETS, registers });
    this.coldStarts = new Counter({ name: 'stratus_cold_starts_total', help: 'Invocations that needed a new or specialised container.', labelNames: ['function', 'backend'], registers });
    this.coldStartDuration = new Histogram({ name: 'stratus_cold_start_duration_seconds', help: 'Container start or specialisation plus init time of cold invocations.', labelNames: ['backend', 'runtime'], buckets: COLD_START_BUCKETS, registers });
    this.throttles = new Counter({ name: 'stratus_throttles_total', help: 'Invocations refused because the function was at its concurrency limit.', labelNames: ['function', 'backend'], registers });
    this.containers = new Gauge({ name: 'stratus_containers', help: 'Function containers of this agent by backend, runtime and state.', labelNames: ['backend', 'runtime', 'state'], registers });
    this.poolMemory = new Gauge({ name: 'stratus_pool_memory_bytes', help: 'Memory reserved by the containers of the pool.', registers });
    this.poolBudget = new Gauge({ name: 'stratus_pool_memory_budget_bytes', help: 'Memory budget of the pool (STRATUS_MEMORY_BUDGET_MB).', registers });
    this.queued = new Gauge({ name: 'stratus_invocations_queued', help: 'Invocations waiting for a container.', registers });
    this.running = new Gauge({ name: 'stratus_invocations_running', help: 'Invocations running now.', registers });
    this.hostCpu = new Gauge({ name: 'stratus_host_cpu_usage_ratio', help: 'Host CPU in use, 0 to 1 (all cores).', registers });
    this.hostMemUsed = new Gauge({ name: 'stratus_host_memory_used_bytes', help: 'Host memory in use.', registers });
    this.hostMemTotal = new Gauge({ name: 'stratus_host_memory_total_bytes', help: 'Host memory in all.', registers });
    const t = opts.telemetry;
    new Gauge({ name: 'stratus_agent_telemetry_buffered_records', help: 'Events waiting for a JetStream acknowledgement.', registers, collect() { this.set(t().held); } });
    new Gauge({ name: 'stratus_agent_telemetry_dropped_records', help: 'Events dropped because the bounded buffer was full (NATS down too long).', registers, collect() { this.set(t().dropped); } });
    new Gauge({ name: 'stratus_agent_telemetry_published_records', help: 'Events acknowledged by JetStream since start.', registers, collect() { this.set(t().published); } });
  }

  /** Hot path: a few map lookups. */
  invocation(r: Pick<InvocationEvent, 'function' | 'backend' | 'status' | 'coldStart' | 'durationMs' | 'runtime' | 'startMs' | 'initMs'>): void {
    const fn = this.functions.label(r.function || 'unknown');
    const backend = r.backend || 'unknown';
    this.invocations.inc({ function: fn, backend, status: this.statuses.label(r.status || 'unknown'), start: r.coldStart ? 'cold' : 'warm' });
    this.duration.observe({ function: fn, backend }, finite(r.durationMs) / 1000);
    if (r.coldStart) {
      this.coldStarts.inc({ function: fn, backend });
      this.coldStartDuration.observe({ backend, runtime: r.runtime || 'unknown' }, (finite(r.startMs) + finite(r.initMs)) / 1000);
    }
  }

  throttle(fn: string, backend: string): void {
    this.throttles.inc({ function: this.functions.label(fn || 'unknown'), backend: backend || 'unknown' });
  }

  gauges(g: Omit<GaugeEvent, 'schema' | 'agentId' | 'at'>): void {
    const keys = new Set<string>();
    for (const c of g.containers) {
      this.containers.set({ backend: c.backend, runtime: c.runtime, state: c.state }, c.count);
      keys.add(JSON.stringify([c.backend, c.runtime, c.state]));
    }
    // a state with no containers any more reads 0, not its last value
    for (const k of this.lastContainerKeys) {
      if (!keys.has(k)) {
        const [backend, runtime, state] = JSON.parse(k) as string[];
        this.containers.set({ backend, runtime, state }, 0);
      }
    }
    this.lastContainerKeys = keys;
    this.poolMemory.set(g.memoryUsedMb * 1024 * 1024);
    this.poolBudget.set(g.memoryBudgetMb * 1024 * 1024);
    this.queued.set(g.queued);
    this.running.set(g.running);
    this.hostCpu.set(g.hostCpuPercent / 100);
    this.hostMemUsed.set(g.hostMemoryUsedMb * 1024 * 1024);
    this.hostMemTotal.set(g.hostMemoryTotalMb * 1024 * 1024);
  }
}

function finite(n: number | undefined): number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : 0;
}
