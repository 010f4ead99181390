// Original file: stratus/v1/stratus.proto


export interface ListFunctionsRequest {
  'prefix'?: (string);
}

export interface ListFunctionsRequest__Output {
  'prefix': (string);
}
