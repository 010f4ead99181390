// Original file: stratus/v1/stratus.proto


export interface SetMetricsResponse {
  'enabled'?: (boolean);
}

export interface SetMetricsResponse__Output {
  'enabled': (boolean);
}
