// The agent's side of the AWS Lambda Runtime API (plus the `specialize` extension for pre-warmed
// containers), as described in docs/runtime-protocol.md. Plain node:http: this is the hot path of
// every invocation (one GET /next and one POST per call), so no framework and no work per request
// beyond a map lookup by source address (or by the container's own Unix socket).
import fs from 'node:fs/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import net, { type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { LIMITS, type Logger } from '@stratus/common';

export interface SpecializeConfig {
  functionName: string; functionVersion: string; handler: string; memoryMb: number;
  timeoutSec: number; env: Record<string, string>; logGroupName: string; logStreamName: string;
}

export interface InvocationInput {
  requestId: string;
  payload: Buffer;
  /** Epoch milliseconds; sent as Lambda-Runtime-Deadline-Ms. */
  deadlineMs: number;
  invokedFunctionArn: string;
  /** Optional Lambda-Runtime-Trace-Id / -Client-Context / -Cognito-Identity (JSON strings for the last two). */
  traceId?: string;
  clientContext?: string;
  cognitoIdentity?: string;
}

export type LogStream = 'stdout' | 'stderr';

export type InvocationOutcome = (
  | { kind: 'response'; payload: Buffer }
  | { kind: 'error'; errorType: string; errorMessage: string; stackTrace: string[]; payload: Buffer } // payload = the error JSON
) & {
  /**
   * The streams on which the runtime wrote this invocation's end mark (its `Stratus-Log-Sentinels`
   * header): our bootstraps mark only the streams the invocation wrote to, so a silent invocation
   * sends nothing through the engine's log pipes. Undefined: the header was absent (both, or none
   * for a runtime that writes no marks; the log collector then waits its grace time).
   */
  logStreams?: LogStream[];
};

/** The handler could not be loaded (posted to /runtime/init/error). specialize() rejects with it. */
export class RuntimeInitError extends Error {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly stackTrace: string[];
  /** The error JSON ({errorType, errorMessage, stackTrace}), ready to hand to the caller. */
  readonly payload: Buffer;

  constructor(errorType: string, errorMessage: string, stackTrace: string[] = []) {
    super(`${errorType}: ${errorMessage}`);
    this.name = 'RuntimeInitError';
    this.errorType = errorType;
    this.errorMessage = errorMessage;
    this.stackTrace = stackTrace;
    this.payload = errorPayload(errorType, errorMessage, stackTrace);
  }
}

/** What the agent core holds for one container; every method is safe to call in any state. */
export interface RuntimeSession {
  readonly ip: string;
  /** GET /next requests so far: our bootstraps make one, then ask for the next invocation on each post. */
  readonly nextPolls: number;
  /** Resolves once the bootstrap is long-polling /specialize (interpreter loaded). */
  waitUntilPrewarmed(signal?: AbortSignal): Promise<void>;
  /**
   * Answers the bootstrap's /specialize poll with the function's configuration (the code must already
   * be in the container's /var/task). Resolves at the first /next with the time from that answer;
   * rejects with RuntimeInitError when the runtime posts /runtime/init/error, or with the error given
   * to fail(). May be called before the poll arrives: the answer is then sent when it does.
   */
  specialize(config: SpecializeConfig): Promise<{ initMs: number }>;
  /** One at a time. Resolves with the response or the function's error; rejects only through fail()/detach(). */
  invoke(input: InvocationInput): Promise<InvocationOutcome>;
  /** The container died or was killed: reject whatever is pending (and all later calls) with err. */
  fail(err: Error): void;
  /** Forget this container: its address is refused from now on and its connections are closed. */
  detach(): void;
}

export interface RuntimeApiServerOptions {
  host: string;
  port?: number;
  logger: Logger;
  /** Largest response or error body a runtime may post (default LIMITS.payloadBytes, 6 MB). */
  maxResponseBytes?: number;
  /**
   * A /specialize poll from an address nobody attached yet is held this long waiting for attach()
   * (the agent learns a container's address only once it started, and the bootstrap is quick).
   */
  attachGraceMs?: number;
}

