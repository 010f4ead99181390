// The pool's bookkeeping, in one place: every container of this agent, its state machine, its
// Runtime API session and output, the queue of invocations waiting for a container, and the
// background work (pre-warming, keep-warm, scale-ahead). Decisions are delegated to policy.ts.
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LIMITS, StratusError, type Backend as BackendName, type Logger, type Runtime } from '@stratus/common';
import type { FunctionSpec, PoolContainerInput } from '@stratus/proto';
import { BOOT_CPUS, CONTAINER_RUNTIME_API_DIR, INIT_BOOST_MS, FUNCTION_USER, LABELS, type ContainerExit, type IsolationBackend } from '../backends/backend';
import { LogCollector } from '../invoke/log-collector';
import type { CodeStore } from '../invoke/code-store';
import { ContainerStateMachine, type ContainerState } from './container-state';
import { DemandTracker } from './demand';
import {
  chooseEvictions, memoryInUse, prewarmDeficit, prewarmTargets, protectedWarm, retryAfterSec, scaleAheadTarget, selectContainer,
  type ContainerView, type Need,
} from './policy';
import type { RuntimeApi, RuntimeSession, SpecializeConfig } from './runtime-contract';

export interface PoolConfig {
  agentId: string;
  containerLabel: string;
  dataDir: string;
  network: string;
  runtimeApiAddress: string;     // host:port for AWS_LAMBDA_RUNTIME_API
  keepAliveMs: number;
  memoryBudgetMb: number;
  prewarmPerRuntime: number;
  prewarmMemoryMb: number;       // size of generic containers (128)
  queueTimeoutMs: number;
  maxQueued: number;
  tmpSizeMb: number;
  runtimes: Runtime[];           // runtimes to pre-warm (those with an image)
  startTimeoutMs: number;
  maxParallelStarts: number;     // container starts at once, on demand and background together
  initBoostMs?: number;          // how long init keeps the boot allowance (INIT_BOOST_MS)
}

export interface PoolDeps {
  backends: ReadonlyMap<string, IsolationBackend>;
  /** Backends offered and available right now (the pool never starts containers of others). */
  availableBackends: () => ReadonlySet<string>;
  runtimeApi: RuntimeApi;
  codeStore: CodeStore;
  /** Every function this agent knows (latest versions): for minimum warm and pre-warm sizes. */
  functions: () => FunctionSpec[];
  /** The latest version of a function, undefined when unknown or deleted. */
  latestVersion: (name: string) => number | undefined;
  /** Whether a function still exists (called on every release: deleted functions' containers go). */
  functionExists: (name: string) => boolean;
  logger: Logger;
  onContainerEvent?: (event: 'created' | 'prewarmed' | 'specialized' | 'removed' | 'oom' | 'timeout' | 'died', c: PooledContainer) => void;
}

/** Why a container's process ended while it was serving: the invoke path turns this into a status. */
export class ContainerExitError extends Error {
  constructor(readonly exit: ContainerExit, readonly outOfMemory: boolean) {
    super(outOfMemory ? 'the function ran out of memory' : `the function's process exited with status ${exit.exitCode}`);
    this.name = 'ContainerExitError';
  }
}

export class PooledContainer {
  fn?: FunctionSpec;
  session?: RuntimeSession;
  logs?: LogCollector;
  exited?: { exit: ContainerExit; outOfMemory: boolean };
  killedByAgent = false;
  lastUsedAt: number;
  readonly createdAt = now();
  invocations = 0;
  startMs = 0;                   // create + start + interpreter ready (for containers started on demand)
  cpuBaselineNs = 0;
  ip = '';
  readonly fsm: ContainerStateMachine;

  constructor(
    readonly id: string,
    readonly name: string,
    readonly backend: IsolationBackend,
    readonly runtime: Runtime,
    public memoryMb: number,
    readonly folder: string,
    keepAliveMs: number,
    onIdleExpired: (c: PooledContainer) => void,
  ) {
    this.lastUsedAt = now();
    this.fsm = new ContainerStateMachine(id || name, keepAliveMs, () => onIdleExpired(this));
  }

  get state(): ContainerState {
    return this.fsm.state;
  }

  get functionKey(): string | undefined {
    return this.fn ? functionKey(this.fn) : undefined;
  }

  view(): ContainerView {
    return { id: this.id || this.name, state: this.fsm.state, backend: this.backend.name, runtime: this.runtime, memoryMb: this.memoryMb, functionKey: this.functionKey, lastUsedAt: this.lastUsedAt, createdAt: this.createdAt };
  }
}

/** After a failed warm-up (code unreachable, handler broken) the function is not warmed again for this long. */
const WARM_RETRY_MS = 5_000;
/** After a failed pre-warm start, that runtime and backend are not pre-warmed again for this long. */
const PREWARM_RETRY_MS = 5_000;

export const functionKey = (fn: { name: string; version: number }): string => `${fn.name}@${fn.version}`;

