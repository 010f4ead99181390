// Original file: stratus/v1/stratus.proto

import type { InvokeRequest as _stratus_v1_InvokeRequest, InvokeRequest__Output as _stratus_v1_InvokeRequest__Output } from '../../stratus/v1/InvokeRequest';

export interface InvokeBatch {
  'requests'?: (_stratus_v1_InvokeRequest)[];
}

export interface InvokeBatch__Output {
  'requests': (_stratus_v1_InvokeRequest__Output)[];
}