const NEXT = '/2018-06-01/runtime/invocation/next';
const SPECIALIZE = '/2018-06-01/stratus/specialize';
const INIT_ERROR = '/2018-06-01/runtime/init/error';
const INVOCATION = '/2018-06-01/runtime/invocation/';
const ACCEPTED = Buffer.from('{"status":"OK"}');
const JSON_TYPE = 'application/json';
const LOG_SENTINELS_HEADER = 'stratus-log-sentinels';
/**
 * A response or error post with `Stratus-Next: 1` is also the runtime's next `/next`: it is answered
 * with the next invocation instead of 202 (our bootstraps; docs/runtime-protocol.md). Two messages
 * per invocation between agent and container instead of four, and the runtime is ready for the next
 * event the moment its answer arrives.
 */
const NEXT_HEADER = 'stratus-next';

function logStreamsOf(req: IncomingMessage): LogStream[] | undefined {
  const h = req.headers[LOG_SENTINELS_HEADER];
  if (typeof h !== 'string') return undefined;
  const out: LogStream[] = [];
  for (const part of h.split(',')) {
    const name = part.trim();
    if ((name === 'stdout' || name === 'stderr') && !out.includes(name)) out.push(name);
  }
  return out;
}

export function errorPayload(errorType: string, errorMessage: string, stackTrace: string[]): Buffer {
  return Buffer.from(JSON.stringify({ errorType, errorMessage, stackTrace }));
}

function errorOutcome(errorType: string, errorMessage: string, stackTrace: string[] = []): InvocationOutcome {
  return { kind: 'error', errorType, errorMessage, stackTrace, payload: errorPayload(errorType, errorMessage, stackTrace) };
}

/** The key a connection is known by: `unix:<name>` on a container's own socket, else its source IP. */
const socketKeys = new WeakMap<Socket, string>();
function addressOf(socket: Socket): string {
  const key = socketKeys.get(socket);
  if (key !== undefined) return key;
  const addr = socket.remoteAddress ?? '';
  return addr.startsWith('::ffff:') ? addr.slice(7) : addr;
}

function reply(res: ServerResponse, status: number, body: Buffer | string): void {
  if (res.headersSent || res.destroyed) return;
  const buf = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, { 'Content-Type': JSON_TYPE, 'Content-Length': buf.length });
  res.end(buf);
}

function refuse(res: ServerResponse, status: number, errorType: string, errorMessage: string): void {
  reply(res, status, JSON.stringify({ errorType, errorMessage }));
}

/** Reads a body up to `limit` bytes; beyond it keeps draining (so the connection stays usable) and reports the size. */
function readBody(req: IncomingMessage, limit: number, done: (body: Buffer | undefined, size: number) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
  });
  req.on('end', () => {
    if (size > limit) return done(undefined, size);
    done(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size), size);
  });
  req.on('error', () => done(undefined, -1));
}

interface Deferred<T> { promise: Promise<T>; resolve(v: T): void; reject(e: Error): void }
function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void; let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
  promise.catch(() => undefined); // rejections are observed by whoever awaits; never unhandled here
  return { promise, resolve, reject };
}

type State = 'starting' | 'prewarmed' | 'initializing' | 'ready' | 'failed' | 'detached';

interface PendingInvocation {
  input: InvocationInput;
  delivered: boolean;
  outcome: Deferred<InvocationOutcome>;
}

class Session implements RuntimeSession {
  state: State = 'starting';
  nextPolls = 0;
  private specializePoll?: ServerResponse;
  private nextPoll?: ServerResponse;
  private prewarmed = deferred<void>();
  private config?: Buffer;
  private init?: Deferred<{ initMs: number }>;
  private initStartedAt = 0;
  private current?: PendingInvocation;
  private failure?: Error;

  constructor(readonly ip: string, private readonly server: RuntimeApiServer, readonly aliases: readonly string[] = []) {}