/** What acquire() hands out: a busy container specialised for the function, and how it was got. */
export interface Lease {
  container: PooledContainer;
  session: RuntimeSession;
  cold: boolean;
  queueMs: number;
  startMs: number;               // specialisation (and container start when none was pre-warmed)
  initMs: number;                // loading the handler
  /** Set by the caller when the container must not be reused (timeout, crash). */
  destroy: boolean;
}

/** An invocation waiting for a container of its function version (FIFO per function). */
interface Waiter {
  fn: FunctionSpec;
  key: string;
  need: Need;
  backend: IsolationBackend;
  t0: number;
  /** A container is being started or specialised on this waiter's behalf (it takes whichever comes first). */
  starting: boolean;
  /** The queue timeout passed while its own start was in progress: that start still serves it. */
  expired: boolean;
  done: boolean;
  timer?: NodeJS.Timeout;
  resolve: (lease: Lease) => void;
  reject: (err: unknown) => void;
}

export class WarmPool {
  private readonly containers = new Map<string, PooledContainer>();
  private readonly waiters: Waiter[] = []; // arrival order
  private readonly inFlight = new Map<string, number>(); // function key -> busy (leased)
  private readonly startingFor = new Map<string, number>(); // function key -> containers being started/specialised for its waiters
  private starts = 0; // container starts in progress (on demand and background), bounded by maxParallelStarts
  readonly demand = new DemandTracker();
  private readonly warming = new Set<string>(); // function keys being warmed ahead of demand
  private readonly warmFailedAt = new Map<string, number>();
  private readonly prewarmFailedAt = new Map<string, number>(); // runtime|backend -> last failed start
  private maintainScheduled = false;
  private maintainTimer?: NodeJS.Timeout;
  private closed = false;
  /** Container starts not settled yet (close waits for them). */
  private readonly startsInFlight = new Set<Promise<PooledContainer>>();
  private readonly log: Logger;

  constructor(private readonly config: PoolConfig, private readonly deps: PoolDeps) {
    this.log = deps.logger.child({ part: 'pool' });
  }

  /** Starts the background loop (pre-warm refill, keep-warm, scale-ahead). */
  start(): void {
    this.maintainTimer = setInterval(() => this.scheduleMaintain(), 1_000);
    this.maintainTimer.unref();
    this.scheduleMaintain();
  }

  get queuedCount(): number {
    return this.waiters.length;
  }

  get runningCount(): number {
    let n = 0;
    for (const c of this.containers.values()) if (c.state === 'busy') n++;
    return n;
  }

  memoryUsedMb(): number {
    return memoryInUse(this.views());
  }

  list(): PooledContainer[] {
    return [...this.containers.values()];
  }

  status(): PoolContainerInput[] {
    return this.list().map((c) => ({
      id: c.id.slice(0, 12),
      function: c.fn?.name ?? '',
      version: c.fn?.version ?? 0,
      runtime: c.runtime,
      backend: c.backend.name,
      state: c.state,
      memoryMb: c.memoryMb,
      lastUsedAt: new Date(c.lastUsedAt).toISOString(),
      invocations: c.invocations,
    }));
  }

  /**
   * Leases a busy container specialised for `fn`, runs `body` with it, and always gives it back
   * (reused, or removed when the body set `lease.destroy`). The one place leases are released.
   */
  async withLease<T>(fn: FunctionSpec, body: (lease: Lease) => Promise<T>): Promise<T> {
    const lease = await this.acquire(fn);
    const t0 = performance.now();
    try {
      return await body(lease);
    } finally {
      this.release(lease, performance.now() - t0);
    }
  }

  /**
   * 1. an idle warm container of this version (most recently used); else the invocation waits in its
   * function's FIFO queue and races: 2. the first container of its version released by another
   * invocation (handed over directly), against 3. a container started for it (a pre-warmed one
   * specialised, or a new one when the function is under max concurrency, a start slot is free and
   * the memory budget fits after evicting idle containers least recently used first). Whatever loses
   * the race stays warm for the next caller. 4. Past the queue timeout with no container on its way for
   * the function: THROTTLED with a retry-after (onQueueTimeout).
   */
  async acquire(fn: FunctionSpec): Promise<Lease> {
    if (this.closed) throw new StratusError('UNAVAILABLE', 'the agent is shutting down');
    const key = functionKey(fn);
    const need: Need = { functionKey: key, runtime: fn.runtime, backend: fn.backend, memoryMb: fn.memoryMb };
    const backend = this.deps.backends.get(fn.backend);
    if (!backend) throw new StratusError('BACKEND_UNAVAILABLE', `backend '${fn.backend}' is not offered by this agent`);
    const t0 = performance.now();
    this.demand.arrived(key);
    const pick = selectContainer(this.views(), need, backend.canUpdateLimits);
    if (pick.kind === 'warm') {
      const c = this.containers.get(pick.id)!;
      c.fsm.transition('busy');
      this.addInFlight(key, 1);
      return { container: c, session: c.session!, cold: false, queueMs: performance.now() - t0, startMs: 0, initMs: 0, destroy: false };
    }
    try {
      return await new Promise<Lease>((resolve, reject) => {
        const w: Waiter = { fn, key, need, backend, t0, starting: false, expired: false, done: false, resolve, reject };
        this.waiters.push(w);
        w.timer = setTimeout(() => this.onQueueTimeout(w), this.config.queueTimeoutMs);
        this.tryStart(w);
        if (!w.done && !w.starting && this.waitersWithoutStart() > this.config.maxQueued) this.fail(w, this.throttled(w));
      });
    } catch (err) {
      this.demand.finished(key, 0);
      throw err;
    }
  }

