// Original file: stratus/v1/stratus.proto

import type { InvokeResponse as _stratus_v1_InvokeResponse, InvokeResponse__Output as _stratus_v1_InvokeResponse__Output } from '../../stratus/v1/InvokeResponse';

export interface InvokeResponseBatch {
  'responses'?: (_stratus_v1_InvokeResponse)[];
  'takesOverheads'?: (boolean);
  'takesOverheadColumns'?: (boolean);
}

export interface InvokeResponseBatch__Output {
  'responses': (_stratus_v1_InvokeResponse__Output)[];
  'takesOverheads': (boolean);
  'takesOverheadColumns': (boolean);
}
