// Original file: stratus/v1/stratus.proto

import type { Long } from '@grpc/proto-loader';

export interface CostRow {
  'function'?: (string);
  'backend'?: (string);
  'requests'?: (number | string | Long);
  'gbSeconds'?: (number | string);
  'cost'?: (number | string);
  'overheadMb'?: (number | string);
  'costOnBackend'?: ({[key: string]: number | string});
}

export interface CostRow__Output {
  'function': (string);
  'backend': (string);
  'requests': (number);
  'gbSeconds': (number);
  'cost': (number);
  'overheadMb': (number);
  'costOnBackend': ({[key: string]: number});
}
