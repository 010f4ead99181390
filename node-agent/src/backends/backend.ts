// The one interface in front of every isolation technology. The pool and the invoke path call only
// this; Docker (runc) and gVisor (runsc under the same engine) are two instances of DockerBackend,
// and a microVM or unikernel adapter would implement the same calls (see docs/backends.md).
import type { Readable } from 'node:stream';
import type { Backend as BackendName, Runtime } from '@stratus/common';

/** The user every function runs as, in every backend. */
export const FUNCTION_USER = { uid: 1000, gid: 1000 } as const;

/** Where the folder of ContainerSpec.runtimeApiDir appears inside the container (read-only). */
export const CONTAINER_RUNTIME_API_DIR = '/run/stratus';

export interface ContainerSpec {
  runtime: Runtime;
  image: string;                 // from prepare(runtime)
  memoryMb: number;              // hard limit, no swap; CPU in proportion (after settleCpu)
  /**
   * CPU until the function's handler has loaded (BOOT_CPUS): the bootstrap's start, and the
   * function's init as Lambda boosts it; the caller then calls settleCpu before the first invocation.
   */
  bootCpus?: number;
  tmpSizeMb: number;
  taskDir: string;               // host folder bind-mounted read-only at /var/task
  runtimeApiDir?: string;        // host folder of the container's Runtime API socket, read-only at /run/stratus
  env: Record<string, string>;
  labels: Record<string, string>;
  network: string;
  name?: string;
}

export interface ContainerStats {
  memoryMaxBytes: number;        // peak since the container started (memory.max_usage_in_bytes)
  cpuNs: number;                 // cumulative CPU time (cpuacct.usage)
  // With `detail` only:
  memoryBytes?: number;
  memoryLimitBytes?: number;
  memoryFailCount?: number;      // times the limit was hit
}

export interface ContainerExit {
  exitCode: number;
  oomKilled: boolean;            // as the engine reports it (unreliable under runsc: see docs/pool.md)
}

/** Output of a container, demultiplexed; both streams end when the container exits. */
export interface ContainerOutput {
  stdout: Readable;
  stderr: Readable;
  close(): void;
}

export interface Availability {
  ok: boolean;
  reason: string;                // why not, when not ('' when ok)
}

export interface IsolationBackend {
  readonly name: BackendName;
  /** Whether a running container's memory/CPU limits can be changed (runc yes, runsc no). */
  readonly canUpdateLimits: boolean;
  available(): Promise<Availability>;
  /** Makes the runtime's image ready (built or found); kept apart from running containers. */
  prepare(runtime: Runtime): Promise<string>;
  create(spec: ContainerSpec): Promise<string>;
  /** Attach before start so no output is lost. */
  attachOutput(id: string): Promise<ContainerOutput>;
  /** Starts the container and answers its address on the function network. */
  start(id: string): Promise<{ ip: string }>;
  /** Resolves when the container's process exits (called once, after start). */
  wait(id: string): Promise<ContainerExit>;
  /** The memory limit of a running container (CPU stays as it is until settleCpu). */
  updateLimits(id: string, memoryMb: number): Promise<void>;
  /** Ends the boot and init allowance: the CPU share of memoryMb from now on (every backend, runc or runsc). */
  settleCpu(id: string, memoryMb: number): Promise<void>;
  /** cgroup figures; `detail` adds current usage, limit and fail count (more reads). */
  stats(id: string, detail?: boolean): Promise<ContainerStats | undefined>;
  stop(id: string, graceSec?: number): Promise<void>;
  /** Removes the container (killing it if needed); idempotent. */
  remove(id: string): Promise<void>;
  /** Containers labelled with this agent id (left by an earlier run of it). */
  listLeftovers(agentId: string): Promise<string[]>;
}

/**
 * A container starts with one core and keeps it through the function's init: at 128 MB's share
 * (7% of a core) the engine's own setup in the container and the interpreter's start are throttled
 * (measured: `docker run` of the Python image 3.0 s at --cpus 0.072 against 0.9 s at 1; under gVisor
 * 15.7 s against 1.8 s), which is what a scale-out or a refill waits for, and so is loading the
 * handler, which is what a cold start waits for. See docs/pool.md.
 */
export const BOOT_CPUS = 1;

/**
 * How long a function's init may run with the boot allowance: Lambda gives init burst CPU for up to
 * 10 s. A longer init goes on at the function's own share until its timeout.
 */
export const INIT_BOOST_MS = 10_000;

/** Lambda's rule: one vCPU at 1769 MB, in proportion below and above. */
export function nanoCpusFor(memoryMb: number, mbPerCpu: number, hostCpus: number): number {
  const cpus = Math.min(hostCpus, memoryMb / mbPerCpu);
  return Math.max(10_000_000, Math.round(cpus * 1e9));
}

export const LABELS = {
  agent: 'stratus.agent',
  managed: 'stratus.managed',
  runtime: 'stratus.runtime',
  backend: 'stratus.backend',
  function: 'stratus.function',
} as const;
