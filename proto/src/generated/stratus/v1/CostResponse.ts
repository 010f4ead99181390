// Original file: stratus/v1/stratus.proto

import type { CostRow as _stratus_v1_CostRow, CostRow__Output as _stratus_v1_CostRow__Output } from '../../stratus/v1/CostRow';

export interface CostResponse {
  'rows'?: (_stratus_v1_CostRow)[];
  'total'?: (number | string);
}

export interface CostResponse__Output {
  'rows': (_stratus_v1_CostRow__Output)[];
  'total': (number);
}
