// A backend with call counters and a matching fake Runtime API, for unit tests of the pool and the
// invoke path without Docker. Containers "run" a handler function given by the test.
import { PassThrough } from 'node:stream';
import type { Backend as BackendName, Runtime } from '@stratus/common';
import type { Availability, ContainerExit, ContainerOutput, ContainerSpec, ContainerStats, IsolationBackend } from './backend';
import { RuntimeInitError, type InvocationInput, type InvocationOutcome, type RuntimeApi, type RuntimeSession, type SpecializeConfig } from '../pool/runtime-contract';

interface FakeContainer {
  id: string;
  spec: ContainerSpec;
  ip: string;
  running: boolean;
  removed: boolean;
  stdout: PassThrough;
  stderr: PassThrough;
  exit?: (e: ContainerExit) => void;
  exited: Promise<ContainerExit>;
  /** CPU share in force: the boot allowance until settleCpu, then memoryMb's share. */
  cpu: { kind: 'boot'; cpus: number } | { kind: 'share'; memoryMb: number };
}

export class FakeBackend implements IsolationBackend {
  readonly calls = { prepare: 0, create: 0, start: 0, stop: 0, remove: 0, updateLimits: 0, settleCpu: 0, stats: 0, attach: 0, listLeftovers: 0 };
  readonly containers = new Map<string, FakeContainer>();
  availability: Availability = { ok: true, reason: '' };
  leftovers: string[] = [];
  private seq = 0;

  constructor(readonly name: BackendName = 'docker', readonly canUpdateLimits = true, private readonly ipPrefix = '10.0.0.') {}

  async available(): Promise<Availability> {
    return this.availability;
  }

  async prepare(runtime: Runtime): Promise<string> {
    this.calls.prepare++;
    return `fake/${runtime}`;
  }

  /** Test knobs: create() or settleCpu() fails with this error. */
  failCreate?: Error;
  failSettle?: Error;

  async create(spec: ContainerSpec): Promise<string> {
    this.calls.create++;
    if (this.failCreate) throw this.failCreate;
    const id = `${this.name}-${++this.seq}`.padEnd(16, '0');
    let exit!: (e: ContainerExit) => void;
    const exited = new Promise<ContainerExit>((resolve) => { exit = resolve; });
    this.containers.set(id, { id, spec, ip: `${this.ipPrefix}${this.seq}`, running: false, removed: false, stdout: new PassThrough(), stderr: new PassThrough(), exit, exited, cpu: spec.bootCpus ? { kind: 'boot', cpus: spec.bootCpus } : { kind: 'share', memoryMb: spec.memoryMb } });
    return id;
  }

  async attachOutput(id: string): Promise<ContainerOutput> {
    this.calls.attach++;
    const c = this.get(id);
    return { stdout: c.stdout, stderr: c.stderr, close: () => { c.stdout.end(); c.stderr.end(); } };
  }

  async start(id: string): Promise<{ ip: string }> {
    this.calls.start++;
    const c = this.get(id);
    c.running = true;
    return { ip: c.ip };
  }

  wait(id: string): Promise<ContainerExit> {
    return this.get(id).exited;
  }

  async updateLimits(id: string, memoryMb: number): Promise<void> {
    this.calls.updateLimits++;
    if (!this.canUpdateLimits) throw new Error('cannot update');
    this.get(id).spec.memoryMb = memoryMb;
  }

  async settleCpu(id: string, memoryMb: number): Promise<void> {
    this.calls.settleCpu++;
    if (this.failSettle) throw this.failSettle;
    this.get(id).cpu = { kind: 'share', memoryMb };
  }

  async stats(id: string): Promise<ContainerStats | undefined> {
    this.calls.stats++;
    const c = this.containers.get(id);
    if (!c || !c.running) return undefined;
    return { memoryMaxBytes: 20 * 1024 * 1024, memoryBytes: 10 * 1024 * 1024, memoryLimitBytes: c.spec.memoryMb * 1024 * 1024, memoryFailCount: 0, cpuNs: 5_000_000 };
  }

