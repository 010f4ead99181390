// The one place every component gets the gRPC contract from: the loaded package definition, the
// generated types, and server reflection.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { ProtoGrpcType } from './generated/stratus';

export const PROTO_ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
export const PROTO_FILE = 'stratus/v1/stratus.proto';

/** Loader options shared by servers, clients and the generated types (proto:gen uses the same). */
export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_ROOT],
};

export const packageDefinition = protoLoader.loadSync(PROTO_FILE, LOADER_OPTIONS);
export const proto = (grpc.loadPackageDefinition(packageDefinition) as unknown as ProtoGrpcType).stratus.v1;

/** Adds server reflection (grpcurl list/describe and JSON calls without the .proto files). */
export function addReflection(server: grpc.Server): void {
  new ReflectionService(packageDefinition).addToServer(server);
}

export type * from './types';
