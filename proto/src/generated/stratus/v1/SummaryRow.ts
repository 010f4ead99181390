// Original file: stratus/v1/stratus.proto

import type { Long } from '@grpc/proto-loader';

export interface SummaryRow {
  'key'?: (string);
  'invocations'?: (number | string | Long);
  'errors'?: (number | string | Long);
  'throttles'?: (number | string | Long);
  'coldStarts'?: (number | string | Long);
  'timeouts'?: (number | string | Long);
  'p50Ms'?: (number | string);
  'p95Ms'?: (number | string);
  'p99Ms'?: (number | string);
  'gbSeconds'?: (number | string);
  'errorsByType'?: ({[key: string]: number | string | Long});
}

export interface SummaryRow__Output {
  'key': (string);
  'invocations': (number);
  'errors': (number);
  'throttles': (number);
  'coldStarts': (number);
  'timeouts': (number);
  'p50Ms': (number);
  'p95Ms': (number);
  'p99Ms': (number);
  'gbSeconds': (number);
  'errorsByType': ({[key: string]: number});
}
