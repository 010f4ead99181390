// Original file: stratus/v1/stratus.proto


export interface DeleteFunctionRequest {
  'name'?: (string);
}

export interface DeleteFunctionRequest__Output {
  'name': (string);
}
