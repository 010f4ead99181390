// Original file: stratus/v1/stratus.proto


export interface GetFunctionRequest {
  'name'?: (string);
  'version'?: (number);
}

export interface GetFunctionRequest__Output {
  'name': (string);
  'version': (number);
}
