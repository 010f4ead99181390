// Original file: stratus/v1/stratus.proto


export interface OverheadColumns {
  'requestIds'?: (string);
  'overheadMs'?: (number | string)[];
  'endToEndMs'?: (number | string)[];
}

export interface OverheadColumns__Output {
  'requestIds': (string);
  'overheadMs': (number)[];
  'endToEndMs': (number)[];
}
