// Original file: stratus/v1/stratus.proto


export interface InvocationOverhead {
  'requestId'?: (string);
  'function'?: (string);
  'backend'?: (string);
  'overheadMs'?: (number | string);
  'endToEndMs'?: (number | string);
}

export interface InvocationOverhead__Output {
  'requestId': (string);
  'function': (string);
  'backend': (string);
  'overheadMs': (number);
  'endToEndMs': (number);
}
