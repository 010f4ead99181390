// Original file: stratus/v1/stratus.proto

import type { Long } from '@grpc/proto-loader';

export interface CodeFile {
  'path'?: (string);
  'content'?: (string);
  'size'?: (number | string | Long);
  'binary'?: (boolean);
}

export interface CodeFile__Output {
  'path': (string);
  'content': (string);
  'size': (number);
  'binary': (boolean);
}
