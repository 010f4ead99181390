// Original file: stratus/v1/stratus.proto


export interface HeartbeatResponse {
  'reregister'?: (boolean);
}

export interface HeartbeatResponse__Output {
  'reregister': (boolean);
}