  /**
   * The queue timeout of a waiter. THROTTLED means a limit is reached (the function's max
   * concurrency, the memory budget), not that the machine is slow: a waiter whose own container is
   * starting is served by it (that start is bounded by startTimeoutMs); one whose function has a
   * container on its way, or that waits only for a start slot (the engine is busy starting other
   * containers), waits on, re-checked every second, up to startTimeoutMs longer. A burst larger
   * than the pool is then served as fast as the engine starts containers (on this machine about
   * two a second under load: docs/pool.md) instead of failing at the queue timeout.
   */
  private onQueueTimeout(w: Waiter): void {
    if (w.done) return;
    if (w.starting) {
      w.expired = true;
      return;
    }
    const onTheWay = this.startingFor.has(w.key) || this.warming.has(w.key) || this.blocker(w) === 'start-slots';
    if (onTheWay && performance.now() - w.t0 < this.config.queueTimeoutMs + this.config.startTimeoutMs) {
      w.timer = setTimeout(() => this.onQueueTimeout(w), QUEUE_RECHECK_MS);
      return;
    }
    this.fail(w, this.throttled(w));
  }

  /** Gives a leased container back: straight to the oldest waiter of its function, else idle; re-runs admission. */
  release(lease: Lease, durationMs: number): void {
    const c = lease.container;
    const key = functionKey(c.fn!);
    this.addInFlight(key, -1);
    this.demand.finished(key, durationMs);
    c.lastUsedAt = now();
    c.invocations++;
    const deleted = !this.deps.functionExists(c.fn!.name);
    if (lease.destroy || c.exited || c.state !== 'busy' || deleted) {
      void this.remove(c, lease.destroy ? 'destroyed after its invocation' : deleted ? 'function deleted' : 'exited');
      this.pump();
    } else if (!this.offer(c)) {
      this.pump(); // now idle: evictable for a waiter of another function
    }
  }

  /** Removes the idle containers of a function's other versions (busy ones go when released, as idle ones expire). */
  drainFunction(name: string, keepVersion?: number): void {
    for (const c of this.containers.values()) {
      if (c.fn?.name !== name || c.fn.version === keepVersion) continue;
      if (c.state === 'idle') void this.remove(c, keepVersion === undefined ? 'function deleted' : 'new version deployed');
    }
    this.scheduleMaintain();
  }

  /** Kills a container now (timeout): its pending Runtime API calls fail with `reason`. */
  async kill(c: PooledContainer, reason: Error): Promise<void> {
    c.killedByAgent = true;
    c.session?.fail(reason);
    await this.remove(c, reason.message);
  }

  /** Removes every container of this agent (shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.maintainTimer) clearInterval(this.maintainTimer);
    for (const w of [...this.waiters]) this.fail(w, new StratusError('UNAVAILABLE', 'the agent is shutting down'));
    await Promise.all(this.list().map((c) => this.remove(c, 'agent shutting down')));
    // A start whose container the engine was still creating has no id to remove yet: once the engine
    // answers, the start sees `closed` and removes it. Waited for, or the process would exit first
    // and leave that container behind (seen in CI: a restarted agent stopped while pre-warming).
    await Promise.allSettled([...this.startsInFlight]);
    await Promise.all(this.list().map((c) => this.remove(c, 'agent shutting down')));
    await fs.rm(runtimeSocketRoot(this.config.agentId), { recursive: true, force: true }).catch(() => undefined);
  }

  // ---- containers ------------------------------------------------------------------------------

  // ---- the queue: FIFO per function, admission re-run on every release, removal and start ------

  /** Containers of a function version serving or ready, plus those on their way for its waiters. */
  private functionContainers(key: string): number {
    let n = this.startingFor.get(key) ?? 0;
    for (const c of this.containers.values()) if (c.functionKey === key && c.fsm.is('idle', 'busy')) n++;
    if (this.warming.has(key)) n++;
    return n;
  }

  private waitersWithoutStart(): number {
    let n = 0;
    for (const w of this.waiters) if (!w.starting) n++;
    return n;
  }

  /**
   * Re-runs admission for every waiter without a container on its way: first those whose function
   * has no container at all (a release cannot serve them), then in arrival order.
   */
  private pump(): void {
    if (this.closed || this.waiters.length === 0) return;
    const pending = this.waiters.filter((w) => !w.starting && !w.done);
    const later: Waiter[] = [];
    for (const w of pending) {
      if (this.functionContainers(w.key) > 0) later.push(w);
      else this.tryStart(w);
    }
    for (const w of later) if (!w.done && !w.starting) this.tryStart(w);
  }

