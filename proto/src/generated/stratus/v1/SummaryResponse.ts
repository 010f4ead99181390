// Original file: stratus/v1/stratus.proto

import type { SummaryRow as _stratus_v1_SummaryRow, SummaryRow__Output as _stratus_v1_SummaryRow__Output } from '../../stratus/v1/SummaryRow';

export interface SummaryResponse {
  'rows'?: (_stratus_v1_SummaryRow)[];
  'total'?: (_stratus_v1_SummaryRow | null);
}

export interface SummaryResponse__Output {
  'rows': (_stratus_v1_SummaryRow__Output)[];
  'total': (_stratus_v1_SummaryRow__Output | null);
}
