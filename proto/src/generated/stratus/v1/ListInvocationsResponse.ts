// Original file: stratus/v1/stratus.proto

import type { Invocation as _stratus_v1_Invocation, Invocation__Output as _stratus_v1_Invocation__Output } from '../../stratus/v1/Invocation';

export interface ListInvocationsResponse {
  'invocations'?: (_stratus_v1_Invocation)[];
}

export interface ListInvocationsResponse__Output {
  'invocations': (_stratus_v1_Invocation__Output)[];
}
