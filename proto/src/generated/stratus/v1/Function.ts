// Original file: stratus/v1/stratus.proto

import type { Long } from '@grpc/proto-loader';

export interface Function {
  'name'?: (string);
  'version'?: (number);
  'runtime'?: (string);
  'handler'?: (string);
  'memoryMb'?: (number);
  'timeoutSec'?: (number);
  'env'?: ({[key: string]: string});
  'maxConcurrency'?: (number);
  'backend'?: (string);
  'description'?: (string);
  'codeSha256'?: (string);
  'codeSize'?: (number | string | Long);
  'codeFiles'?: (number);
  'createdAt'?: (string);
  'updatedAt'?: (string);
  'minWarm'?: (number);
  'latestVersion'?: (number);
}

export interface Function__Output {
  'name': (string);
  'version': (number);
  'runtime': (string);
  'handler': (string);
  'memoryMb': (number);
  'timeoutSec': (number);
  'env': ({[key: string]: string});
  'maxConcurrency': (number);
  'backend': (string);
  'description': (string);
  'codeSha256': (string);
  'codeSize': (number);
  'codeFiles': (number);
  'createdAt': (string);
  'updatedAt': (string);
  'minWarm': (number);
  'latestVersion': (number);
}
