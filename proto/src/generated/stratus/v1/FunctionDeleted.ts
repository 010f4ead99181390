// Original file: stratus/v1/stratus.proto


export interface FunctionDeleted {
  'name'?: (string);
}

export interface FunctionDeleted__Output {
  'name': (string);
}
