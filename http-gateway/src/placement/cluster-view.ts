// The gateway's local copy of the cluster: every function's latest version and every node with its
// pool, kept current by the control plane's Watch stream (a snapshot, then deltas). When the control
// plane goes away the copy is kept as it was (warm invocations go on) and Watch reconnects with backoff.
import type * as grpc from '@grpc/grpc-js';
import type { FunctionSpec, NodeStatus, WatchEvent, NodeServiceClient } from '@stratus/proto';
import type { Logger } from '@stratus/common';

export interface ClusterViewOptions {
  client: NodeServiceClient;
  subscriber: string;
  logger: Logger;
  /** Backoff bounds for reconnecting Watch. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

export class ClusterView {
  readonly functions = new Map<string, FunctionSpec>();
  readonly nodes = new Map<string, NodeStatus>();
  /** True while a Watch stream is open and has delivered its snapshot. */
  connected = false;
  /** When the last snapshot arrived (0: never). */
  snapshotAt = 0;
  lastError: string | undefined;

  private call: grpc.ClientReadableStream<WatchEvent> | undefined;
  private closed = false;
  private timer: NodeJS.Timeout | undefined;
  private backoffMs: number;
  private readonly minBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly waiters = new Set<() => void>();
  private readonly listeners = new Set<(event: WatchEvent) => void>();

  constructor(private readonly opts: ClusterViewOptions) {
    this.minBackoffMs = opts.minBackoffMs ?? 200;
    this.maxBackoffMs = opts.maxBackoffMs ?? 5_000;
    this.backoffMs = this.minBackoffMs;
  }

  start(): void {
    this.connect();
  }

  /** Resolves at the first snapshot, or after timeoutMs (false) so a gateway starts without a control plane. */
  waitForSnapshot(timeoutMs: number): Promise<boolean> {
    if (this.snapshotAt > 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.waiters.delete(done);
        resolve(this.snapshotAt > 0);
      };
      const t = setTimeout(done, timeoutMs);
      this.waiters.add(done);
    });
  }

  onEvent(listener: (event: WatchEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.call?.cancel();
    this.call = undefined;
    for (const w of [...this.waiters]) w();
  }

  private connect(): void {
    if (this.closed) return;
    const call = this.opts.client.Watch({ subscriber: this.opts.subscriber });
    this.call = call;
    call.on('data', (event: WatchEvent) => this.apply(event));
    // A stream that never connected reports 'error' without 'close'; one the server ends reports
    // 'end' then 'close'. Whichever comes first schedules the reconnect, once.
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      if (this.call !== call) return;
      this.call = undefined;
      this.connected = false;
      if (this.closed) return;
      this.opts.logger.debug({ err: this.lastError, retryInMs: this.backoffMs }, 'watch stream closed; reconnecting');
      this.timer = setTimeout(() => this.connect(), this.backoffMs);
      this.timer.unref?.();
      this.backoffMs = Math.min(this.backoffMs * 2, this.maxBackoffMs);
    };
    call.on('error', (err: grpc.ServiceError) => {
      if (!this.closed) this.lastError = err.details || err.message;
      finish();
    });
    call.on('end', finish);
    call.on('close', finish);
  }

  /** Applies one Watch event to the local copy. Public for tests. */
  apply(event: WatchEvent): void {
    switch (event.event) {
      case 'snapshot': {
        const snap = event.snapshot!;
        this.functions.clear();
        for (const fn of snap.functions) this.functions.set(fn.name, fn);
        this.nodes.clear();
        for (const node of snap.nodes) this.nodes.set(node.id, node);
        this.connected = true;
        this.snapshotAt = Date.now();
        this.lastError = undefined;
        this.backoffMs = this.minBackoffMs;
        for (const w of [...this.waiters]) w();
        break;
      }
      case 'functionChanged': {
        const fn = event.functionChanged?.function;
        if (fn) {
          const current = this.functions.get(fn.name);
          if (!current || current.version <= fn.version) this.functions.set(fn.name, fn);
        }
        break;
      }
      case 'functionDeleted':
        if (event.functionDeleted) this.functions.delete(event.functionDeleted.name);
        break;
      case 'nodeChanged':
        if (event.nodeChanged) this.nodes.set(event.nodeChanged.id, event.nodeChanged);
        break;
      case 'nodeRemoved':
        if (event.nodeRemoved) this.nodes.delete(event.nodeRemoved.id);
        break;
      default:
        break;
    }
    for (const l of this.listeners) l(event);
  }
}
