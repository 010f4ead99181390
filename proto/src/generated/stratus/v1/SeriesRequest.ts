// Original file: stratus/v1/stratus.proto


export interface SeriesRequest {
  'metric'?: (string);
  'function'?: (string);
  'backend'?: (string);
  'agent'?: (string);
  'from'?: (string);
  'to'?: (string);
  'stepSec'?: (number);
}

export interface SeriesRequest__Output {
  'metric': (string);
  'function': (string);
  'backend': (string);
  'agent': (string);
  'from': (string);
  'to': (string);
  'stepSec': (number);
}
