// Original file: stratus/v1/stratus.proto

import type { NodeStatus as _stratus_v1_NodeStatus, NodeStatus__Output as _stratus_v1_NodeStatus__Output } from '../../stratus/v1/NodeStatus';

export interface ListNodesResponse {
  'nodes'?: (_stratus_v1_NodeStatus)[];
}

export interface ListNodesResponse__Output {
  'nodes': (_stratus_v1_NodeStatus__Output)[];
}
