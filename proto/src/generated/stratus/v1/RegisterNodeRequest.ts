// Original file: stratus/v1/stratus.proto

import type { NodeStatus as _stratus_v1_NodeStatus, NodeStatus__Output as _stratus_v1_NodeStatus__Output } from '../../stratus/v1/NodeStatus';

export interface RegisterNodeRequest {
  'node'?: (_stratus_v1_NodeStatus | null);
}

export interface RegisterNodeRequest__Output {
  'node': (_stratus_v1_NodeStatus__Output | null);
}
