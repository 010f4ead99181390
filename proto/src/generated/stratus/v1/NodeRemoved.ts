// Original file: stratus/v1/stratus.proto


export interface NodeRemoved {
  'id'?: (string);
}

export interface NodeRemoved__Output {
  'id': (string);
}
