// Original file: stratus/v1/stratus.proto


export interface Invocation {
  'id'?: (string);
  'function'?: (string);
  'version'?: (number);
  'agentId'?: (string);
  'backend'?: (string);
  'runtime'?: (string);
  'status'?: (string);
  'errorType'?: (string);
  'errorMessage'?: (string);
  'coldStart'?: (boolean);
  'startedAt'?: (string);
  'endedAt'?: (string);
  'queueMs'?: (number | string);
  'startMs'?: (number | string);
  'initMs'?: (number | string);
  'durationMs'?: (number | string);
  'billedMs'?: (number | string);
  'overheadMs'?: (number | string);
  'maxMemoryMb'?: (number);
  'cpuMs'?: (number | string);
  'requestBytes'?: (number);
  'responseBytes'?: (number);
  'memoryMb'?: (number);
  'logs'?: (string);
  'logsTruncated'?: (boolean);
}

export interface Invocation__Output {
  'id': (string);
  'function': (string);
  'version': (number);
  'agentId': (string);
  'backend': (string);
  'runtime': (string);
  'status': (string);
  'errorType': (string);
  'errorMessage': (string);
  'coldStart': (boolean);
  'startedAt': (string);
  'endedAt': (string);
  'queueMs': (number);
  'startMs': (number);
  'initMs': (number);
  'durationMs': (number);
  'billedMs': (number);
  'overheadMs': (number);
  'maxMemoryMb': (number);
  'cpuMs': (number);
  'requestBytes': (number);
  'responseBytes': (number);
  'memoryMb': (number);
  'logs': (string);
  'logsTruncated': (boolean);
}
