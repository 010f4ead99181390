// Original file: stratus/v1/stratus.proto


export interface CostRequest {
  'from'?: (string);
  'to'?: (string);
  'function'?: (string);
  'pricePerGbSecond'?: (number | string);
  'pricePerMillionRequests'?: (number | string);
}

export interface CostRequest__Output {
  'from': (string);
  'to': (string);
  'function': (string);
  'pricePerGbSecond': (number);
  'pricePerMillionRequests': (number);
}
