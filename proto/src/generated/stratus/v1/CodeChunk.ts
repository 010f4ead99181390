// Original file: stratus/v1/stratus.proto


export interface CodeChunk {
  'data'?: (Buffer | Uint8Array | string);
}

export interface CodeChunk__Output {
  'data': (Buffer);
}
