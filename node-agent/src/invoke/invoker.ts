// The invoke path, written once above the backends: it never asks which isolation technology runs
// the function. Telemetry (logs, memory, CPU, the invocation record) is finished after the response.
import { randomUUID } from 'node:crypto';
import { EVENT_SCHEMA_VERSION, LIMITS, StratusError, type InvocationEventMs, type Logger } from '@stratus/common';
import type { FunctionSpec, InvokeRequest, InvokeResponseInput } from '@stratus/proto';
import type { OverheadItem } from '../metrics/overhead-matcher';
import type { FunctionRegistry } from '../control/function-registry';
import { ContainerExitError, type Lease, type PooledContainer, type WarmPool } from '../pool/warm-pool';
import { RuntimeInitError, type InvocationOutcome } from '../pool/runtime-contract';

export interface InvocationRecorder {
  /** The record's times are epoch ms. */
  recordInvocation(record: InvocationEventMs): void;
  recordThrottle(fn: string, backend: string): void;
  /** Puts the overheads a gateway measured into their records (none: the recorder does not take them). */
  recordOverheads?(items: readonly OverheadItem[]): void;
  /** Whether it takes them now (default: whether it has recordOverheads). */
  takesOverheads?(): boolean;
}

export interface InvokerDeps {
  agentId: string;
  pool: WarmPool;
  registry: FunctionRegistry;
  /** Availability of this agent's backends (name -> reason when not available, '' when available). */
  backendProblem: (backend: string) => string | undefined;
  recorder?: InvocationRecorder;
  logger: Logger;
  /** How long to wait for an invocation's log sentinels after its response (off the hot path). */
  logGraceMs?: number;
}

/** The response, and for platform statuses the catalog error unary Invoke answers with. */
export interface InvokeResult {
  response: InvokeResponseInput;
  error?: StratusError;
}

const MB = 1024 * 1024;

interface Usage { maxMemoryMb: number; cpuMs: number }

