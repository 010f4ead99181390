// Original file: stratus/v1/stratus.proto


export interface WatchRequest {
  'subscriber'?: (string);
}

export interface WatchRequest__Output {
  'subscriber': (string);
}
