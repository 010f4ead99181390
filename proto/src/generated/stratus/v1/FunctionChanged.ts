// Original file: stratus/v1/stratus.proto

import type { Function as _stratus_v1_Function, Function__Output as _stratus_v1_Function__Output } from '../../stratus/v1/Function';

export interface FunctionChanged {
  'function'?: (_stratus_v1_Function | null);
}

export interface FunctionChanged__Output {
  'function': (_stratus_v1_Function__Output | null);
}
