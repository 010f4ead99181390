// Which agents may run an invocation forwarded by the control plane (InvocationService.Invoke for
// grpcurl and the CLI; gateways place on their own from the Watch stream). Pure: unit-tested.
// Order: an idle warm container of the version, then a pre-warmed container of the runtime and
// backend, then the least loaded agent with memory to spare, then any agent offering the backend.
import type { NodeStatus } from '@stratus/proto';

export interface PlacedFunction {
  name: string;
  version: number;
  runtime: string;
  backend: string;
  memoryMb: number;
}

const offers = (n: NodeStatus, backend: string) => n.backends.some((b) => b.name === backend && b.available);
const load = (n: NodeStatus) => n.running + n.queued;
const spareMb = (n: NodeStatus) => Number(n.memoryBudgetMb) - Number(n.memoryUsedMb);

function tier(n: NodeStatus, fn: PlacedFunction): number {
  if (n.containers.some((c) => c.state === 'idle' && c.function === fn.name && c.version === fn.version)) return 0;
  if (n.containers.some((c) => c.state === 'prewarmed' && !c.function && c.runtime === fn.runtime && c.backend === fn.backend && (!c.memoryMb || c.memoryMb >= fn.memoryMb))) return 1;
  if (spareMb(n) >= fn.memoryMb) return 2;
  return 3;
}

/** Ready agents offering the function's backend, best first (empty: no agent can run it). */
export function rankAgents(nodes: Iterable<NodeStatus>, fn: PlacedFunction): NodeStatus[] {
  const candidates = [...nodes].filter((n) => n.state === 'ready' && offers(n, fn.backend));
  return candidates
    .map((n) => ({ n, tier: tier(n, fn), load: load(n) }))
    .sort((a, b) => a.tier - b.tier || a.load - b.load || (a.n.id < b.n.id ? -1 : a.n.id > b.n.id ? 1 : 0))
    .map((x) => x.n);
}
