// The pool's decisions as pure functions of a snapshot of its containers: which container serves an
// invocation, whom to evict, how many generic containers to pre-warm, how many to keep warm ahead of
// demand. No I/O, no clocks: the pool (warm-pool.ts) gathers the inputs and acts on the answers.
import type { ContainerState } from './container-state';

export interface ContainerView {
  id: string;
  state: ContainerState;
  backend: string;
  runtime: string;
  memoryMb: number;
  functionKey?: string;          // name@version once specialised
  lastUsedAt: number;
  createdAt: number;
}

export interface Need {
  functionKey: string;
  runtime: string;
  backend: string;
  memoryMb: number;
}

export type Selection =
  | { kind: 'warm'; id: string }
  | { kind: 'prewarmed'; id: string }
  | { kind: 'new' };

/**
 * 1. an idle container of the same function version, most recently used first (so the others age
 *    out and scale-in works);
 * 2. else a pre-warmed container of the runtime and backend: of the exact memory size, or any size
 *    when the backend can change a running container's limits (closest size first);
 * 3. else a new container.
 */
export function selectContainer(containers: readonly ContainerView[], need: Need, canUpdateLimits: boolean): Selection {
  let warm: ContainerView | undefined;
  let pre: ContainerView | undefined;
  for (const c of containers) {
    if (c.state === 'idle' && c.functionKey === need.functionKey) {
      if (!warm || c.lastUsedAt > warm.lastUsedAt) warm = c;
    } else if (c.state === 'prewarmed' && c.runtime === need.runtime && c.backend === need.backend) {
      if (c.memoryMb === need.memoryMb) {
        if (!pre || pre.memoryMb !== need.memoryMb || c.createdAt < pre.createdAt) pre = c;
      } else if (canUpdateLimits && (!pre || (pre.memoryMb !== need.memoryMb && Math.abs(c.memoryMb - need.memoryMb) < Math.abs(pre.memoryMb - need.memoryMb)))) {
        pre = c;
      }
    }
  }
  if (warm) return { kind: 'warm', id: warm.id };
  if (pre) return { kind: 'prewarmed', id: pre.id };
  return { kind: 'new' };
}

/** Memory held by containers against the budget (a removing container's memory counts as freed). */
export function memoryInUse(containers: readonly ContainerView[]): number {
  let sum = 0;
  for (const c of containers) if (c.state !== 'removing') sum += c.memoryMb;
  return sum;
}

/**
 * Which containers to remove so that `neededMb` more fits in the budget: idle containers least
 * recently used first, then pre-warmed ones oldest first (they are cheaper to replace than a warm
 * function), never a protected one (a function's minimum warm). [] when it already fits;
 * undefined when even evicting every candidate would not make room.
 */
export function chooseEvictions(
  containers: readonly ContainerView[],
  neededMb: number,
  budgetMb: number,
  protectedIds: ReadonlySet<string> = new Set(),
): string[] | undefined {
  let free = budgetMb - memoryInUse(containers);
  if (free >= neededMb) return [];
  const idle = containers.filter((c) => c.state === 'idle' && !protectedIds.has(c.id)).sort((a, b) => a.lastUsedAt - b.lastUsedAt);
  const pre = containers.filter((c) => c.state === 'prewarmed' && !protectedIds.has(c.id)).sort((a, b) => a.createdAt - b.createdAt);
  const chosen: string[] = [];
  for (const c of [...idle, ...pre]) {
    chosen.push(c.id);
    free += c.memoryMb;
    if (free >= neededMb) return chosen;
  }
  return undefined;
}

export interface PrewarmTarget {
  runtime: string;
  backend: string;
  memoryMb: number;
  count: number;
}

/**
 * The pre-warm targets: `perRuntime` generic containers of `baseMemoryMb` per runtime and backend;
 * for a backend whose limits cannot change after start (gVisor), also one per other memory size a
 * deployed function of that runtime uses, so its first invocation still finds an exact fit.
 */
export function prewarmTargets(opts: {
  runtimes: readonly string[];
  backends: readonly { name: string; canUpdateLimits: boolean }[];
  perRuntime: number;
  baseMemoryMb: number;
  functions: readonly { runtime: string; backend: string; memoryMb: number }[];
}): PrewarmTarget[] {
  const targets = new Map<string, PrewarmTarget>();
  if (opts.perRuntime <= 0) return [];
  for (const b of opts.backends) {
    for (const runtime of opts.runtimes) {
      targets.set(`${runtime}|${b.name}|${opts.baseMemoryMb}`, { runtime, backend: b.name, memoryMb: opts.baseMemoryMb, count: opts.perRuntime });
    }
    if (b.canUpdateLimits) continue;
    for (const f of opts.functions) {
      if (f.backend !== b.name || !opts.runtimes.includes(f.runtime)) continue;
      const key = `${f.runtime}|${b.name}|${f.memoryMb}`;
      if (!targets.has(key)) targets.set(key, { runtime: f.runtime, backend: b.name, memoryMb: f.memoryMb, count: 1 });
    }
  }
  return [...targets.values()];
}

/** How many generic containers each target lacks (starting ones count as on their way). */
export function prewarmDeficit(targets: readonly PrewarmTarget[], containers: readonly ContainerView[]): PrewarmTarget[] {
  const out: PrewarmTarget[] = [];
  for (const t of targets) {
    let have = 0;
    for (const c of containers) {
      if ((c.state === 'prewarmed' || (c.state === 'starting' && c.functionKey === undefined)) && c.runtime === t.runtime && c.backend === t.backend && c.memoryMb === t.memoryMb) have++;
    }
    if (have < t.count) out.push({ ...t, count: t.count - have });
  }
  return out;
}

export interface DemandSample {
  arrivalsPerSec: number;        // over the recent window
  avgDurationMs: number;         // of recent invocations
  peakConcurrency: number;       // most in flight at once in the recent window
}

/**
 * Warm containers to keep for a function: at least its minimum; with a steady recent load, the observed
 * peak concurrency or Little's law (arrival rate × duration) with a quarter of headroom, whichever
 * is larger; never more than its max concurrency.
 */
export function scaleAheadTarget(demand: DemandSample, minWarm: number, maxConcurrency: number): number {
  let target = minWarm;
  // Only a steady load (at least one arrival a second over the window) earns containers ahead of
  // demand; an occasional call is served by keep-alive alone.
  if (demand.arrivalsPerSec >= 1) {
    const littles = Math.ceil(demand.arrivalsPerSec * (demand.avgDurationMs / 1000) * 1.25);
    target = Math.max(target, demand.peakConcurrency, littles);
  }
  return Math.min(target, Math.max(maxConcurrency, minWarm));
}

/** Containers that stay even when idle past keep-alive: the most recently used `keep` of a function. */
export function protectedWarm(containers: readonly ContainerView[], functionKey: string, keep: number): string[] {
  if (keep <= 0) return [];
  return containers
    .filter((c) => c.functionKey === functionKey && (c.state === 'idle' || c.state === 'busy' || c.state === 'specializing'))
    .sort((a, b) => b.lastUsedAt - a.lastUsedAt)
    .slice(0, keep)
    .map((c) => c.id);
}

/** Seconds a throttled caller should wait before retrying. */
export function retryAfterSec(queueTimeoutMs: number): number {
  return Math.max(1, Math.ceil(queueTimeoutMs / 1000 / 2));
}
