// Original file: stratus/v1/stratus.proto


export interface ListVersionsRequest {
  'name'?: (string);
}

export interface ListVersionsRequest__Output {
  'name': (string);
}
