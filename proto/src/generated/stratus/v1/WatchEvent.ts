// Original file: stratus/v1/stratus.proto

import type { Snapshot as _stratus_v1_Snapshot, Snapshot__Output as _stratus_v1_Snapshot__Output } from '../../stratus/v1/Snapshot';
import type { FunctionChanged as _stratus_v1_FunctionChanged, FunctionChanged__Output as _stratus_v1_FunctionChanged__Output } from '../../stratus/v1/FunctionChanged';
import type { FunctionDeleted as _stratus_v1_FunctionDeleted, FunctionDeleted__Output as _stratus_v1_FunctionDeleted__Output } from '../../stratus/v1/FunctionDeleted';
import type { NodeStatus as _stratus_v1_NodeStatus, NodeStatus__Output as _stratus_v1_NodeStatus__Output } from '../../stratus/v1/NodeStatus';
import type { NodeRemoved as _stratus_v1_NodeRemoved, NodeRemoved__Output as _stratus_v1_NodeRemoved__Output } from '../../stratus/v1/NodeRemoved';

export interface WatchEvent {
  'snapshot'?: (_stratus_v1_Snapshot | null);
  'functionChanged'?: (_stratus_v1_FunctionChanged | null);
  'functionDeleted'?: (_stratus_v1_FunctionDeleted | null);
  'nodeChanged'?: (_stratus_v1_NodeStatus | null);
  'nodeRemoved'?: (_stratus_v1_NodeRemoved | null);
  'event'?: "snapshot"|"functionChanged"|"functionDeleted"|"nodeChanged"|"nodeRemoved";
}

export interface WatchEvent__Output {
  'snapshot'?: (_stratus_v1_Snapshot__Output | null);
  'functionChanged'?: (_stratus_v1_FunctionChanged__Output | null);
  'functionDeleted'?: (_stratus_v1_FunctionDeleted__Output | null);
  'nodeChanged'?: (_stratus_v1_NodeStatus__Output | null);
  'nodeRemoved'?: (_stratus_v1_NodeRemoved__Output | null);
  'event'?: "snapshot"|"functionChanged"|"functionDeleted"|"nodeChanged"|"nodeRemoved";
}
