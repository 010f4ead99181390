// Original file: stratus/v1/stratus.proto


export interface SeriesResponse {
  'metric'?: (string);
  'stepSec'?: (number);
  'timestamps'?: (number | string)[];
  'values'?: (number | string)[];
}

export interface SeriesResponse__Output {
  'metric': (string);
  'stepSec': (number);
  'timestamps': (number)[];
  'values': (number)[];
}