  waitUntilPrewarmed(signal?: AbortSignal): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (!signal) return this.prewarmed.promise;
    if (signal.aborted) return Promise.reject(signal.reason ?? new Error('aborted'));
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(signal.reason ?? new Error('aborted'));
      signal.addEventListener('abort', onAbort, { once: true });
      this.prewarmed.promise.then(
        () => { signal.removeEventListener('abort', onAbort); resolve(); },
        (err: Error) => { signal.removeEventListener('abort', onAbort); reject(err); },
      );
    });
  }

  specialize(config: SpecializeConfig): Promise<{ initMs: number }> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.init || (this.state !== 'starting' && this.state !== 'prewarmed')) {
      return Promise.reject(new Error(`cannot specialize container ${this.ip}: it is ${this.init ? 'already specialized' : this.state}`));
    }
    this.config = Buffer.from(JSON.stringify(config));
    this.init = deferred();
    if (this.specializePoll && !this.specializePoll.destroyed) this.answerSpecialize(this.specializePoll);
    return this.init.promise;
  }

  invoke(input: InvocationInput): Promise<InvocationOutcome> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.current) return Promise.reject(new Error(`container ${this.ip} is already running invocation ${this.current.input.requestId}`));
    if (!this.init) return Promise.reject(new Error(`container ${this.ip} was not specialized`));
    const pending: PendingInvocation = { input, delivered: false, outcome: deferred() };
    this.current = pending;
    if (this.nextPoll && !this.nextPoll.destroyed) this.deliver(this.nextPoll, pending);
    return pending.outcome.promise;
  }

  fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    if (this.state !== 'detached') this.state = 'failed';
    this.prewarmed.reject(err);
    this.init?.reject(err);
    this.current?.outcome.reject(err);
    this.current = undefined;
    this.specializePoll?.destroy();
    this.nextPoll?.destroy();
    this.specializePoll = this.nextPoll = undefined;
  }

  detach(): void {
    if (this.state === 'detached') return;
    this.fail(new Error(`container ${this.ip} was detached`));
    this.state = 'detached';
    this.server.forget(this);
  }

  // ---- requests from the container ----

  onSpecializePoll(res: ServerResponse): void {
    if (this.state !== 'starting' && this.state !== 'prewarmed') {
      return refuse(res, 403, 'InvalidStateTransition', `container ${this.ip} is already ${this.state}`);
    }
    this.specializePoll?.destroy();
    this.specializePoll = res;
    res.once('close', () => { if (this.specializePoll === res) this.specializePoll = undefined; });
    if (this.state === 'starting') {
      this.state = 'prewarmed';
      this.prewarmed.resolve();
    }
    if (this.config) this.answerSpecialize(res);
  }

  private answerSpecialize(res: ServerResponse): void {
    this.specializePoll = undefined;
    this.state = 'initializing';
    this.initStartedAt = performance.now();
    reply(res, 200, this.config!);
  }

  onNext(res: ServerResponse): void {
    this.nextPolls++;
    if (this.state === 'initializing') {
      this.state = 'ready';
      const initMs = performance.now() - this.initStartedAt;
      this.init!.resolve({ initMs: Math.round(initMs * 1000) / 1000 });
    } else if (this.state !== 'ready') {
      return refuse(res, 403, 'InvalidStateTransition', `container ${this.ip} is ${this.state}: /next comes after specialize`);
    }
    this.poll(res);
  }

  /** A settled post: 202, or, when the runtime asked for it (Stratus-Next), held as its /next. */
  private accepted(req: IncomingMessage, res: ServerResponse): void {
    if (req.headers[NEXT_HEADER] === '1' && this.state === 'ready') this.poll(res);
    else reply(res, 202, ACCEPTED);
  }

  /** The runtime waits for its next invocation on `res`: delivered now if one is waiting, else when invoke() comes. */
  private poll(res: ServerResponse): void {
    if (this.nextPoll) this.nextPoll.destroy();
    const cur = this.current;
    if (cur?.delivered) {
      // The runtime moved on without answering: that invocation cannot complete any more.
      this.settle(errorOutcome('Runtime.InvalidStateTransition', `The runtime asked for the next invocation without answering ${cur.input.requestId}`));
    } else if (cur) {
      return this.deliver(res, cur);
    }
    this.nextPoll = res;
    res.once('close', () => { if (this.nextPoll === res) this.nextPoll = undefined; });
  }

  private deliver(res: ServerResponse, inv: PendingInvocation): void {
    this.nextPoll = undefined;
    inv.delivered = true;
    const { input } = inv;
    const headers: http.OutgoingHttpHeaders = {
      'Content-Type': JSON_TYPE,
      'Content-Length': input.payload.length,
      'Lambda-Runtime-Aws-Request-Id': input.requestId,
      'Lambda-Runtime-Deadline-Ms': String(input.deadlineMs),
      'Lambda-Runtime-Invoked-Function-Arn': input.invokedFunctionArn,
    };
    if (input.traceId) headers['Lambda-Runtime-Trace-Id'] = input.traceId;
    if (input.clientContext) headers['Lambda-Runtime-Client-Context'] = input.clientContext;
    if (input.cognitoIdentity) headers['Lambda-Runtime-Cognito-Identity'] = input.cognitoIdentity;
    res.writeHead(200, headers);
    res.end(input.payload);
  }

  /** The current invocation if `requestId` is the one handed to this container, else undefined. */
  private owned(requestId: string): PendingInvocation | undefined {
    const cur = this.current;
    return cur && cur.delivered && cur.input.requestId === requestId ? cur : undefined;
  }

  onResponse(req: IncomingMessage, res: ServerResponse, requestId: string, limit: number): void {
    if (!this.owned(requestId)) {
      req.resume();
      return refuse(res, 403, 'Forbidden', `request id ${requestId} is not the invocation handed to this container`);
    }
    readBody(req, limit, (body, size) => {
      if (!this.owned(requestId)) return refuse(res, 403, 'Forbidden', `invocation ${requestId} is no longer running`);
      if (!body) {
        if (size < 0) return; // connection broke mid-body; the container's fate decides the invocation
        this.settle(errorOutcome('Function.ResponseSizeTooLarge',
          `Response payload size (${size} bytes) exceeded maximum allowed payload size (${limit} bytes).`));
        return refuse(res, 413, 'RequestEntityTooLarge', `Exceeded maximum allowed payload size (${limit} bytes).`);
      }
      this.settle({ kind: 'response', payload: body, logStreams: logStreamsOf(req) });
      this.accepted(req, res);
    });
  }

  onInvocationError(req: IncomingMessage, res: ServerResponse, requestId: string, limit: number): void {
    if (!this.owned(requestId)) {
      req.resume();
      return refuse(res, 403, 'Forbidden', `request id ${requestId} is not the invocation handed to this container`);
    }
    readBody(req, limit, (body, size) => {
      if (!this.owned(requestId)) return refuse(res, 403, 'Forbidden', `invocation ${requestId} is no longer running`);
      if (!body) {
        if (size < 0) return;
        this.settle(errorOutcome('Function.ResponseSizeTooLarge',
          `Error payload size (${size} bytes) exceeded maximum allowed payload size (${limit} bytes).`));
        return refuse(res, 413, 'RequestEntityTooLarge', `Exceeded maximum allowed payload size (${limit} bytes).`);
      }
      const e = parseRuntimeError(body, req.headers['lambda-runtime-function-error-type']);
      this.settle({ ...errorOutcome(e.errorType, e.errorMessage, e.stackTrace), logStreams: logStreamsOf(req) });
      this.accepted(req, res);
    });
  }

  onInitError(req: IncomingMessage, res: ServerResponse, limit: number): void {
    if (this.state !== 'initializing') {
      req.resume();
      return refuse(res, 403, 'InvalidStateTransition', `container ${this.ip} is ${this.state}: init errors are posted during init`);
    }
    readBody(req, limit, (body) => {
      if (this.state !== 'initializing') return refuse(res, 403, 'InvalidStateTransition', `container ${this.ip} is ${this.state}`);
      const e = body
        ? parseRuntimeError(body, req.headers['lambda-runtime-function-error-type'])
        : { errorType: 'Runtime.InitError', errorMessage: 'init error body too large', stackTrace: [] };
      const err = new RuntimeInitError(e.errorType, e.errorMessage, e.stackTrace);
      this.failure = err;
      this.state = 'failed';
      this.init!.reject(err);
      this.current?.outcome.reject(err);
      this.current = undefined;
      reply(res, 202, ACCEPTED);
    });
  }

  private settle(outcome: InvocationOutcome): void {
    const cur = this.current!;
    this.current = undefined;
    cur.outcome.resolve(outcome);
  }
}

