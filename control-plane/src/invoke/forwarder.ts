// Invoke through the control plane (grpcurl, the CLI): looks the function up, ranks the agents
// that can run it and forwards the call to the best one. This is a convenience path; gateways
// call agents directly and keep working while the control plane is down.
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { call, createClient, fromGrpcError, StratusError, type Logger } from '@stratus/common';
import { proto, type InvocationServiceClient, type InvokeRequest, type InvokeResponse } from '@stratus/proto';
import type { NodeRegistry } from '../nodes/node-registry';
import { rankAgents } from '@stratus/common/placement.ts';
import type { FunctionStore } from '../store/functions-repo';

/** Room for queueing and a cold start on top of the function's own timeout. */
const DEADLINE_MARGIN_MS = 30_000;

export class InvokeForwarder {
  private readonly clients = new Map<string, InvocationServiceClient>();

  constructor(private readonly deps: { functions: FunctionStore; nodes: NodeRegistry; logger: Logger }) {}

  private client(address: string): InvocationServiceClient {
    let c = this.clients.get(address);
    if (!c) {
      c = createClient(proto.InvocationService, address) as unknown as InvocationServiceClient;
      this.clients.set(address, c);
    }
    return c;
  }

  /**
   * 1. Resolve the function version (NOT_FOUND if missing). 2. Rank ready agents offering its
   * backend (NO_CAPACITY if none). 3. Call the best; if it cannot be reached at all (UNAVAILABLE
   * without a Stratus code), try the next. Errors from the agent pass through with their code.
   */
  async invoke(req: InvokeRequest): Promise<InvokeResponse> {
    if (!req.function) throw new StratusError('INVALID_ARGUMENT', 'function: is required', { field: 'function' });
    const record = await this.deps.functions.get(req.function, req.version || undefined);
    const fn = record.spec;
    const agents = rankAgents(this.deps.nodes.list(), { name: fn.name, version: fn.version, runtime: fn.runtime, backend: fn.backend, memoryMb: fn.memoryMb });
    if (agents.length === 0) throw new StratusError('NO_CAPACITY', `no ready agent offers backend ${fn.backend} for function ${fn.name}`);
    const request = { ...req, version: req.version || 0, requestId: req.requestId || randomUUID() };
    let lastError: unknown;
    for (const agent of agents) {
      try {
        const client = this.client(agent.address);
        return await call<typeof request, InvokeResponse>(client as unknown as grpc.Client, client.Invoke as never, request, {
          deadline: Date.now() + fn.timeoutSec * 1000 + DEADLINE_MARGIN_MS,
        });
      } catch (err) {
        const e = err as grpc.ServiceError;
        const unreachable = e.code === grpc.status.UNAVAILABLE && !e.metadata?.get('stratus-code')?.length;
        if (!unreachable) throw fromGrpcError(err);
        this.deps.logger.warn({ agent: agent.id, address: agent.address, err: e.details }, 'agent unreachable; trying the next');
        lastError = err;
      }
    }
    throw new StratusError('NO_CAPACITY', `no agent could be reached for function ${fn.name}: ${(lastError as grpc.ServiceError)?.details ?? 'unavailable'}`);
  }

  close(): void {
    for (const c of this.clients.values()) (c as unknown as grpc.Client).close();
    this.clients.clear();
  }
}
