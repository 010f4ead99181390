// Original file: stratus/v1/stratus.proto

import type { Function as _stratus_v1_Function, Function__Output as _stratus_v1_Function__Output } from '../../stratus/v1/Function';

export interface ListVersionsResponse {
  'versions'?: (_stratus_v1_Function)[];
}

export interface ListVersionsResponse__Output {
  'versions': (_stratus_v1_Function__Output)[];
}