export class Invoker {
  private inFlight = 0;
  private draining = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly deps: InvokerDeps) {}

  get running(): number {
    return this.inFlight;
  }

  /** Refuse new invocations; resolves when the running ones finished or `boundMs` passed. */
  async drain(boundMs: number): Promise<void> {
    this.draining = true;
    if (this.inFlight === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, boundMs);
      this.idleWaiters.push(() => { clearTimeout(timer); resolve(); });
    });
  }

  /** Whether overheads sent on the invoke stream end up in the records (InvokeResponseBatch.takes_overheads). */
  takesOverheads(): boolean {
    const r = this.deps.recorder;
    return r?.takesOverheads ? r.takesOverheads() : typeof r?.recordOverheads === 'function';
  }

  recordOverheads(items: readonly OverheadItem[]): void {
    this.deps.recorder?.recordOverheads?.(items);
  }

  /**
   * 1. validate (payload size and JSON, the function known or fetched, its backend available);
   * 2. lease a container of the function version (warm, pre-warmed and specialised, or new; queued
   *    and throttled by the pool);
   * 3. invoke through its Runtime API session, bounded by the function's timeout (a timed-out or
   *    dead container is destroyed: the next call gets a fresh one);
   * 4. answer; then collect the invocation's logs and cgroup figures and hand the record to telemetry.
   */
  async invoke(req: InvokeRequest): Promise<InvokeResult> {
    const requestId = req.requestId || randomUUID();
    const base: InvokeResponseInput = { requestId, agentId: this.deps.agentId, function: req.function, version: req.version };
    if (this.draining) return platformError(base, new StratusError('UNAVAILABLE', 'the agent is shutting down'));
    const received = performance.now();
    this.inFlight++;
    try {
      const result = await this.run(req, requestId, base);
      result.response.agentMs = performance.now() - received; // for the gateway's Server-Timing
      return result;
    } finally {
      if (--this.inFlight === 0 && this.idleWaiters.length) for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  private async run(req: InvokeRequest, requestId: string, base: InvokeResponseInput): Promise<InvokeResult> {
    let payload = req.payload ?? Buffer.alloc(0);
    if (payload.length > LIMITS.payloadBytes) {
      return platformError(base, new StratusError('PAYLOAD_TOO_LARGE', `payload: ${payload.length} bytes is over the limit of ${LIMITS.payloadBytes} bytes (6 MB)`, { field: 'payload' }));
    }
    if (payload.length === 0) payload = Buffer.from('{}');
    else {
      try {
        JSON.parse(payload.toString('utf8'));
      } catch (err) {
        return platformError(base, new StratusError('INVALID_JSON', `payload: not valid JSON (${(err as Error).message})`, { field: 'payload' }));
      }
    }
    if (!req.function) return platformError(base, new StratusError('INVALID_ARGUMENT', 'function: required', { field: 'function' }));
    let fn: FunctionSpec;
    try {
      fn = await this.deps.registry.resolve(req.function, req.version ?? 0);
    } catch (err) {
      return platformError(base, asStratus(err));
    }
    Object.assign(base, { function: fn.name, version: fn.version, runtime: fn.runtime, backend: fn.backend });
    const problem = this.deps.backendProblem(fn.backend);
    if (problem !== '') {
      return platformError(base, new StratusError('BACKEND_UNAVAILABLE', `backend '${fn.backend}' is not available on agent ${this.deps.agentId}: ${problem ?? 'not offered'}`, { field: 'backend' }));
    }

    const startedAt = new Date();
    const received = performance.now();
    try {
      // The lease always goes back (reused, or removed when the body marked it destroyed).
      return await this.deps.pool.withLease(fn, (lease) => this.runOn(lease, fn, requestId, payload, base, startedAt));
    } catch (err) {
      return this.acquireFailed(err, base, fn, requestId, startedAt, received, payload.length);
    }
  }

  /** Steps 3 and 4 on a leased container. */
  private async runOn(lease: Lease, fn: FunctionSpec, requestId: string, payload: Buffer, base: InvokeResponseInput, startedAt: Date): Promise<InvokeResult> {
    const c = lease.container;
    const t0 = performance.now();
    let outcome: InvocationOutcome | undefined;
    let failure: { status: 'timeout' | 'oom' | 'function_error' | 'unavailable'; errorType: string; errorMessage: string } | undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeoutMs = fn.timeoutSec * 1000;
      const deadlineMs = Date.now() + timeoutMs;
      const timedOut = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), timeoutMs); });
      const result = await Promise.race([
        lease.session.invoke({ requestId, payload, deadlineMs, invokedFunctionArn: arn(fn) }),
        timedOut,
      ]);
      if (result === 'timeout') {
        lease.destroy = true;
        failure = { status: 'timeout', errorType: 'Sandbox.Timedout', errorMessage: `Task timed out after ${fn.timeoutSec.toFixed(2)} seconds` };
        void this.deps.pool.kill(c, new Error(failure.errorMessage));
      } else {
        outcome = result;
      }
    } catch (err) {
      lease.destroy = true;
      failure = exitFailure(err, c);
    } finally {
      clearTimeout(timer);
    }
    const durationMs = performance.now() - t0;
    // Logs must be claimed before the container can serve another invocation.
    // (A dead or killed container's output ends, which resolves its logs at once.)
    const logs = c.logs?.take(requestId, this.deps.logGraceMs ?? 250, outcome?.logStreams) ?? Promise.resolve({ text: '', truncated: false });

    const response: InvokeResponseInput = {
      ...base,
      coldStart: lease.cold,
      durationMs,
      initMs: lease.initMs,
      startMs: lease.startMs,
      queueMs: lease.queueMs,
      billedMs: Math.max(1, Math.ceil(durationMs)),
    };
    if (failure) {
      Object.assign(response, { status: failure.status, errorType: failure.errorType, errorMessage: failure.errorMessage, payload: errorJson(failure.errorType, failure.errorMessage) });
    } else if (outcome!.kind === 'response') {
      Object.assign(response, { status: 'ok', payload: outcome!.payload });
    } else {
      const o = outcome as Extract<InvocationOutcome, { kind: 'error' }>;
      const tooLarge = o.errorType === 'Function.ResponseSizeTooLarge';
      Object.assign(response, { status: tooLarge ? 'too_large' : 'function_error', errorType: o.errorType, errorMessage: o.errorMessage, payload: o.payload });
    }
    if (this.deps.recorder) {
      // The cgroup counters are read now too, before the container can serve another invocation
      // (the CPU baseline moves on in invocation order). The record is built once the answer is on
      // its way: setImmediate runs after this turn's gRPC write is flushed (HTTP/2 sessions write
      // from a native immediate).
      const usage = this.usage(c);
      setImmediate(() => void this.finish(response, fn, logs, usage, startedAt, payload.length).catch((err) => this.deps.logger.warn({ err }, 'finishing an invocation record failed')));
    }
    if (response.status === 'too_large') {
      return { response, error: new StratusError('PAYLOAD_TOO_LARGE', `the function's response is over the limit of ${LIMITS.payloadBytes} bytes (6 MB)`) };
    }
    return { response };
  }

  private acquireFailed(err: unknown, base: InvokeResponseInput, fn: FunctionSpec, requestId: string, startedAt: Date, received: number, requestBytes: number): InvokeResult {
    const queueMs = performance.now() - received;
    if (err instanceof RuntimeInitError) {
      // The handler could not load: the caller's fault, reported like a function error on a cold start.
      const response: InvokeResponseInput = { ...base, status: 'function_error', errorType: err.errorType, errorMessage: err.errorMessage, payload: err.payload, coldStart: true, queueMs };
      this.record(response, fn, startedAt, { requestBytes, logs: `${err.errorType}: ${err.errorMessage}\n${err.stackTrace.join('\n')}`, truncated: false });
      return { response };
    }
    if (err instanceof ContainerExitError) {
      const failure = exitFailure(err, undefined);
      const response: InvokeResponseInput = { ...base, status: failure.status, errorType: failure.errorType, errorMessage: failure.errorMessage, payload: errorJson(failure.errorType, failure.errorMessage), coldStart: true, queueMs };
      this.record(response, fn, startedAt, { requestBytes, logs: '', truncated: false });
      return { response };
    }
    const e = asStratus(err);
    if (e.code === 'THROTTLED') this.deps.recorder?.recordThrottle(fn.name, fn.backend);
    else this.deps.logger.warn({ err: (err as Error).message, function: fn.name, requestId }, 'could not get a container');
    const result = platformError(base, e);
    this.record(result.response, fn, startedAt, { requestBytes, logs: '', truncated: false });
    return result;
  }

  /** Peak memory and the CPU time since the container's previous reading, read now (synchronously, on open descriptors). */
  private usage(c: PooledContainer): Promise<Usage> {
    return c.backend.stats(c.id).then((stats) => {
      if (!stats) return { maxMemoryMb: 0, cpuMs: 0 };
      const cpuMs = Math.max(0, (stats.cpuNs - c.cpuBaselineNs) / 1e6);
      c.cpuBaselineNs = stats.cpuNs;
      return { maxMemoryMb: Math.ceil(stats.memoryMaxBytes / MB), cpuMs };
    }, () => ({ maxMemoryMb: 0, cpuMs: 0 }));
  }

  /** After the response: the invocation's logs, its cgroup figures, the record. */
  private async finish(response: InvokeResponseInput, fn: FunctionSpec, logsP: Promise<{ text: string; truncated: boolean }>, usageP: Promise<Usage>, startedAt: Date, requestBytes: number): Promise<void> {
    const [logs, usage] = await Promise.all([logsP, usageP]);
    let { maxMemoryMb } = usage;
    const { cpuMs } = usage;
    if (response.status === 'oom' || (maxMemoryMb === 0 && response.status === 'oom')) maxMemoryMb = fn.memoryMb;
    // Only the function's output: readers add Lambda's START / END / REPORT lines from the record's
    // fields (frameLambdaLogs in @stratus/common): most of the bytes of a no-op record.
    this.record(response, fn, startedAt, { requestBytes, logs: logs.text, logsBare: true, truncated: logs.truncated, maxMemoryMb, cpuMs });
  }

  private record(r: InvokeResponseInput, fn: FunctionSpec, startedAt: Date, extra: { requestBytes: number; logs: string; logsBare?: boolean; truncated: boolean; maxMemoryMb?: number; cpuMs?: number }): void {
    const recorder = this.deps.recorder;
    if (!recorder) return;
    const durationMs = Number(r.durationMs ?? 0);
    recorder.recordInvocation({
      schema: EVENT_SCHEMA_VERSION,
      id: r.requestId ?? '',
      function: fn.name,
      version: fn.version,
      agentId: this.deps.agentId,
      backend: fn.backend,
      runtime: fn.runtime,
      status: r.status ?? '',
      errorType: r.errorType ?? '',
      errorMessage: r.errorMessage ?? '',
      coldStart: Boolean(r.coldStart),
      startedAt: startedAt.getTime(),
      endedAt: Date.now(),
      queueMs: Number(r.queueMs ?? 0),
      startMs: Number(r.startMs ?? 0),
      initMs: Number(r.initMs ?? 0),
      durationMs,
      billedMs: Number(r.billedMs ?? 0),
      overheadMs: 0,
      maxMemoryMb: extra.maxMemoryMb ?? 0,
      cpuMs: extra.cpuMs ?? 0,
      requestBytes: extra.requestBytes,
      responseBytes: r.payload ? (r.payload as Buffer).length : 0,
      memoryMb: fn.memoryMb,
      logs: extra.logs,
      logsTruncated: extra.truncated,
      ...(extra.logsBare ? { logsBare: true } : {}),
    });
  }
}

