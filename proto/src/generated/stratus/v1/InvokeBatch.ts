// Original file: stratus/v1/stratus.proto

import type { InvokeRequest as _stratus_v1_InvokeRequest, InvokeRequest__Output as _stratus_v1_InvokeRequest__Output } from '../../stratus/v1/InvokeRequest';
import type { InvocationOverhead as _stratus_v1_InvocationOverhead, InvocationOverhead__Output as _stratus_v1_InvocationOverhead__Output } from '../../stratus/v1/InvocationOverhead';
import type { OverheadColumns as _stratus_v1_OverheadColumns, OverheadColumns__Output as _stratus_v1_OverheadColumns__Output } from '../../stratus/v1/OverheadColumns';

export interface InvokeBatch {
  'requests'?: (_stratus_v1_InvokeRequest)[];
  'overheads'?: (_stratus_v1_InvocationOverhead)[];
  'overheadColumns'?: (_stratus_v1_OverheadColumns | null);
}

export interface InvokeBatch__Output {
  'requests': (_stratus_v1_InvokeRequest__Output)[];
  'overheads': (_stratus_v1_InvocationOverhead__Output)[];
  'overheadColumns': (_stratus_v1_OverheadColumns__Output | null);
}
