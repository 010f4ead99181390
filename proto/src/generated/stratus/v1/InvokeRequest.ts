// Original file: stratus/v1/stratus.proto


export interface InvokeRequest {
  'function'?: (string);
  'version'?: (number);
  'payload'?: (Buffer | Uint8Array | string);
  'requestId'?: (string);
}

export interface InvokeRequest__Output {
  'function': (string);
  'version': (number);
  'payload': (Buffer);
  'requestId': (string);
}
