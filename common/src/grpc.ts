// gRPC plumbing shared by every server and client: reflection on, bounded message sizes, keepalive,
// and handlers whose thrown errors become proper gRPC statuses.
import * as grpc from '@grpc/grpc-js';
import { addReflection } from '@stratus/proto';
import { toGrpcError } from './errors';
import { LIMITS } from './limits';

/** Large enough for a 6 MB payload in base64-free bytes plus framing, and for code archives in chunks. */
export const MAX_MESSAGE_BYTES = LIMITS.payloadBytes + 1024 * 1024;

const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  'grpc.max_receive_message_length': 64 * 1024 * 1024,
  'grpc.max_send_message_length': 64 * 1024 * 1024,
  'grpc.keepalive_time_ms': 10_000,
  'grpc.keepalive_timeout_ms': 5_000,
  'grpc.keepalive_permit_without_calls': 1,
  'grpc.http2.min_ping_interval_without_data_ms': 5_000,
};

export function createServer(): grpc.Server {
  const server = new grpc.Server({
    ...CHANNEL_OPTIONS,
    'grpc.http2.min_ping_interval_without_data_ms': 5_000,
  } as grpc.ServerOptions);
  addReflection(server);
  return server;
}

export function bindServer(server: grpc.Server, address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port)));
  });
}

export function shutdownServer(server: grpc.Server, graceMs = 5_000): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

type ClientCtor<T> = new (address: string, credentials: grpc.ChannelCredentials, options?: grpc.ClientOptions) => T;

export function createClient<T>(Ctor: ClientCtor<T>, address: string): T {
  return new Ctor(address, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
}

/**
 * Wraps an async function as a unary handler: its result is the response, a thrown error becomes
 * the matching gRPC status (StratusError codes via the catalog, anything else INTERNAL).
 */
export function unary<Req, Res>(fn: (request: Req, call: grpc.ServerUnaryCall<Req, Res>) => Promise<Res>): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    fn(call.request, call).then(
      (res) => callback(null, res),
      (err) => callback(toGrpcError(err) as grpc.ServiceError),
    );
  };
}

/** Promisifies a unary client call. */
export function call<Req, Res>(
  client: grpc.Client,
  method: (req: Req, metadata: grpc.Metadata, options: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: Res) => void) => grpc.ClientUnaryCall,
  request: Req,
  options: grpc.CallOptions = {},
): Promise<Res> {
  return new Promise((resolve, reject) => {
    method.call(client, request, new grpc.Metadata(), options, (err, res) => (err ? reject(err) : resolve(res as Res)));
  });
}
