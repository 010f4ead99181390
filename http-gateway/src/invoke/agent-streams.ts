// One long-lived bidirectional InvokeStream per agent, carrying many invocations at once matched by
// request_id (several times the throughput of unary calls). A broken stream answers every pending
// invocation with status "unavailable" and the next invocation opens a new one (grpc-js reconnects
// the channel underneath). Pending invocations are bounded in time by a sweeper, not a timer each.
import * as grpc from '@grpc/grpc-js';
import { proto, type InvocationServiceClient, type InvokeResponse } from '@stratus/proto';
import { createClient, type Logger } from '@stratus/common';

type InvokeStreamCall = grpc.ClientDuplexStream<
  { function: string; version: number; payload: Buffer; requestId: string },
  InvokeResponse
>;

/** Status of a synthetic answer when the agent could not be reached at all: the request was never sent. */
export const UNREACHABLE = 'unreachable';

interface Pending {
  resolve: (res: InvokeResponse) => void;
  deadline: number;
  agentId: string;
}

/** A response the gateway makes itself when the agent cannot answer. */
export function syntheticResponse(requestId: string, status: string, message: string, agentId = ''): InvokeResponse {
  return {
    requestId, status, payload: Buffer.alloc(0), errorType: '', errorMessage: message, coldStart: false,
    durationMs: 0, initMs: 0, startMs: 0, queueMs: 0, billedMs: 0, backend: '', agentId, function: '',
    version: 0, runtime: '', retryAfterSec: 0, agentMs: 0,
  };
}

class AgentConnection {
  readonly client: InvocationServiceClient;
  private stream: InvokeStreamCall | undefined;
  readonly pending = new Map<string, Pending>();

  constructor(readonly id: string, readonly address: string, private readonly logger: Logger) {
    this.client = createClient(proto.InvocationService, address);
  }

  send(fn: string, version: number, payload: Buffer, requestId: string, deadline: number): Promise<InvokeResponse> {
    const stream = this.stream ?? this.open();
    return new Promise<InvokeResponse>((resolve) => {
      this.pending.set(requestId, { resolve, deadline, agentId: this.id });
      stream.write({ function: fn, version, payload, requestId });
    });
  }

  private open(): InvokeStreamCall {
    const stream = this.client.InvokeStream() as unknown as InvokeStreamCall;
    this.stream = stream;
    stream.on('data', (res: InvokeResponse) => {
      const p = this.pending.get(res.requestId);
      if (!p) return;
      this.pending.delete(res.requestId);
      p.resolve(res);
    });
    // 'error' comes without 'close' when the stream never connected; 'end' when the agent ends it.
    // Either way the stream is done: pending invocations on it fail and the next one opens a new stream.
    let done = false;
    const finish = (reason: string, status: string) => {
      if (done) return;
      done = true;
      if (this.stream === stream) this.stream = undefined;
      if (this.pending.size > 0) {
        this.logger.warn({ agent: this.id, address: this.address, pending: this.pending.size, reason }, 'invoke stream to agent closed');
        this.failAll(`agent ${this.id} at ${this.address} is unreachable: ${reason}`, status);
      }
    };
    stream.on('error', (err: grpc.ServiceError) => {
      const reason = err.details || err.message;
      // No connection at all: nothing reached the agent, so the caller may safely try another one.
      const neverConnected = err.code === grpc.status.UNAVAILABLE && /No connection established|ECONNREFUSED|EHOSTUNREACH|ENOTFOUND/.test(reason);
      finish(reason, neverConnected ? UNREACHABLE : 'unavailable');
    });
    stream.on('end', () => finish('the agent ended the stream', 'unavailable'));
    stream.on('close', () => finish('stream closed', 'unavailable'));
    return stream;
  }

  failAll(message: string, status = 'unavailable'): void {
    for (const [id, p] of this.pending) p.resolve(syntheticResponse(id, status, message, this.id));
    this.pending.clear();
  }

  sweep(now: number): void {
    for (const [id, p] of this.pending) {
      if (p.deadline <= now) {
        this.pending.delete(id);
        p.resolve(syntheticResponse(id, 'unavailable', `agent ${this.id} did not answer in time`, this.id));
      }
    }
  }

  close(): void {
    this.failAll('gateway is shutting down');
    this.stream?.end();
    this.stream?.cancel();
    this.stream = undefined;
    this.client.close();
  }
}

export class AgentStreams {
  private readonly agents = new Map<string, AgentConnection>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly logger: Logger) {
    this.sweeper = setInterval(() => {
      const now = Date.now();
      for (const a of this.agents.values()) a.sweep(now);
    }, 1_000);
    this.sweeper.unref();
  }

  /** Invokes on the agent at `address`; always resolves (failures become synthetic statuses). */
  invoke(agentId: string, address: string, fn: string, version: number, payload: Buffer, requestId: string, maxWaitMs: number): Promise<InvokeResponse> {
    let conn = this.agents.get(agentId);
    if (!conn || conn.address !== address) {
      conn?.close();
      conn = new AgentConnection(agentId, address, this.logger);
      this.agents.set(agentId, conn);
    }
    return conn.send(fn, version, payload, requestId, Date.now() + maxWaitMs);
  }

  /** The unary client of an agent (AgentService lives on the same server): for health checks. */
  address(agentId: string): string | undefined {
    return this.agents.get(agentId)?.address;
  }

  forget(agentId: string): void {
    this.agents.get(agentId)?.close();
    this.agents.delete(agentId);
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const a of this.agents.values()) a.close();
    this.agents.clear();
  }
}