/** {errorType, errorMessage, stackTrace} from a runtime's error post, whatever shape it had. */
function parseRuntimeError(body: Buffer, headerType: string | string[] | undefined): { errorType: string; errorMessage: string; stackTrace: string[] } {
  const fromHeader = typeof headerType === 'string' && headerType ? headerType : undefined;
  let parsed: unknown;
  try { parsed = JSON.parse(body.toString('utf8')); } catch { parsed = undefined; }
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
    const o = parsed as Record<string, unknown>;
    const trace = Array.isArray(o.stackTrace) ? o.stackTrace : Array.isArray(o.trace) ? o.trace : [];
    return {
      errorType: typeof o.errorType === 'string' && o.errorType ? o.errorType : fromHeader ?? 'Runtime.Unknown',
      errorMessage: typeof o.errorMessage === 'string' ? o.errorMessage : o.errorMessage === undefined ? '' : JSON.stringify(o.errorMessage),
      stackTrace: trace.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))),
    };
  }
  return { errorType: fromHeader ?? 'Runtime.Unknown', errorMessage: body.toString('utf8'), stackTrace: [] };
}

/**
 * Serves the Runtime API to the function containers of one agent. Containers are told apart by the
 * source address of their connections (they cannot spoof it on the internal network), or by the
 * Unix socket they connect to: each container gets a socket of its own (listenUnix), mounted only
 * into it, which the Stratus bootstraps prefer (TCP through the bridge cost twice the CPU per round
 * trip on both sides, docs/runtime-protocol.md). The agent core attach()es each container's
 * address (and its socket's name) and drives it through the returned RuntimeSession.
 */
