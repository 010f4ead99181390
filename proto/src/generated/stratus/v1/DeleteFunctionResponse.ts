// Original file: stratus/v1/stratus.proto


export interface DeleteFunctionResponse {
  'name'?: (string);
  'versionsDeleted'?: (number);
}

export interface DeleteFunctionResponse__Output {
  'name': (string);
  'versionsDeleted': (number);
}