  /** Starts (or specialises) a container for a waiter when concurrency, a start slot and the budget allow. */
  private tryStart(w: Waiter): void {
    if (w.done || w.starting || this.closed) return;
    const fn = w.fn;
    const maxConcurrency = fn.maxConcurrency || LIMITS.maxConcurrency.default;
    if (this.functionContainers(w.key) >= maxConcurrency) return;
    const views = this.views();
    const pick = selectContainer(views, w.need, w.backend.canUpdateLimits);
    if (pick.kind === 'warm') {
      this.offer(this.containers.get(pick.id)!);
      return;
    }
    if (pick.kind === 'prewarmed') {
      const c = this.containers.get(pick.id)!;
      const growth = Math.max(0, fn.memoryMb - c.memoryMb);
      const evict = growth ? chooseEvictions(views.filter((v) => v.id !== c.id), growth, this.config.memoryBudgetMb - c.memoryMb, this.protectedIds()) : [];
      if (!evict) return;
      c.fsm.transition('specializing');
      this.evict(evict);
      this.scheduleMaintain(); // a stem cell was taken: refill in the background
      this.runStart(w, Promise.resolve(c), false);
      return;
    }
    if (this.starts >= this.config.maxParallelStarts) return;
    const evict = chooseEvictions(views, fn.memoryMb, this.config.memoryBudgetMb, this.protectedIds());
    if (!evict) return;
    this.evict(evict);
    this.runStart(w, this.startContainer(w.backend, fn.runtime as Runtime, fn.memoryMb, true, fn.name), true);
  }

  /** The start side of a waiter's race; the container serves the waiter, or the next one, or goes idle. */
  private runStart(w: Waiter, containerP: Promise<PooledContainer>, isNew: boolean): void {
    const fn = w.fn;
    w.starting = true;
    this.startingFor.set(w.key, (this.startingFor.get(w.key) ?? 0) + 1);
    if (isNew) this.starts++;
    let counted = true;
    const uncount = () => {
      if (!counted) return;
      counted = false;
      const n = (this.startingFor.get(w.key) ?? 1) - 1;
      if (n <= 0) this.startingFor.delete(w.key);
      else this.startingFor.set(w.key, n);
    };
    const startT0 = performance.now();
    let c: PooledContainer | undefined;
    void (async () => {
      try {
        c = await containerP;
      } finally {
        if (isNew) this.starts--;
      }
      const containerStartMs = isNew ? performance.now() - startT0 : 0;
      const specT0 = performance.now();
      const { initMs } = await this.specialize(c, fn);
      uncount();
      if (c.state !== 'specializing') return; // removed meanwhile
      c.lastUsedAt = now();
      if (!w.done) {
        c.fsm.transition('busy');
        this.addInFlight(w.key, 1);
        const startMs = containerStartMs + (performance.now() - specT0) - initMs;
        this.serve(w, { container: c, session: c.session!, cold: true, queueMs: startT0 - w.t0, startMs, initMs, destroy: false });
      } else {
        this.offer(c);
      }
    })().catch((err) => {
      uncount();
      if (c) void this.remove(c, `specialisation failed: ${(err as Error).message}`);
      if (!w.done) this.fail(w, err);
      else this.log.warn({ err: (err as Error).message, function: fn.name }, 'a container started for a queued invocation failed');
    }).finally(() => {
      w.starting = false;
      if (w.expired) this.fail(w, this.throttled(w));
      this.pump();
    });
  }

  /** A specialised container of a function is free: to the oldest waiter of its version, else idle. True when handed over. */
  private offer(c: PooledContainer): boolean {
    const key = c.functionKey;
    const w = key === undefined ? undefined : this.waiters.find((x) => !x.done && x.key === key);
    if (w) {
      if (c.state !== 'busy') c.fsm.transition('busy');
      this.addInFlight(key!, 1);
      this.serve(w, { container: c, session: c.session!, cold: false, queueMs: performance.now() - w.t0, startMs: 0, initMs: 0, destroy: false });
      return true;
    }
    if (c.state !== 'idle') c.fsm.transition('idle');
    return false;
  }

  private serve(w: Waiter, lease: Lease): void {
    this.dequeue(w);
    w.resolve(lease);
  }

  private fail(w: Waiter, err: unknown): void {
    if (w.done) return;
    this.dequeue(w);
    w.reject(err);
  }

  private dequeue(w: Waiter): void {
    w.done = true;
    clearTimeout(w.timer);
    const i = this.waiters.indexOf(w);
    if (i >= 0) this.waiters.splice(i, 1);
  }

