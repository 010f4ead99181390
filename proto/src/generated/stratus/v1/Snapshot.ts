// Original file: stratus/v1/stratus.proto

import type { Function as _stratus_v1_Function, Function__Output as _stratus_v1_Function__Output } from '../../stratus/v1/Function';
import type { NodeStatus as _stratus_v1_NodeStatus, NodeStatus__Output as _stratus_v1_NodeStatus__Output } from '../../stratus/v1/NodeStatus';

export interface Snapshot {
  'functions'?: (_stratus_v1_Function)[];
  'nodes'?: (_stratus_v1_NodeStatus)[];
}

export interface Snapshot__Output {
  'functions': (_stratus_v1_Function__Output)[];
  'nodes': (_stratus_v1_NodeStatus__Output)[];
}
