// Original file: stratus/v1/stratus.proto


export interface InvokeResponse {
  'requestId'?: (string);
  'status'?: (string);
  'payload'?: (Buffer | Uint8Array | string);
  'errorType'?: (string);
  'errorMessage'?: (string);
  'coldStart'?: (boolean);
  'durationMs'?: (number | string);
  'initMs'?: (number | string);
  'startMs'?: (number | string);
  'queueMs'?: (number | string);
  'billedMs'?: (number | string);
  'backend'?: (string);
  'agentId'?: (string);
  'function'?: (string);
  'version'?: (number);
  'runtime'?: (string);
  'retryAfterSec'?: (number);
  'agentMs'?: (number | string);
}

export interface InvokeResponse__Output {
  'requestId': (string);
  'status': (string);
  'payload': (Buffer);
  'errorType': (string);
  'errorMessage': (string);
  'coldStart': (boolean);
  'durationMs': (number);
  'initMs': (number);
  'startMs': (number);
  'queueMs': (number);
  'billedMs': (number);
  'backend': (string);
  'agentId': (string);
  'function': (string);
  'version': (number);
  'runtime': (string);
  'retryAfterSec': (number);
  'agentMs': (number);
}
