// Original file: stratus/v1/stratus.proto


export interface BackendStatus {
  'name'?: (string);
  'available'?: (boolean);
  'reason'?: (string);
}

export interface BackendStatus__Output {
  'name': (string);
  'available': (boolean);
  'reason': (string);
}
