// The dashboard's only ways into the platform: the control plane's public gRPC services and the
// gateway's public HTTP API. Clients are created lazily from the environment (STRATUS_CONTROL_ADDRESS,
// STRATUS_GATEWAY_URL) and shared by every request.
import type * as grpc from '@grpc/grpc-js';
import { proto } from '@stratus/proto';
import type {
  FunctionSpec,
  FunctionCode,
  Invocation,
  NodeStatus,
  SummaryResponse,
  SeriesResponse,
  CostResponse,
} from '@stratus/proto';
import { createClient, fromGrpcError, loadConfig, StratusError } from '@stratus/common';

export interface ApiError {
  code: string;
  message: string;
  field?: string;
}

export type Result<T> = { ok: true; data: T } | { ok: false; error: ApiError };

let clients: {
  functions: grpc.Client;
  invocations: grpc.Client;
  nodes: grpc.Client;
  pool: grpc.Client;
  metrics: grpc.Client;
} | null = null;

export function controlAddress(): string {
  return loadConfig().controlAddress;
}

export function gatewayUrl(): string {
  return (process.env.STRATUS_GATEWAY_URL || `http://127.0.0.1:${loadConfig().gatewayPort}`).replace(/\/$/, '');
}

function getClients() {
  if (!clients) {
    const addr = controlAddress();
    clients = {
      functions: createClient(proto.FunctionService, addr),
      invocations: createClient(proto.InvocationService, addr),
      nodes: createClient(proto.NodeService, addr),
      pool: createClient(proto.PoolService, addr),
      metrics: createClient(proto.MetricsService, addr),
    };
  }
  return clients;
}

/** One unary call with a deadline; errors come back as StratusError (code, message, field). */
function rpc<Res>(client: grpc.Client, method: string, request: object, timeoutMs = 10_000): Promise<Res> {
  return new Promise((resolve, reject) => {
    const fn = (client as unknown as Record<string, (...args: unknown[]) => unknown>)[method];
    fn.call(client, request, { deadline: Date.now() + timeoutMs }, (err: grpc.ServiceError | null, res: Res) => {
      if (err) reject(fromGrpcError(err));
      else resolve(res);
    });
  });
}

export function toApiError(err: unknown): ApiError {
  if (err instanceof StratusError) {
    let message = err.message;
    if (err.code === 'UNAVAILABLE' && /No connection established|ECONNREFUSED|Connection dropped|failed to connect/i.test(message)) {
      message = `The control plane at ${controlAddress()} is not reachable (${message.replace(/^\d+ UNAVAILABLE: /, '')})`;
    }
    return { code: err.code, message, ...(err.field ? { field: err.field } : {}) };
  }
  return { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
}

/** Runs a call and never throws: pages render the error state from the result. */
export async function attempt<T>(p: Promise<T>): Promise<Result<T>> {
  try {
    return { ok: true, data: await p };
  } catch (err) {
    return { ok: false, error: toApiError(err) };
  }
}

const c = () => getClients();

export interface FunctionFields {
  name: string;
  runtime?: string;
  handler?: string;
  zip?: Buffer;
  files?: Record<string, string>;
  memoryMb?: number;
  timeoutSec?: number;
  env?: Record<string, string>;
  maxConcurrency?: number;
  backend?: string;
  description?: string;
  minWarm?: number;
  replaceEnv?: boolean;
}

export const platform = {
  listFunctions: (prefix = '') =>
    rpc<{ functions: FunctionSpec[] }>(c().functions, 'ListFunctions', { prefix }).then((r) => r.functions),
  getFunction: (name: string, version = 0) => rpc<FunctionSpec>(c().functions, 'GetFunction', { name, version }),
  listVersions: (name: string) => rpc<{ versions: FunctionSpec[] }>(c().functions, 'ListVersions', { name }).then((r) => r.versions),
  getFunctionCode: (name: string, version = 0) => rpc<FunctionCode>(c().functions, 'GetFunctionCode', { name, version }),
  createFunction: (f: FunctionFields) => rpc<FunctionSpec>(c().functions, 'CreateFunction', f, 120_000),
  updateFunction: (f: FunctionFields) => rpc<FunctionSpec>(c().functions, 'UpdateFunction', f, 120_000),
  deleteFunction: (name: string) => rpc<{ name: string; versionsDeleted: number }>(c().functions, 'DeleteFunction', { name }),

  getInvocation: (id: string) => rpc<Invocation>(c().invocations, 'GetInvocation', { id }),
  listInvocations: (q: { function?: string; status?: string; from?: string; to?: string; limit?: number; search?: string; requestId?: string; agentId?: string; backend?: string }) =>
    rpc<{ invocations: Invocation[] }>(c().invocations, 'ListInvocations', q).then((r) => r.invocations),

  listNodes: () => rpc<{ nodes: NodeStatus[] }>(c().nodes, 'ListNodes', {}).then((r) => r.nodes),
  getPool: () => rpc<{ nodes: NodeStatus[]; memoryBudgetMb: number; memoryUsedMb: number }>(c().pool, 'GetPool', {}),

  getSummary: (q: { from: string; to: string; groupBy?: string; function?: string }) => rpc<SummaryResponse>(c().metrics, 'GetSummary', q),
  getSeries: (q: { metric: string; function?: string; backend?: string; agent?: string; from: string; to: string; stepSec?: number }) =>
    rpc<SeriesResponse>(c().metrics, 'GetSeries', q),
  getCost: (q: { from: string; to: string; function?: string }) => rpc<CostResponse>(c().metrics, 'GetCost', q),
};

/** Invokes a function through the gateway's public HTTP endpoint, returning what a client would see. */
export async function invokeViaGateway(name: string, body: string, version?: number): Promise<{
  status: number;
  headers: Record<string, string>;
  body: string;
  elapsedMs: number;
}> {
  const path = version ? `/function/${encodeURIComponent(name)}/v/${version}` : `/function/${encodeURIComponent(name)}`;
  const t0 = performance.now();
  let res: Response;
  try {
    res = await fetch(gatewayUrl() + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  } catch (err) {
    throw new StratusError('UNAVAILABLE', `The gateway at ${gatewayUrl()} is not reachable: ${(err as Error).message}`);
  }
  const text = await res.text();
  const elapsedMs = performance.now() - t0;
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => {
    headers[k] = v;
  });
  return { status: res.status, headers, body: text, elapsedMs };
}
