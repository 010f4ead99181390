// Original file: stratus/v1/stratus.proto


export interface GetCodeArchiveRequest {
  'sha256'?: (string);
}

export interface GetCodeArchiveRequest__Output {
  'sha256': (string);
}