  /** What keeps a waiter from a container of its own right now. */
  private blocker(w: Waiter): 'concurrency' | 'memory' | 'start-slots' {
    if (this.functionContainers(w.key) >= (w.fn.maxConcurrency || LIMITS.maxConcurrency.default)) return 'concurrency';
    if (chooseEvictions(this.views(), w.fn.memoryMb, this.config.memoryBudgetMb, this.protectedIds()) === undefined) return 'memory';
    return 'start-slots';
  }

  private throttled(w: Waiter): StratusError {
    const limit = {
      concurrency: `max concurrency ${w.fn.maxConcurrency} of function ${w.fn.name}`,
      memory: `the agent's memory budget of ${this.config.memoryBudgetMb} MB`,
      'start-slots': `the agent's limit of ${this.config.maxParallelStarts} container starts at once`,
    }[this.blocker(w)];
    return new StratusError('THROTTLED', `throttled: ${limit} is reached (waited ${Math.round(performance.now() - w.t0)} ms)`, { retryAfterSec: retryAfterSec(this.config.queueTimeoutMs) });
  }

  /** Turns a pre-warmed container into one of `fn`: limits, code, then the bootstrap loads the handler. */
  private async specialize(c: PooledContainer, fn: FunctionSpec): Promise<{ initMs: number }> {
    const t0 = performance.now();
    if (c.memoryMb !== fn.memoryMb) {
      await c.backend.updateLimits(c.id, fn.memoryMb);
      c.memoryMb = fn.memoryMb;
    }
    const t1 = performance.now();
    await this.deps.codeStore.install(fn.codeSha256, path.join(c.folder, 'task'));
    const t2 = performance.now();
    c.fn = fn;
    const config: SpecializeConfig = {
      functionName: fn.name,
      functionVersion: String(fn.version),
      handler: fn.handler,
      memoryMb: fn.memoryMb,
      timeoutSec: fn.timeoutSec,
      env: { ...fn.env },
      logGroupName: `/stratus/${fn.name}`,
      logStreamName: `${new Date().toISOString().slice(0, 10).replaceAll('-', '/')}/[${fn.version}]${c.id.slice(0, 12)}`,
    };
    // The handler loads with the boot allowance, as Lambda boosts init, for at most INIT_BOOST_MS;
    // the function's own share is in force before its first invocation (or once the boost ran out).
    const settle = () => c.backend.settleCpu(c.id, fn.memoryMb);
    const boostEnds = setTimeout(() => void settle().catch(() => undefined), this.config.initBoostMs ?? INIT_BOOST_MS);
    let result: { initMs: number };
    try {
      const exitPromise = c.session!.specialize(config);
      result = await withTimeout(exitPromise, Math.max(10_000, fn.timeoutSec * 1000), () => new Error(`the runtime did not finish loading the handler within ${Math.max(10, fn.timeoutSec)} s`));
    } finally {
      clearTimeout(boostEnds);
    }
    await settle(); // throws when the share cannot be set: the container is removed, never invoked
    void c.backend.stats(c.id).then((s) => { if (s) c.cpuBaselineNs = s.cpuNs; });
    const t3 = performance.now();
    this.log.debug({ container: c.id.slice(0, 12), function: fn.name, limitsMs: t1 - t0, codeMs: t2 - t1, answerToNextMs: t3 - t2, initMs: result.initMs }, 'specialised');
    this.deps.onContainerEvent?.('specialized', c);
    return result;
  }

  /** Creates and starts a generic container and waits until its bootstrap asks to be specialised. */
  /** startContainer, tracked until it settles (close waits for the starts in flight). */
  private startContainer(backend: IsolationBackend, runtime: Runtime, memoryMb: number, forInvocation: boolean, functionName?: string): Promise<PooledContainer> {
    const start = this.createAndStart(backend, runtime, memoryMb, forInvocation, functionName);
    this.startsInFlight.add(start);
    const done = () => this.startsInFlight.delete(start);
    start.then(done, done);
    return start;
  }

