// Original file: stratus/v1/stratus.proto


export interface SummaryRequest {
  'from'?: (string);
  'to'?: (string);
  'groupBy'?: (string);
  'function'?: (string);
}

export interface SummaryRequest__Output {
  'from': (string);
  'to': (string);
  'groupBy': (string);
  'function': (string);
}
