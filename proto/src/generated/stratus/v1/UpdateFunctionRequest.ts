// Original file: stratus/v1/stratus.proto


export interface UpdateFunctionRequest {
  'name'?: (string);
  'runtime'?: (string);
  'handler'?: (string);
  'zip'?: (Buffer | Uint8Array | string);
  'files'?: ({[key: string]: string});
  'memoryMb'?: (number);
  'timeoutSec'?: (number);
  'env'?: ({[key: string]: string});
  'maxConcurrency'?: (number);
  'backend'?: (string);
  'description'?: (string);
  'minWarm'?: (number);
  'replaceEnv'?: (boolean);
}

export interface UpdateFunctionRequest__Output {
  'name': (string);
  'runtime': (string);
  'handler': (string);
  'zip': (Buffer);
  'files': ({[key: string]: string});
  'memoryMb': (number);
  'timeoutSec': (number);
  'env': ({[key: string]: string});
  'maxConcurrency': (number);
  'backend': (string);
  'description': (string);
  'minWarm': (number);
  'replaceEnv': (boolean);
}
