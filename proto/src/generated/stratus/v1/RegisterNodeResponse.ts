// Original file: stratus/v1/stratus.proto


export interface RegisterNodeResponse {
  'heartbeatIntervalMs'?: (number);
}

export interface RegisterNodeResponse__Output {
  'heartbeatIntervalMs': (number);
}