const STATUS_OF: Record<string, string> = {
  THROTTLED: 'throttled',
  NOT_FOUND: 'not_found',
  FUNCTION_NOT_FOUND: 'not_found',
  INVALID_ARGUMENT: 'invalid',
  INVALID_JSON: 'invalid',
  PAYLOAD_TOO_LARGE: 'too_large',
  BACKEND_UNAVAILABLE: 'unavailable',
  NO_CAPACITY: 'unavailable',
  UNAVAILABLE: 'unavailable',
};

function platformError(base: InvokeResponseInput, err: StratusError): InvokeResult {
  return {
    response: { ...base, status: STATUS_OF[err.code] ?? 'unavailable', errorType: err.code, errorMessage: err.message, retryAfterSec: err.retryAfterSec ?? 0 },
    error: err,
  };
}

function asStratus(err: unknown): StratusError {
  if (err instanceof StratusError) return err;
  return new StratusError('UNAVAILABLE', `the agent could not run the function: ${(err as Error)?.message ?? String(err)}`, { cause: err });
}

function exitFailure(err: unknown, c: PooledContainer | undefined): { status: 'oom' | 'function_error' | 'unavailable'; errorType: string; errorMessage: string } {
  const exitErr = err instanceof ContainerExitError ? err : undefined;
  const oom = exitErr?.outOfMemory || (c?.exited?.outOfMemory ?? false);
  if (oom) return { status: 'oom', errorType: 'Runtime.OutOfMemory', errorMessage: 'Runtime exited with error: signal: killed (the function ran out of memory)' };
  const exit = exitErr?.exit ?? c?.exited?.exit;
  if (exit) return { status: 'function_error', errorType: 'Runtime.ExitError', errorMessage: `Runtime exited with error: exit status ${exit.exitCode}` };
  return { status: 'unavailable', errorType: 'UNAVAILABLE', errorMessage: `the function's container failed: ${(err as Error)?.message ?? String(err)}` };
}

function errorJson(errorType: string, errorMessage: string): Buffer {
  return Buffer.from(JSON.stringify({ errorType, errorMessage, stackTrace: [] }));
}

export function arn(fn: { name: string; version: number }): string {
  return `arn:aws:lambda:local:000000000000:function:${fn.name}:${fn.version}`;
}
