// Original file: stratus/v1/stratus.proto

import type { CodeFile as _stratus_v1_CodeFile, CodeFile__Output as _stratus_v1_CodeFile__Output } from '../../stratus/v1/CodeFile';

export interface FunctionCode {
  'name'?: (string);
  'version'?: (number);
  'codeSha256'?: (string);
  'files'?: (_stratus_v1_CodeFile)[];
}

export interface FunctionCode__Output {
  'name': (string);
  'version': (number);
  'codeSha256': (string);
  'files': (_stratus_v1_CodeFile__Output)[];
}
