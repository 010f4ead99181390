// The control plane's gRPC clients, one set per gateway (they share one channel per address).
import * as grpc from '@grpc/grpc-js';
import {
  proto, type FunctionServiceClient, type InvocationServiceClient, type NodeServiceClient, type PoolServiceClient,
  type MetricsServiceClient,
} from '@stratus/proto';
import { createClient } from '@stratus/common';

export interface ControlClients {
  address: string;
  functions: FunctionServiceClient;
  invocations: InvocationServiceClient;
  nodes: NodeServiceClient;
  pool: PoolServiceClient;
  metrics: MetricsServiceClient;
  close(): void;
}

export function createControlClients(address: string): ControlClients {
  const functions = createClient(proto.FunctionService, address);
  const invocations = createClient(proto.InvocationService, address);
  const nodes = createClient(proto.NodeService, address);
  const pool = createClient(proto.PoolService, address);
  const metrics = createClient(proto.MetricsService, address);
  return {
    address, functions, invocations, nodes, pool, metrics,
    close() {
      for (const c of [functions, invocations, nodes, pool, metrics]) (c as unknown as grpc.Client).close();
    },
  };
}

/** Promisified unary call with a deadline. */
export function unaryCall<Res>(
  client: object,
  method: string,
  request: object,
  timeoutMs = 30_000,
): Promise<Res> {
  return new Promise((resolve, reject) => {
    const fn = (client as Record<string, (req: object, md: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: Res) => void) => void>)[method];
    fn.call(client, request, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (err, res) => (err ? reject(err) : resolve(res as Res)));
  });
}
