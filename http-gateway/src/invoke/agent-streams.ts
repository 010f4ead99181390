// One long-lived bidirectional stream per agent, carrying many invocations at once matched by
// request_id (several times the throughput of unary calls): InvokeBatchStream, where the
// invocations of one turn of the event loop travel as one message (grpc-js's CPU is per message),
// or InvokeStream, one message each, with an agent that answers UNIMPLEMENTED to the first (an
// older release). A broken stream answers every pending invocation with status "unavailable" and
// the next invocation opens a new one (grpc-js reconnects the channel underneath). Pending
// invocations are bounded in time by a sweeper, not a timer each.
import * as grpc from '@grpc/grpc-js';
import { proto, type InvocationOverhead, type InvocationServiceClient, type InvokeResponse, type OverheadColumnsInput } from '@stratus/proto';
import { createClient, createTurnBatcher, type Logger } from '@stratus/common';

interface Outgoing {
  function: string;
  version: number;
  payload: Buffer;
  requestId: string;
}
type SingleCall = grpc.ClientDuplexStream<Outgoing, InvokeResponse>;
type OverheadFields = { overheads?: InvocationOverhead[]; overheadColumns?: OverheadColumnsInput };
type BatchCall = grpc.ClientDuplexStream<{ requests: Outgoing[] } & OverheadFields, { responses: InvokeResponse[]; takesOverheads?: boolean; takesOverheadColumns?: boolean }>;

/** Overheads measured for invocations an agent answered, handed back when they cannot go to it on its stream. */
export type UncarriedOverheads = (agentId: string, items: InvocationOverhead[]) => void;

/**
 * How long an overhead waits for a batch of invocations to ride with before it goes on a batch of
 * its own: well inside the agent's 100 ms record batch, which it must reach to be put in its record.
 */
const OVERHEAD_WAIT_MS = 10;
/** Overheads held for one agent at most; beyond that they are handed back (published on NATS). */
const MAX_HELD_OVERHEADS = 4_096;

/** Status of a synthetic answer when the agent could not be reached at all: the request was never sent. */
export const UNREACHABLE = 'unreachable';

interface Pending {
  resolve: (res: InvokeResponse) => void;
  deadline: number;
  agentId: string;
  /** Kept until answered: resent one by one if the agent turns out not to know InvokeBatchStream. */
  request: Outgoing;
}

/** A response the gateway makes itself when the agent cannot answer. */
export function syntheticResponse(requestId: string, status: string, message: string, agentId = ''): InvokeResponse {
  return {
    requestId, status, payload: Buffer.alloc(0), errorType: '', errorMessage: message, coldStart: false,
    durationMs: 0, initMs: 0, startMs: 0, queueMs: 0, billedMs: 0, backend: '', agentId, function: '',
    version: 0, runtime: '', retryAfterSec: 0, agentMs: 0,
  };
}

/**
 * Overheads as InvokeBatch.overhead_columns (their function and backend stay behind: the agent
 * has them in its records); one whose request id holds a line break goes as a message of its own.
 */
function overheadColumnsOf(items: readonly InvocationOverhead[]): OverheadFields {
  const ids: string[] = [];
  const overheadMs: number[] = [];
  const endToEndMs: number[] = [];
  let odd: InvocationOverhead[] | undefined;
  for (const it of items) {
    if (it.requestId.includes('\n')) (odd ??= []).push(it);
    else {
      ids.push(it.requestId);
      overheadMs.push(it.overheadMs);
      endToEndMs.push(it.endToEndMs);
    }
  }
  return { ...(ids.length > 0 ? { overheadColumns: { requestIds: ids.join('\n'), overheadMs, endToEndMs } } : {}), ...(odd ? { overheads: odd } : {}) };
}

class AgentConnection {
  readonly client: InvocationServiceClient;
  private stream: SingleCall | BatchCall | undefined;
  /** InvokeBatchStream until the agent answers UNIMPLEMENTED. */
  private batched = true;
  readonly pending = new Map<string, Pending>();
  private readonly outgoing = createTurnBatcher<Outgoing>((requests) => this.write(requests));
  /** The agent said (InvokeResponseBatch.takes_overheads) that it puts overheads in its records. */
  private takesOverheads = false;
  /** It also said (takes_overhead_columns) that it reads them as columns. */
  private takesColumns = false;
  /** The stream has brought a batch of answers (so takesOverheads is the agent's word). */
  private answered = false;
  private overheads: InvocationOverhead[] = [];
  private overheadTimer: NodeJS.Timeout | undefined;
  /** Batches of invocations written so far (the overhead timer's sign that they still flow). */
  private writes = 0;

  constructor(
    readonly id: string,
    readonly address: string,
    private readonly logger: Logger,
    private readonly uncarried: UncarriedOverheads = () => undefined,
  ) {
    this.client = createClient(proto.InvocationService, address);
  }

  send(fn: string, version: number, payload: Buffer, requestId: string, deadline: number): Promise<InvokeResponse> {
    return new Promise<InvokeResponse>((resolve) => {
      const request = { function: fn, version, payload, requestId };
      this.pending.set(requestId, { resolve, deadline, agentId: this.id, request });
      this.outgoing.push(request);
    });
  }