export class RuntimeApiServer {
  private readonly server: http.Server;
  private readonly sessions = new Map<string, Session>();
  private readonly sockets = new Map<string, Set<Socket>>();
  private readonly waitingForAttach = new Map<string, { res: ServerResponse; timer: NodeJS.Timeout }>();
  private readonly unixServers = new Map<string, { server: net.Server; path: string }>();
  private readonly limit: number;
  private readonly graceMs: number;
  private readonly logger: Logger;

  constructor(private readonly opts: RuntimeApiServerOptions) {
    this.logger = opts.logger;
    this.limit = opts.maxResponseBytes ?? LIMITS.payloadBytes;
    this.graceMs = opts.attachGraceMs ?? 10_000;
    this.server = http.createServer({ noDelay: true, keepAlive: true }, (req, res) => this.handle(req, res));
    // Long polls and long-running handlers: connections from containers stay open as long as the
    // container lives (detach() closes them); no idle or request timeouts on this server.
    this.server.keepAliveTimeout = 0;
    this.server.requestTimeout = 0;
    this.server.headersTimeout = 60_000;
    this.server.timeout = 0;
    this.server.on('connection', (socket: Socket) => {
      const ip = addressOf(socket);
      let set = this.sockets.get(ip);
      if (!set) this.sockets.set(ip, (set = new Set()));
      set.add(socket);
      socket.once('close', () => {
        set!.delete(socket);
        if (set!.size === 0 && this.sockets.get(ip) === set) this.sockets.delete(ip);
      });
    });
  }