  private async createAndStart(backend: IsolationBackend, runtime: Runtime, memoryMb: number, forInvocation: boolean, functionName?: string): Promise<PooledContainer> {
    const name = `stratus-${sanitize(this.config.agentId)}-${randomUUID().slice(0, 12)}`;
    const folder = path.join(this.config.dataDir, 'containers', sanitize(this.config.agentId), name);
    const pending = new PooledContainer('', name, backend, runtime, memoryMb, folder, this.config.keepAliveMs, (x) => this.onIdleExpired(x));
    // Registered (under its name until the engine gives the id) before the first await, so memory
    // and pre-warm counts see it at once.
    this.containers.set(name, pending);
    let id = '';
    try {
      await fs.mkdir(path.join(folder, 'task'), { recursive: true, mode: 0o755 });
      await fs.chmod(path.join(folder, 'task'), 0o755);
      const image = await backend.prepare(runtime);
      const apiDir = await this.openRuntimeSocket(name);
      id = await backend.create({
        name,
        runtime,
        image,
        memoryMb,
        bootCpus: BOOT_CPUS,
        tmpSizeMb: this.config.tmpSizeMb,
        taskDir: path.join(folder, 'task'),
        runtimeApiDir: apiDir,
        network: this.config.network,
        env: {
          AWS_LAMBDA_RUNTIME_API: this.config.runtimeApiAddress,
          ...(apiDir ? { STRATUS_RUNTIME_API_SOCKET: `${CONTAINER_RUNTIME_API_DIR}/${SOCKET_FILE}` } : {}),
          STRATUS_RUNTIME: runtime,
          LAMBDA_TASK_ROOT: '/var/task',
          LAMBDA_RUNTIME_DIR: '/var/runtime',
          HOME: '/tmp',
          PYTHONUNBUFFERED: '1',
          TZ: ':UTC',
        },
        // Labels cannot change after creation: a stem cell carries no function label (GetStatus does).
        labels: { [LABELS.agent]: this.config.agentId, [LABELS.managed]: this.config.containerLabel, ...(functionName ? { [LABELS.function]: functionName } : {}) },
      });
      this.containers.delete(name);
      const c = new PooledContainer(id, name, backend, runtime, memoryMb, folder, this.config.keepAliveMs, (x) => this.onIdleExpired(x));
      this.containers.set(id, c);
      this.deps.onContainerEvent?.('created', c);
      if (this.closed) throw new Error('the agent is shutting down');
      const output = await backend.attachOutput(id);
      c.logs = new LogCollector(output, LIMITS.logBytes);
      const started = await backend.start(id);
      c.ip = started.ip;
      c.session = this.deps.runtimeApi.attach(started.ip, apiDir ? name : undefined);
      void backend.wait(id).then((exit) => this.onExit(c, exit), () => this.onExit(c, { exitCode: -1, oomKilled: false }));
      const t0 = performance.now();
      const ctl = new AbortController();
      await withTimeout(c.session.waitUntilPrewarmed(ctl.signal), this.config.startTimeoutMs, () => {
        ctl.abort();
        return new Error(`the ${runtime} bootstrap did not become ready within ${this.config.startTimeoutMs} ms`);
      }, c);
      c.startMs = performance.now() - t0;
      if (c.exited) throw new Error(`the ${runtime} container exited while starting (status ${c.exited.exit.exitCode})`);
      // A stem cell keeps the boot allowance (it idles on its socket) until its function's init is done.
      c.fsm.transition('prewarmed');
      // Claimed in the same tick for an invocation, so no other caller can take it meanwhile.
      if (forInvocation) c.fsm.transition('specializing');
      this.deps.onContainerEvent?.('prewarmed', c);
      if (!forInvocation) this.pump();
      return c;
    } catch (err) {
      this.containers.delete(name);
      const c = id ? this.containers.get(id) : undefined;
      if (c) await this.remove(c, `start failed: ${(err as Error).message}`);
      else {
        if (id) await backend.remove(id).catch(() => undefined);
        await fs.rm(folder, { recursive: true, force: true }).catch(() => undefined);
        await this.closeRuntimeSocket(name);
      }
      throw err;
    }
  }

  /**
   * A Unix socket for the container's Runtime API calls, in a folder of its own that only it mounts
   * (docs/runtime-protocol.md). Under the temporary folder, not the data folder: a socket's path
   * must fit in 107 bytes. Undefined (TCP only) when the Runtime API cannot listen on one.
   */
  private async openRuntimeSocket(name: string): Promise<string | undefined> {
    if (!this.deps.runtimeApi.listenUnix) return undefined;
    const dir = this.runtimeSocketDir(name);
    try {
      await fs.mkdir(dir, { recursive: true, mode: 0o755 });
      await fs.chmod(dir, 0o755);
      await this.deps.runtimeApi.listenUnix(name, path.join(dir, SOCKET_FILE), FUNCTION_USER);
      return dir;
    } catch (err) {
      this.log.warn({ err, container: name }, 'no Unix socket for the Runtime API; the container uses TCP');
      await this.closeRuntimeSocket(name);
      return undefined;
    }
  }

  private async closeRuntimeSocket(name: string): Promise<void> {
    this.deps.runtimeApi.closeUnixSocket?.(name);
    await fs.rm(this.runtimeSocketDir(name), { recursive: true, force: true }).catch(() => undefined);
  }

  /** The folder of a container's Runtime API socket (its name's random part keeps the path short). */
  private runtimeSocketDir(name: string): string {
    return path.join(runtimeSocketRoot(this.config.agentId), name.slice(-12));
  }

  private onExit(c: PooledContainer, exit: ContainerExit): void {
    if (c.exited) return;
    // A SIGKILL (137) that the agent did not send is the kernel's OOM killer: under runsc the
    // engine never reports OOMKilled, the whole sandbox is killed at the limit instead.
    const outOfMemory = !c.killedByAgent && (exit.oomKilled || exit.exitCode === 137);
    c.exited = { exit, outOfMemory };
    if (c.state === 'removing') return;
    this.log.info({ container: c.id.slice(0, 12), exitCode: exit.exitCode, outOfMemory, function: c.fn?.name, state: c.state }, 'container exited');
    this.deps.onContainerEvent?.(outOfMemory ? 'oom' : 'died', c);
    c.session?.fail(new ContainerExitError(exit, outOfMemory));
    // Detach now: the engine frees the address at exit and may hand it to a new container.
    c.session?.detach();
    // A busy container is removed when its lease comes back (the invoke path reads its logs first).
    if (c.state !== 'busy' && c.state !== 'starting' && c.state !== 'specializing') void this.remove(c, 'exited');
  }

