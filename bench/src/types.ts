// The shape of bench/results/*.json (schema "stratus.bench/v1").
import type { LatencyStats } from './stats.ts';

export type Target = 'stratus' | 'docker-run' | 'raw-http';

/** One measured cell of the matrix. Latencies in milliseconds. */
export interface ResultRow {
  scenario: 'cold' | 'warm' | 'throughput' | 'baseline' | 'container-start' | 'burst' | 'mixed' | 'metrics-warm' | 'metrics-throughput' | 'metrics-sustained';
  target: Target;
  backend: string;           // docker | gvisor | '-' (raw HTTP)
  fn: string;                // fixture id, or '-' where not applicable
  runtime: string;
  // control: a second metrics-off platform in the metrics-* rows (the noise floor); switched-off: the
  // metrics-on platform with its agent's metrics switched off for the round
  metrics: 'on' | 'off' | 'control' | 'switched-off' | '-';
  concurrency: number;
  durationSec?: number;
  latency: LatencyStats;
  rps: number;               // invocations (requests) per second
  requests: number;
  errors: number;            // non-2xx responses, connection errors and timeouts
  coldStarts?: number;       // responses that said X-Stratus-Cold-Start: true
  overheadP50?: number;      // end to end minus X-Stratus-Duration-Ms, p50
  breakdownP50?: Record<string, number>; // cold starts: p50 of the stored invocation records' timings (ms)
  memoryMb?: number;         // the functions' memory_mb where it is not the run's (--metrics-memory)
  costByRound?: RoundCost;   // metrics-* 'on' rows: the cost against the switched-off side, round by round
  rounds?: number[];         // metrics-* rows: each round's req/s (throughput) or p50 in ms (warm), for --combine
  note?: string;
}

/**
 * A metrics cost taken round by round (% fewer req/s or % slower p50, on against off in each round),
 * its median and quartiles, and a 95% bootstrap interval of the median (stats.ts medianInterval).
 */
export interface RoundCost {
  median: number;
  q1: number;
  q3: number;
  interval: [number, number];
  rounds: number;
}

export interface MemoryRow {
  backend: string;
  fn: string;
  containerId: string;
  cgroupPath: string;
  idleBytes: number;
  busyBytes: number;        // highest sample during a sequential load on that container
  limitBytes: number;
  cpuQuotaPct: number;       // cpu.cfs_quota_us / cpu.cfs_period_us, in % of one CPU (-1 = none)
  busyInvocations: number;
  throttledPeriods: number;  // CFS periods in which the container was throttled during the busy phase
  periods: number;           // CFS periods with activity during the busy phase
  throttledMs: number;       // time spent throttled during the busy phase
}

export interface CostRow {
  backend: string;
  target: Target;
  fn: string;
  memoryMb: number;          // configured memory
  overheadMb: number;        // the backend's measured extra memory
  billedMs: number;          // per invocation, rounded up to 1 ms
  gbSecondsPerMillion: number;
  usdPerMillion: number;     // compute only
  usdPerMillionWithRequests: number;
}

export interface TargetCheck {
  issue: number;
  name: string;
  goal: string;
  measured: string;
  pass: boolean | null;      // null = not measured in this run
}

export interface BenchResult {
  schema: 'stratus.bench/v1';
  startedAt: string;
  finishedAt: string;
  durationSec: number;
  command: string;
  machine: Record<string, string | number>;
  options: Record<string, unknown>;
  rows: ResultRow[];
  memory: MemoryRow[];
  cost: CostRow[];
  ratios: Array<{ name: string; value: number; detail: string }>;
  targets: TargetCheck[];
  leakedContainers: number | null;
  failures: string[];
}