  async listen(): Promise<{ host: string; port: number }> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.opts.port ?? 0, this.opts.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const addr = this.server.address();
    if (!addr || typeof addr === 'string') throw new Error('runtime API server has no TCP address');
    return { host: this.opts.host, port: addr.port };
  }

  /**
   * Listens on a Unix socket at socketPath for the container `name` (attach it with the same name):
   * every connection there is that container's. Only `owner` (the function's user) and root may
   * connect; only the container it is mounted into can see it.
   */
  async listenUnix(name: string, socketPath: string, owner?: { uid: number; gid: number }): Promise<void> {
    const key = `unix:${name}`;
    const server = net.createServer((socket) => {
      socketKeys.set(socket, key);
      this.server.emit('connection', socket);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.unixServers.set(key, { server, path: socketPath });
    if (owner) await fs.chown(socketPath, owner.uid, owner.gid);
    await fs.chmod(socketPath, 0o600);
  }

  /**
   * Registers a container's address, and the name of its Unix socket when it has one (listenUnix).
   * Attaching an address again replaces (and fails) the old session.
   */
  attach(containerIp: string, socketName?: string): RuntimeSession {
    const keys = socketName ? [containerIp, `unix:${socketName}`] : [containerIp];
    for (const key of keys) {
      const old = this.sessions.get(key);
      if (old) {
        this.logger.warn({ ip: key }, 'runtime API: address attached again; the previous session is detached');
        old.detach();
      }
    }
    const session = new Session(containerIp, this, keys.slice(1));
    for (const key of keys) this.sessions.set(key, session);
    for (const key of keys) {
      const waiting = this.waitingForAttach.get(key);
      if (waiting) {
        clearTimeout(waiting.timer);
        this.waitingForAttach.delete(key);
        if (!waiting.res.destroyed) session.onSpecializePoll(waiting.res);
      }
    }
    return session;
  }

  /** Number of attached containers (for gauges and tests). */
  get size(): number {
    return new Set(this.sessions.values()).size;
  }

  /** @internal Called by Session.detach(): its keys are refused from now on, its Unix socket closed. */
  forget(session: Session): void {
    for (const key of [session.ip, ...session.aliases]) {
      if (this.sessions.get(key) === session) this.sessions.delete(key);
      const set = this.sockets.get(key);
      if (set) for (const s of set) s.destroy();
      this.closeUnix(key);
    }
  }

  /** Stops listening on the Unix socket of container `name` (one that never got attached). */
  closeUnixSocket(name: string): void {
    this.closeUnix(`unix:${name}`);
  }

  private closeUnix(key: string): void {
    const unix = this.unixServers.get(key);
    if (!unix) return;
    this.unixServers.delete(key);
    unix.server.close();
    void fs.rm(unix.path, { force: true }).catch(() => undefined);
  }

  async close(): Promise<void> {
    for (const s of [...this.sessions.values()]) s.detach();
    for (const { res, timer } of this.waitingForAttach.values()) { clearTimeout(timer); res.destroy(); }
    this.waitingForAttach.clear();
    for (const set of this.sockets.values()) for (const s of set) s.destroy();
    for (const key of [...this.unixServers.keys()]) this.closeUnix(key);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '';
    const ip = addressOf(req.socket);
    const session = this.sessions.get(ip);
    if (url === NEXT) {
      if (!session) return this.unknown(req, res, ip);
      return session.onNext(res);
    }
    if (url.startsWith(INVOCATION) && req.method === 'POST') {
      if (!session) return this.unknown(req, res, ip);
      const rest = url.slice(INVOCATION.length);
      const slash = rest.indexOf('/');
      const action = rest.slice(slash + 1);
      let requestId: string;
      try { requestId = decodeURIComponent(rest.slice(0, slash)); } catch { requestId = ''; }
      if (action === 'response') return session.onResponse(req, res, requestId, this.limit);
      if (action === 'error') return session.onInvocationError(req, res, requestId, this.limit);
    } else if (url === SPECIALIZE || url.startsWith(SPECIALIZE + '?')) {
      if (session) return session.onSpecializePoll(res);
      return this.holdUntilAttached(ip, res);
    } else if (url === INIT_ERROR && req.method === 'POST') {
      if (!session) return this.unknown(req, res, ip);
      return session.onInitError(req, res, this.limit);
    }
    req.resume();
    refuse(res, 404, 'NotFound', `no route ${req.method} ${url}`);
  }

  private unknown(req: IncomingMessage, res: ServerResponse, ip: string): void {
    req.resume();
    this.logger.debug({ ip, url: req.url }, 'runtime API: request from an unknown address refused');
    refuse(res, 403, 'Forbidden', `address ${ip} is not a container of this agent`);
  }

  private holdUntilAttached(ip: string, res: ServerResponse): void {
    const previous = this.waitingForAttach.get(ip);
    if (previous) { clearTimeout(previous.timer); previous.res.destroy(); }
    const timer = setTimeout(() => {
      if (this.waitingForAttach.get(ip)?.res !== res) return;
      this.waitingForAttach.delete(ip);
      refuse(res, 403, 'Forbidden', `address ${ip} is not a container of this agent`);
    }, this.graceMs);
    timer.unref();
    this.waitingForAttach.set(ip, { res, timer });
    res.once('close', () => {
      const w = this.waitingForAttach.get(ip);
      if (w?.res === res) { clearTimeout(w.timer); this.waitingForAttach.delete(ip); }
    });
  }
}
