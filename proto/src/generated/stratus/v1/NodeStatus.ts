// Original file: stratus/v1/stratus.proto

import type { BackendStatus as _stratus_v1_BackendStatus, BackendStatus__Output as _stratus_v1_BackendStatus__Output } from '../../stratus/v1/BackendStatus';
import type { PoolContainer as _stratus_v1_PoolContainer, PoolContainer__Output as _stratus_v1_PoolContainer__Output } from '../../stratus/v1/PoolContainer';
import type { Long } from '@grpc/proto-loader';

export interface NodeStatus {
  'id'?: (string);
  'address'?: (string);
  'backends'?: (_stratus_v1_BackendStatus)[];
  'memoryBudgetMb'?: (number | string | Long);
  'memoryUsedMb'?: (number | string | Long);
  'running'?: (number);
  'queued'?: (number);
  'containers'?: (_stratus_v1_PoolContainer)[];
  'state'?: (string);
  'lastHeartbeatAt'?: (string);
  'startedAt'?: (string);
  'cpuPercent'?: (number | string);
  'hostMemoryTotalMb'?: (number | string | Long);
  'hostMemoryUsedMb'?: (number | string | Long);
  'version'?: (string);
}

export interface NodeStatus__Output {
  'id': (string);
  'address': (string);
  'backends': (_stratus_v1_BackendStatus__Output)[];
  'memoryBudgetMb': (number);
  'memoryUsedMb': (number);
  'running': (number);
  'queued': (number);
  'containers': (_stratus_v1_PoolContainer__Output)[];
  'state': (string);
  'lastHeartbeatAt': (string);
  'startedAt': (string);
  'cpuPercent': (number);
  'hostMemoryTotalMb': (number);
  'hostMemoryUsedMb': (number);
  'version': (string);
}
