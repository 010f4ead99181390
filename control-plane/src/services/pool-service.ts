// PoolService: every agent's pool as its latest heartbeat reported it, with the memory totals of
// the agents that are not lost.
import { unary } from '@stratus/common';
import type { PoolServiceHandlers } from '@stratus/proto';
import type { NodeRegistry } from '../nodes/node-registry';

export function makePoolService(deps: { nodes: NodeRegistry }): PoolServiceHandlers {
  return {
    GetPool: unary(async () => {
      const nodes = deps.nodes.list();
      const live = nodes.filter((n) => n.state !== 'lost');
      return {
        nodes,
        memoryBudgetMb: live.reduce((sum, n) => sum + Number(n.memoryBudgetMb), 0),
        memoryUsedMb: live.reduce((sum, n) => sum + Number(n.memoryUsedMb), 0),
      };
    }),
  };
}
