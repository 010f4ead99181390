// Small helpers for the control plane's gRPC handlers.
import { toGrpcError } from '@stratus/common';
import type * as grpc from '@grpc/grpc-js';

/** Ends a server stream with the error's gRPC status (catalog codes travel in metadata). */
export function failStream(call: grpc.ServerWritableStream<unknown, unknown>, err: unknown): void {
  call.emit('error', toGrpcError(err));
}
