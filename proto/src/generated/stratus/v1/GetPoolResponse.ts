// Original file: stratus/v1/stratus.proto

import type { NodeStatus as _stratus_v1_NodeStatus, NodeStatus__Output as _stratus_v1_NodeStatus__Output } from '../../stratus/v1/NodeStatus';
import type { Long } from '@grpc/proto-loader';

export interface GetPoolResponse {
  'nodes'?: (_stratus_v1_NodeStatus)[];
  'memoryBudgetMb'?: (number | string | Long);
  'memoryUsedMb'?: (number | string | Long);
}

export interface GetPoolResponse__Output {
  'nodes': (_stratus_v1_NodeStatus__Output)[];
  'memoryBudgetMb': (number);
  'memoryUsedMb': (number);
}
