// Original file: stratus/v1/stratus.proto


export interface SetMetricsRequest {
  'enabled'?: (boolean);
}

export interface SetMetricsRequest__Output {
  'enabled': (boolean);
}