  async stop(id: string): Promise<void> {
    this.calls.stop++;
    this.kill(id, 0);
  }

  async remove(id: string): Promise<void> {
    this.calls.remove++;
    const c = this.containers.get(id);
    if (!c) return;
    this.kill(id, 137);
    c.removed = true;
    this.containers.delete(id);
  }

  async listLeftovers(): Promise<string[]> {
    this.calls.listLeftovers++;
    return this.leftovers;
  }

  /** Test helper: the container's process exits with `code` (137 = killed, e.g. out of memory). */
  kill(id: string, code: number, oomKilled = false): void {
    const c = this.containers.get(id);
    if (!c || !c.running) return;
    c.running = false;
    c.stdout.end();
    c.stderr.end();
    c.exit?.({ exitCode: code, oomKilled });
  }

  /** Test helper: the container with this address. */
  byIp(ip: string): FakeContainer | undefined {
    for (const c of this.containers.values()) if (c.ip === ip) return c;
    return undefined;
  }

  running(): FakeContainer[] {
    return [...this.containers.values()].filter((c) => c.running);
  }

  private get(id: string): FakeContainer {
    const c = this.containers.get(id);
    if (!c) throw Object.assign(new Error(`no such container ${id}`), { statusCode: 404 });
    return c;
  }
}

/** What a fake container does with an invocation; may write to its output. */
export type FakeHandler = (input: InvocationInput, ctx: { config: SpecializeConfig; stdout: PassThrough; stderr: PassThrough; ip: string }) => Promise<InvocationOutcome>;

/** A Runtime API whose sessions call `handler` (by function name) instead of a real bootstrap. */
export class FakeRuntimeApi implements RuntimeApi {
  readonly calls = { attach: 0, specialize: 0, invoke: 0 };
  readonly handlers = new Map<string, FakeHandler>();
  /** Function names whose handler fails to load. */
  readonly initErrors = new Map<string, RuntimeInitError>();

  constructor(private readonly backends: FakeBackend[]) {}

  attach(ip: string): RuntimeSession {
    this.calls.attach++;
    const api = this;
    const container = () => this.backends.map((b) => b.byIp(ip)).find(Boolean);
    let config: SpecializeConfig | undefined;
    let failed: Error | undefined;
    const pending = new Set<(err: Error) => void>();
    const guard = <T>(p: Promise<T>): Promise<T> => new Promise((resolve, reject) => {
      if (failed) return reject(failed);
      pending.add(reject);
      p.then(resolve, reject).finally(() => pending.delete(reject));
    });
    return {
      ip,
      nextPolls: 0,
      async waitUntilPrewarmed() { if (failed) throw failed; },
      specialize(cfg) {
        api.calls.specialize++;
        config = cfg;
        const initErr = api.initErrors.get(cfg.functionName);
        return guard(initErr ? Promise.reject(initErr) : Promise.resolve({ initMs: 3 }));
      },
      invoke(input) {
        api.calls.invoke++;
        const c = container();
        const h = api.handlers.get(config!.functionName);
        if (!c || !h) return Promise.reject(new Error('no handler'));
        return guard(h(input, { config: config!, stdout: c.stdout, stderr: c.stderr, ip }).then((out) => {
          c.stdout.write(`\u001eSTRATUS_END ${input.requestId}\u001e\n`);
          c.stderr.write(`\u001eSTRATUS_END ${input.requestId}\u001e\n`);
          return out;
        }));
      },
      fail(err) {
        failed ??= err;
        for (const r of pending) r(err);
      },
      detach() {
        this.fail(new Error('detached'));
      },
    };
  }
}

export const ok = (value: unknown): InvocationOutcome => ({ kind: 'response', payload: Buffer.from(JSON.stringify(value)) });
