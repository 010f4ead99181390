// The agent's link to the control plane: RegisterNode + Heartbeat (pool state and backends), the
// Watch stream of function changes, and on-demand fetches (a function spec, a code archive). When the
// control plane is down the link retries with backoff; warm invocations never wait for it.
import * as grpc from '@grpc/grpc-js';
import { call, createClient, type Logger } from '@stratus/common';
import { proto, type FunctionServiceClient, type FunctionSpec, type NodeServiceClient, type NodeStatusInput, type WatchEvent } from '@stratus/proto';
import type { FunctionRegistry } from './function-registry';

export interface ControlLinkOptions {
  address: string;
  agentId: string;
  registry: FunctionRegistry;
  status: () => Promise<NodeStatusInput>;
  /** A function's latest version changed (prev undefined when new). */
  onFunctionChanged: (fn: FunctionSpec, prev: FunctionSpec | undefined) => void;
  onFunctionDeleted: (name: string) => void;
  logger: Logger;
}

const MAX_BACKOFF_MS = 5_000;

export class ControlLink {
  private readonly functions: FunctionServiceClient;
  private readonly nodes: NodeServiceClient;
  private heartbeatMs = 2_000;
  private registered = false;
  private heartbeatTimer?: NodeJS.Timeout;
  private watchCall?: grpc.ClientReadableStream<WatchEvent>;
  private watchBackoff = 250;
  private watchTimer?: NodeJS.Timeout;
  private closed = false;
  private connectedOnce?: () => void;
  readonly firstSnapshot: Promise<void>;
  private readonly log: Logger;

  constructor(private readonly opts: ControlLinkOptions) {
    this.functions = createClient(proto.FunctionService as unknown as new (...a: ConstructorParameters<typeof grpc.Client>) => FunctionServiceClient, opts.address);
    this.nodes = createClient(proto.NodeService as unknown as new (...a: ConstructorParameters<typeof grpc.Client>) => NodeServiceClient, opts.address);
    this.log = opts.logger.child({ part: 'control-link' });
    this.firstSnapshot = new Promise((resolve) => { this.connectedOnce = resolve; });
  }

  start(): void {
    void this.beat();
    this.watch();
  }

  get connected(): boolean {
    return this.registered;
  }

  /** One function version (0 = latest) from the control plane; undefined when it does not exist. */
  async fetchFunction(name: string, version: number): Promise<FunctionSpec | undefined> {
    try {
      return await call(this.functions, this.functions.GetFunction, { name, version }, { deadline: Date.now() + 5_000 });
    } catch (err) {
      if ((err as grpc.ServiceError).code === grpc.status.NOT_FOUND) return undefined;
      throw err;
    }
  }

  /** A code archive by its sha256, reassembled from its chunks. */
  fetchArchive(sha256: string): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      const stream = this.functions.GetCodeArchive({ sha256 }, { deadline: Date.now() + 60_000 });
      stream.on('data', (c: { data: Buffer }) => chunks.push(c.data));
      stream.on('error', reject);
      stream.on('end', () => resolve(Buffer.concat(chunks)));
    });
  }

  /** Sends a heartbeat now (after a pool change the control plane should know about soon). */
  async beat(): Promise<void> {
    if (this.closed) return;
    clearTimeout(this.heartbeatTimer);
    try {
      const node = await this.opts.status();
      if (!this.registered) {
        const res = (await call(this.nodes, this.nodes.RegisterNode, { node }, { deadline: Date.now() + 5_000 })) as { heartbeatIntervalMs: number };
        this.heartbeatMs = res.heartbeatIntervalMs || 2_000;
        this.registered = true;
        this.log.info({ control: this.opts.address }, 'registered with the control plane');
      } else {
        const res = (await call(this.nodes, this.nodes.Heartbeat, { node }, { deadline: Date.now() + 5_000 })) as { reregister: boolean };
        if (res.reregister) {
          this.registered = false;
          this.log.info('control plane asked to register again');
          return this.beat();
        }
      }
    } catch (err) {
      if (this.registered) this.log.warn({ err: (err as Error).message }, 'control plane unreachable; retrying');
      this.registered = false;
    } finally {
      if (!this.closed) {
        this.heartbeatTimer = setTimeout(() => void this.beat(), this.registered ? this.heartbeatMs : Math.min(this.heartbeatMs, 1_000));
        this.heartbeatTimer.unref();
      }
    }
  }

  private watch(): void {
    if (this.closed) return;
    const stream = this.nodes.Watch({ subscriber: `agent:${this.opts.agentId}` });
    this.watchCall = stream;
    stream.on('data', (event: WatchEvent) => {
      this.watchBackoff = 250;
      try {
        this.apply(event);
      } catch (err) {
        this.log.error({ err }, 'applying a watch event failed');
      }
    });
    const retry = (why: string) => {
      if (this.watchCall !== stream || this.closed) return;
      this.watchCall = undefined;
      this.log.debug({ why, inMs: this.watchBackoff }, 'watch stream ended; reconnecting');
      this.watchTimer = setTimeout(() => this.watch(), this.watchBackoff);
      this.watchTimer.unref();
      this.watchBackoff = Math.min(MAX_BACKOFF_MS, this.watchBackoff * 2);
    };
    stream.on('error', (err) => retry(err.message));
    stream.on('end', () => retry('end'));
  }

  private apply(event: WatchEvent): void {
    const r = this.opts.registry;
    if (event.snapshot) {
      const prevs = new Map(r.all().map((f) => [f.name, f]));
      const gone = r.applySnapshot(event.snapshot.functions);
      for (const fn of event.snapshot.functions) {
        const prev = prevs.get(fn.name);
        if (!prev || prev.version !== fn.version) this.opts.onFunctionChanged(fn, prev);
      }
      for (const name of gone) this.opts.onFunctionDeleted(name);
      this.connectedOnce?.();
    } else if (event.functionChanged?.function) {
      const fn = event.functionChanged.function;
      const prev = r.upsert(fn);
      if (!prev || prev.version !== fn.version) this.opts.onFunctionChanged(fn, prev);
    } else if (event.functionDeleted) {
      r.remove(event.functionDeleted.name);
      this.opts.onFunctionDeleted(event.functionDeleted.name);
    }
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.heartbeatTimer);
    clearTimeout(this.watchTimer);
    this.watchCall?.cancel();
    this.functions.close();
    this.nodes.close();
  }
}