  private onIdleExpired(c: PooledContainer): void {
    const fn = c.fn;
    if (!fn) return;
    const key = functionKey(fn);
    const keep = this.keepWarmCount(fn);
    if (protectedWarm(this.views(), key, keep).includes(c.id)) {
      c.fsm.rearmIdle();
      return;
    }
    void this.remove(c, 'keep-alive expired');
  }

  /** Removes a container and its folder; idempotent. */
  async remove(c: PooledContainer, reason: string): Promise<void> {
    if (c.state === 'removing') return;
    c.fsm.transition('removing');
    c.killedByAgent = true;
    this.log.debug({ container: c.id.slice(0, 12), function: c.fn?.name, reason }, 'removing container');
    c.session?.fail(new Error(`container removed: ${reason}`));
    c.session?.detach();
    try {
      if (c.id) await c.backend.remove(c.id);
    } catch (err) {
      this.log.warn({ err, container: c.id.slice(0, 12) }, 'could not remove container');
    }
    await fs.rm(c.folder, { recursive: true, force: true }).catch(() => undefined);
    await this.closeRuntimeSocket(c.name);
    this.containers.delete(c.id || c.name);
    this.deps.onContainerEvent?.('removed', c);
    this.pump();
    this.scheduleMaintain();
  }

  private evict(ids: string[]): void {
    for (const id of ids) {
      const c = this.containers.get(id);
      if (c) void this.remove(c, 'evicted to fit the memory budget');
    }
  }

  // ---- background: pre-warm refill, minimum warm, scale-ahead ---------------------------------

  private scheduleMaintain(): void {
    if (this.maintainScheduled || this.closed) return;
    this.maintainScheduled = true;
    setImmediate(() => {
      this.maintainScheduled = false;
      try {
        this.maintain();
      } catch (err) {
        this.log.error({ err }, 'pool maintenance failed');
      }
    });
  }

  private maintain(): void {
    if (this.closed) return;
    this.pump(); // admission also on the tick (e.g. a function's max concurrency raised)
    // Invocations waiting for a start slot or for memory come first: no background start (warm-up,
    // stem cell) takes a slot or a stem cell from them.
    if (this.waiters.some((w) => !w.starting && !w.done)) return;
    const available = this.deps.availableBackends();
    const backends = [...this.deps.backends.values()].filter((b) => available.has(b.name));
    const functions = this.deps.functions().filter((f) => available.has(f.backend));
    // Keep-warm and scale-ahead first: a function with demand matters more than a generic container.
    for (const fn of functions) {
      const key = functionKey(fn);
      const target = this.keepWarmCount(fn);
      if (target === 0) continue;
      let warm = 0;
      for (const c of this.containers.values()) if (c.functionKey === key && c.fsm.is('idle', 'busy', 'specializing')) warm++;
      for (let i = warm; i < target; i++) if (!this.warmUp(fn)) break;
    }
    const targets = prewarmTargets({
      runtimes: this.config.runtimes,
      backends: backends.map((b) => ({ name: b.name, canUpdateLimits: b.canUpdateLimits })),
      perRuntime: this.config.prewarmPerRuntime,
      baseMemoryMb: this.config.prewarmMemoryMb,
      functions,
    });
    for (const t of prewarmDeficit(targets, this.views())) {
      const failedAt = this.prewarmFailedAt.get(`${t.runtime}|${t.backend}`);
      if (failedAt !== undefined && Date.now() - failedAt < PREWARM_RETRY_MS) continue; // a broken runtime or backend is not hammered
      for (let i = 0; i < t.count; i++) {
        if (this.starts >= this.config.maxParallelStarts) return;
        if (this.memoryUsedMb() + t.memoryMb > this.config.memoryBudgetMb) return; // pre-warming never evicts
        this.backgroundStart(this.deps.backends.get(t.backend)!, t.runtime as Runtime, t.memoryMb);
      }
    }
  }

  private backgroundStart(backend: IsolationBackend, runtime: Runtime, memoryMb: number): Promise<PooledContainer | undefined> {
    this.starts++;
    return this.startContainer(backend, runtime, memoryMb, false)
      .then((c) => {
        this.prewarmFailedAt.delete(`${runtime}|${backend.name}`);
        return c;
      })
      .catch((err) => {
        if (!this.closed) {
          this.prewarmFailedAt.set(`${runtime}|${backend.name}`, Date.now());
          this.log.warn({ err: (err as Error).message, runtime, backend: backend.name }, `pre-warming a container failed; retrying in ${PREWARM_RETRY_MS / 1000} s`);
        }
        return undefined;
      })
      .finally(() => {
        this.starts--;
        this.scheduleMaintain();
      });
  }

