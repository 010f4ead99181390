// Which agent runs an invocation: a pure function over the cluster view the control plane streams to
// gateways, plus what a gateway itself knows (requests it has in flight, agents it recently saw serve a
// function warm). Shared by the gateway and the control plane's forwarded Invoke, so there is one
// policy. No I/O, so every rule is unit-tested without servers.
import type { NodeStatus } from '@stratus/proto';

/** What placement needs to know of a function (its latest version's spec, from the Watch stream). */
export interface PlacementFunction {
  name: string;
  version: number;
  runtime: string;
  backend: string;
  memoryMb: number;
}

export interface PlacementInput {
  /** undefined: the gateway has not seen the function (just created, or unknown): any agent may answer. */
  fn: PlacementFunction | undefined;
  nodes: Iterable<NodeStatus>;
  /** Requests this gateway has in flight to an agent (all functions). */
  inflight: (agentId: string) => number;
  /** Requests this gateway has in flight to an agent for this function. */
  inflightFor: (agentId: string) => number;
  /** Agents this gateway saw serve this function version warm recently (the pool view may lag a heartbeat). */
  recentlyWarm?: (agentId: string) => boolean;
  /** Breaks ties between equally good agents so that scale-out spreads (e.g. a rotating counter). */
  tieBreak?: number;
}

export type PlacementTier = 'warm' | 'prewarmed' | 'least-loaded' | 'any';

export interface PlacementChoice {
  node: NodeStatus;
  tier: PlacementTier;
}

const isUsable = (node: NodeStatus): boolean => !node.state || node.state === 'ready';

export const offersBackend = (node: NodeStatus, backend: string): boolean =>
  node.backends.some((b) => b.name === backend && b.available);

const hasAnyBackend = (node: NodeStatus): boolean => node.backends.some((b) => b.available);

/**
 * Picks the agent for one invocation, in order of preference:
 * 1. an agent with an idle warm container of the function's version that this gateway is not already
 *    using (idle containers minus this gateway's in-flight requests of the function on that agent);
 * 2. an agent with a pre-warmed (generic) container of the function's runtime and backend with at
 *    least its memory;
 * 3. the least loaded agent offering the backend with memory to spare for one more container;
 * 4. the least loaded agent offering the backend at all (it evicts idle containers or throttles).
 * Ties go to the agent with the fewest in-flight requests, then rotate by `tieBreak`, so concurrent
 * calls of one function spread over agents. Returns null when no agent offers the backend.
 */
export function chooseAgent(input: PlacementInput): PlacementChoice | null {
  const { fn } = input;
  const candidates: NodeStatus[] = [];
  for (const node of input.nodes) {
    if (!isUsable(node)) continue;
    if (fn ? offersBackend(node, fn.backend) : hasAnyBackend(node)) candidates.push(node);
  }
  if (candidates.length === 0) return null;
  const tie = input.tieBreak ?? 0;

  if (!fn) return { node: pickLeastLoaded(candidates, input, tie), tier: 'any' };

  const warm = candidates.filter((node) => freeWarmContainers(node, fn, input) > 0);
  if (warm.length > 0) return { node: pickLeastLoaded(warm, input, tie), tier: 'warm' };

  const prewarmed = candidates.filter((node) => prewarmedContainers(node, fn) > input.inflightFor(node.id));
  if (prewarmed.length > 0) return { node: pickLeastLoaded(prewarmed, input, tie), tier: 'prewarmed' };

  const spare = candidates.filter((node) => freeMemoryMb(node) >= fn.memoryMb);
  if (spare.length > 0) return { node: pickLeastLoaded(spare, input, tie), tier: 'least-loaded' };

  return { node: pickLeastLoaded(candidates, input, tie), tier: 'least-loaded' };
}

/** Idle containers of the function's version on the node, less those this gateway is already using. */
export function freeWarmContainers(node: NodeStatus, fn: PlacementFunction, input: Pick<PlacementInput, 'inflightFor' | 'recentlyWarm'>): number {
  let idle = 0;
  for (const c of node.containers) {
    if (c.function === fn.name && c.version === fn.version && c.state === 'idle') idle++;
  }
  if (idle === 0 && input.recentlyWarm?.(node.id)) idle = 1;
  return idle - input.inflightFor(node.id);
}

export function prewarmedContainers(node: NodeStatus, fn: PlacementFunction): number {
  let count = 0;
  for (const c of node.containers) {
    if (c.state === 'prewarmed' && !c.function && c.runtime === fn.runtime && c.backend === fn.backend && (c.memoryMb === 0 || c.memoryMb >= fn.memoryMb)) count++;
  }
  return count;
}

export const freeMemoryMb = (node: NodeStatus): number => Number(node.memoryBudgetMb) - Number(node.memoryUsedMb);

/** Load = the agent's own running + queued count as last reported, plus this gateway's in-flight requests. */
const load = (node: NodeStatus, input: PlacementInput): number => node.running + node.queued + input.inflight(node.id);

function pickLeastLoaded(nodes: NodeStatus[], input: PlacementInput, tie: number): NodeStatus {
  let best: NodeStatus[] = [];
  let bestLoad = Infinity;
  for (const node of nodes) {
    const l = load(node, input);
    if (l < bestLoad) {
      bestLoad = l;
      best = [node];
    } else if (l === bestLoad) best.push(node);
  }
  if (best.length === 1) return best[0];
  best.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return best[Math.abs(tie) % best.length];
}

/**
 * Every agent that can run the function, best first, by repeated `chooseAgent` (the same tiers).
 * For callers that fall back to the next agent when one cannot be reached (the control plane's
 * forwarded Invoke).
 */
export function rankAgents(nodes: Iterable<NodeStatus>, fn: PlacementFunction): NodeStatus[] {
  const remaining = [...nodes];
  const ranked: NodeStatus[] = [];
  for (;;) {
    const choice = chooseAgent({ fn, nodes: remaining, inflight: () => 0, inflightFor: () => 0 });
    if (!choice) return ranked;
    ranked.push(choice.node);
    remaining.splice(remaining.indexOf(choice.node), 1);
  }
}
