// Regenerates proto/src/generated from stratus.proto with the same loader options the servers use.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
execFileSync(
  'npx',
  ['proto-loader-gen-types', '--longs=Number', '--enums=String', '--defaults', '--oneofs', '--grpcLib=@grpc/grpc-js',
   '--inputTemplate=%s', '--outputTemplate=%s__Output', '--outDir=src/generated', 'stratus/v1/stratus.proto'],
  { cwd: root, stdio: 'inherit' },
);