  /**
   * Takes an overhead to the agent on its stream, with the next invocations (or alone after
   * OVERHEAD_WAIT_MS); true too when the agent said it publishes no records (metrics switched off
   * there: the overhead has no record to join, and is dropped); false when this agent's stream
   * cannot carry it (not open, not batched).
   */
  carry(item: InvocationOverhead): boolean {
    if (!this.batched || !this.stream) return false;
    if (!this.takesOverheads) return this.answered;
    if (this.overheads.length >= MAX_HELD_OVERHEADS) return false;
    this.overheads.push(item);
    // The timer is left to run when the overheads leave with invocations (it then finds none):
    // arming and clearing one per batch of invocations cost the gateway 1.2 µs per request.
    this.armOverheadTimer();
    return true;
  }

  /**
   * Sends the held overheads alone after OVERHEAD_WAIT_MS only if no invocations went meanwhile:
   * while they flow, the overheads ride with the next ones (under load, sending them alone every
   * 10 ms was 100 extra messages a second, each about 21 µs of CPU on either side). So none waits
   * more than two periods.
   */
  private armOverheadTimer(): void {
    if (this.overheadTimer) return;
    const writes = this.writes;
    this.overheadTimer = setTimeout(() => {
      this.overheadTimer = undefined;
      if (this.overheads.length === 0) return;
      if (this.writes !== writes) this.armOverheadTimer();
      else this.writeOverheads();
    }, OVERHEAD_WAIT_MS);
  }

  private takeOverheads(): InvocationOverhead[] | undefined {
    if (this.overheads.length === 0) return undefined;
    const items = this.overheads;
    this.overheads = [];
    return items;
  }

  /** The held overheads as a batch's fields: columns for an agent that reads them, else one message each. */
  private overheadFields(): OverheadFields {
    const items = this.takeOverheads();
    if (!items) return {};
    return this.takesColumns ? overheadColumnsOf(items) : { overheads: items };
  }

  /** Sends the held overheads on a batch of their own, or hands them back if the stream is gone. */
  private writeOverheads(): void {
    if (this.overheads.length === 0) return;
    if (this.stream && this.batched) (this.stream as BatchCall).write({ requests: [], ...this.overheadFields() });
    else this.uncarried(this.id, this.takeOverheads()!);
  }

  /** Writes the requests still waiting (a broken stream may have answered some meanwhile). */
  private write(requests: Outgoing[]): void {
    const live = requests.filter((r) => this.pending.has(r.requestId));
    if (live.length === 0) return;
    const stream = this.stream ?? this.open();
    this.writes++;
    if (this.batched) (stream as BatchCall).write({ requests: live, ...this.overheadFields() });
    else for (const r of live) (stream as SingleCall).write(r);
  }

  private open(): SingleCall | BatchCall {
    const batched = this.batched;
    const stream = batched ? (this.client.InvokeBatchStream() as unknown as BatchCall) : (this.client.InvokeStream() as unknown as SingleCall);
    this.stream = stream;
    const answered = (res: InvokeResponse) => {
      const p = this.pending.get(res.requestId);
      if (!p) return;
      this.pending.delete(res.requestId);
      p.resolve(res);
    };
    if (batched) {
      stream.on('data', (batch: { responses: InvokeResponse[]; takesOverheads?: boolean; takesOverheadColumns?: boolean }) => {
        this.takesOverheads = batch.takesOverheads === true;
        this.takesColumns = batch.takesOverheadColumns === true;
        this.answered = true;
        batch.responses.forEach(answered);
      });
    } else stream.on('data', answered);
    // 'error' comes without 'close' when the stream never connected; 'end' when the agent ends it.
    // Either way the stream is done: pending invocations on it fail and the next one opens a new stream.
    let done = false;
    const finish = (reason: string, status: string) => {
      if (done) return;
      done = true;
      if (this.stream === stream) {
        this.stream = undefined;
        this.answered = false;
      }
      const held = this.takeOverheads();
      if (held) this.uncarried(this.id, held);
      if (this.pending.size > 0) {
        this.logger.warn({ agent: this.id, address: this.address, pending: this.pending.size, reason }, 'invoke stream to agent closed');
        this.failAll(`agent ${this.id} at ${this.address} is unreachable: ${reason}`, status);
      }
    };
    stream.on('error', (err: grpc.ServiceError) => {
      if (batched && err.code === grpc.status.UNIMPLEMENTED) {
        // An agent without InvokeBatchStream ran none of them: the same requests go one by one.
        done = true;
        if (this.stream === stream) this.stream = undefined;
        this.batched = false;
        this.logger.info({ agent: this.id, address: this.address }, 'agent has no InvokeBatchStream; using InvokeStream');
        this.write([...this.pending.values()].map((p) => p.request));
        return;
      }
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
    clearTimeout(this.overheadTimer);
    this.overheadTimer = undefined;
    this.writeOverheads();
    this.stream?.end();
    this.stream?.cancel();
    this.stream = undefined;
    this.client.close();
  }
}

export class AgentStreams {
  private readonly agents = new Map<string, AgentConnection>();
  private readonly sweeper: NodeJS.Timeout;
  /** Where overheads go that no agent stream could take (the gateway's metrics set it: NATS). */
  uncarriedOverheads: UncarriedOverheads = () => undefined;

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
      conn = new AgentConnection(agentId, address, this.logger, (id, items) => this.uncarriedOverheads(id, items));
      this.agents.set(agentId, conn);
    }
    return conn.send(fn, version, payload, requestId, Date.now() + maxWaitMs);
  }

  /** Sends an invocation's overhead to the agent that ran it, for its record (or drops it: see carry); false: publish it instead. */
  carryOverhead(agentId: string, item: InvocationOverhead): boolean {
    return this.agents.get(agentId)?.carry(item) ?? false;
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
