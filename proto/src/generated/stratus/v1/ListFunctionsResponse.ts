// Original file: stratus/v1/stratus.proto

import type { Function as _stratus_v1_Function, Function__Output as _stratus_v1_Function__Output } from '../../stratus/v1/Function';

export interface ListFunctionsResponse {
  'functions'?: (_stratus_v1_Function)[];
}

export interface ListFunctionsResponse__Output {
  'functions': (_stratus_v1_Function__Output)[];
}
