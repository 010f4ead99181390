// Original file: stratus/v1/stratus.proto


export interface GetInvocationRequest {
  'id'?: (string);
}

export interface GetInvocationRequest__Output {
  'id': (string);
}
