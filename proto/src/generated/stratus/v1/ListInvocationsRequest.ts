// Original file: stratus/v1/stratus.proto


export interface ListInvocationsRequest {
  'function'?: (string);
  'status'?: (string);
  'from'?: (string);
  'to'?: (string);
  'limit'?: (number);
  'search'?: (string);
  'requestId'?: (string);
  'agentId'?: (string);
  'backend'?: (string);
}

export interface ListInvocationsRequest__Output {
  'function': (string);
  'status': (string);
  'from': (string);
  'to': (string);
  'limit': (number);
  'search': (string);
  'requestId': (string);
  'agentId': (string);
  'backend': (string);
}
