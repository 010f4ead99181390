// Original file: stratus/v1/stratus.proto


export interface PoolContainer {
  'id'?: (string);
  'function'?: (string);
  'version'?: (number);
  'runtime'?: (string);
  'backend'?: (string);
  'state'?: (string);
  'memoryMb'?: (number);
  'lastUsedAt'?: (string);
  'invocations'?: (number);
}

export interface PoolContainer__Output {
  'id': (string);
  'function': (string);
  'version': (number);
  'runtime': (string);
  'backend': (string);
  'state': (string);
  'memoryMb': (number);
  'lastUsedAt': (string);
  'invocations': (number);
}