  /**
   * Specialises one more container of `fn` ahead of demand (idle afterwards): a pre-warmed one when
   * there is one, else a new one started for it. One at a time per function. False when it cannot now.
   */
  private warmUp(fn: FunctionSpec): boolean {
    const backend = this.deps.backends.get(fn.backend);
    const key = functionKey(fn);
    if (!backend || this.warming.has(key)) return false;
    if (this.starts >= this.config.maxParallelStarts && !this.views().some((v) => v.state === 'prewarmed' && v.runtime === fn.runtime && v.backend === fn.backend)) return false;
    const failedAt = this.warmFailedAt.get(key);
    if (failedAt !== undefined && Date.now() - failedAt < WARM_RETRY_MS) return false;
    if (this.memoryUsedMb() + fn.memoryMb > this.config.memoryBudgetMb) return false; // warming never evicts
    this.warming.add(key);
    // The code first (the control plane may be down): no container is claimed for nothing.
    this.deps.codeStore.ensure(fn.codeSha256)
      .then(() => {
        const pick = selectContainer(this.views().filter((v) => v.state === 'prewarmed'), { functionKey: key, runtime: fn.runtime, backend: fn.backend, memoryMb: fn.memoryMb }, backend.canUpdateLimits);
        if (pick.kind === 'prewarmed') {
          const pre = this.containers.get(pick.id)!;
          pre.fsm.transition('specializing');
          return pre;
        }
        if (this.starts >= this.config.maxParallelStarts) return undefined; // no start slot: a later tick
        this.starts++;
        return this.startContainer(backend, fn.runtime as Runtime, fn.memoryMb, true, fn.name).finally(() => { this.starts--; });
      })
      .then(async (c) => {
        if (!c) return;
        try {
          await this.specialize(c, fn);
        } catch (err) {
          void this.remove(c, 'warm-up failed');
          throw err;
        }
        if (c.state !== 'specializing') return;
        c.lastUsedAt = now();
        this.warmFailedAt.delete(key);
        this.warming.delete(key);
        this.offer(c); // to a waiting invocation of the function, else idle
      })
      .catch((err) => {
        this.warmFailedAt.set(key, Date.now());
        this.log.warn({ err: (err as Error).message, function: fn.name }, 'warming a container ahead of demand failed; retrying later');
      })
      .finally(() => {
        this.warming.delete(key);
        this.scheduleMaintain();
      });
    return true;
  }

  /** Warm containers to keep for a function: its minimum, or more from recent demand. */
  private keepWarmCount(fn: FunctionSpec): number {
    if (this.deps.latestVersion(fn.name) !== fn.version) return 0;
    return scaleAheadTarget(this.demand.sample(functionKey(fn)), fn.minWarm ?? 0, fn.maxConcurrency || LIMITS.maxConcurrency.default);
  }

  private protectedIds(): Set<string> {
    const ids = new Set<string>();
    for (const fn of this.deps.functions()) {
      if (!fn.minWarm) continue;
      for (const id of protectedWarm(this.views(), functionKey(fn), fn.minWarm)) ids.add(id);
    }
    return ids;
  }

  // ---- plumbing ------------------------------------------------------------------------------

  private views(): ContainerView[] {
    const out: ContainerView[] = [];
    for (const c of this.containers.values()) out.push(c.view());
    return out;
  }

  private addInFlight(key: string, delta: number): void {
    const n = (this.inFlight.get(key) ?? 0) + delta;
    if (n <= 0) this.inFlight.delete(key);
    else this.inFlight.set(key, n);
  }
}

/** Epoch milliseconds with sub-millisecond resolution: orders uses within the same millisecond. */
const now = (): number => performance.timeOrigin + performance.now();

function sanitize(s: string): string {
  return s.replace(/[^A-Za-z0-9_.-]/g, '_');
}

function withTimeout<T>(p: Promise<T>, ms: number, onTimeout: () => Error, c?: PooledContainer): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      const err = onTimeout();
      c?.session?.fail(err);
      reject(err);
    }, ms);
    p.then((v) => { clearTimeout(timer); resolve(v); }, (e) => { clearTimeout(timer); reject(e); });
  });
}

export type { BackendName };

const SOCKET_FILE = 'runtime.sock';
/** How often a waiter past its queue timeout checks whether a container is still on its way. */
const QUEUE_RECHECK_MS = 1_000;

/**
 * Where the Runtime API sockets of one agent's containers live: under the temporary folder with a
 * short hash of the agent id, as a socket's path must fit in 107 bytes. Removed at the agent's start
 * (what a killed run left) and shutdown.
 */
export function runtimeSocketRoot(agentId: string): string {
  return path.join(os.tmpdir(), 'stratus-rt', createHash('sha256').update(agentId).digest('hex').slice(0, 8));
}
