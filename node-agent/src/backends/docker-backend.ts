// Docker engine backend, written once for both OCI runtimes: `docker` = runc, `gvisor` = runsc.
// Differences between the two are data (runtime name, pids limit vs nproc ulimit, whether limits can
// be updated), not code paths.
import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import { PassThrough } from 'node:stream';
import Docker from 'dockerode';
import { LIMITS, type Backend as BackendName, type Logger, type Runtime } from '@stratus/common';
import { CONTAINER_RUNTIME_API_DIR, FUNCTION_USER, LABELS, nanoCpusFor, type Availability, type ContainerExit, type ContainerOutput, type ContainerSpec, type ContainerStats, type IsolationBackend } from './backend';
import { CgroupCounters } from './cgroup-counters';

export interface DockerBackendOptions {
  name: BackendName;
  ociRuntime: 'runc' | 'runsc';
  docker: Docker;
  logger: Logger;
  /** Resolves a runtime to its image ref (helper A's ensureRuntimeImages / runtimeImageName). */
  resolveImage: (runtime: Runtime) => Promise<string>;
  pidsLimit?: number;
  cgroupRoot?: string;           // default /sys/fs/cgroup (cgroup v1, cgroupfs driver, parent "docker")
  cgroupParent?: string;         // default "docker"
}

const AVAILABILITY_TTL_MS = 5_000;

export class DockerBackend implements IsolationBackend {
  readonly name: BackendName;
  readonly canUpdateLimits: boolean;
  private readonly docker: Docker;
  private readonly opts: DockerBackendOptions;
  private availability?: { at: number; value: Availability };
  private readonly hostCpus = os.cpus().length;
  private readonly cgroupRoot: string;
  private readonly cgroupParent: string;
  private readonly counters: CgroupCounters;

  constructor(opts: DockerBackendOptions) {
    this.opts = opts;
    this.name = opts.name;
    this.docker = opts.docker;
    // runsc has no `update` command: a running sandbox's limits are fixed at creation.
    this.canUpdateLimits = opts.ociRuntime === 'runc';
    this.cgroupRoot = opts.cgroupRoot ?? '/sys/fs/cgroup';
    this.cgroupParent = opts.cgroupParent ?? 'docker';
    this.counters = new CgroupCounters((id) => ({
      memoryMax: `${this.cgroupRoot}/memory/${this.cgroupParent}/${id}/memory.max_usage_in_bytes`,
      cpu: `${this.cgroupRoot}/cpuacct/${this.cgroupParent}/${id}/cpuacct.usage`,
    }));
  }

  async available(): Promise<Availability> {
    const cached = this.availability;
    if (cached && Date.now() - cached.at < AVAILABILITY_TTL_MS) return cached.value;
    let value: Availability;
    try {
      const info = (await this.docker.info()) as { Runtimes?: Record<string, unknown> };
      const runtimes = Object.keys(info.Runtimes ?? {});
      value = runtimes.includes(this.opts.ociRuntime)
        ? { ok: true, reason: '' }
        : { ok: false, reason: `the Docker engine has no '${this.opts.ociRuntime}' runtime registered (runtimes: ${runtimes.join(', ')}); ${this.opts.ociRuntime === 'runsc' ? 'install runsc and register it in /etc/docker/daemon.json with runtimeArgs ["--network=host", "--host-uds=open"]' : ''}`.trim() };
    } catch (err) {
      value = { ok: false, reason: `the Docker engine does not answer: ${(err as Error).message}` };
    }
    this.availability = { at: Date.now(), value };
    return value;
  }

  prepare(runtime: Runtime): Promise<string> {
    return this.opts.resolveImage(runtime);
  }

  async create(spec: ContainerSpec): Promise<string> {
    const memoryBytes = spec.memoryMb * 1024 * 1024;
    const isRunsc = this.opts.ociRuntime === 'runsc';
    const container = await this.docker.createContainer({
      name: spec.name,
      Image: spec.image,
      Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
      Labels: { ...spec.labels, [LABELS.backend]: this.name, [LABELS.runtime]: spec.runtime },
      User: `${FUNCTION_USER.uid}:${FUNCTION_USER.gid}`,
      WorkingDir: '/var/task',
      AttachStdout: true,
      AttachStderr: true,
      OpenStdin: false,
      Tty: false,
      NetworkingConfig: { EndpointsConfig: { [spec.network]: {} } },
      HostConfig: {
        Runtime: this.opts.ociRuntime,
        NetworkMode: spec.network,
        Memory: memoryBytes,
        MemorySwap: memoryBytes, // no swap
        // The boot allowance as the share of a memory size; settleCpu brings it to memoryMb's.
        NanoCpus: nanoCpusFor(Math.max(spec.memoryMb, (spec.bootCpus ?? 0) * LIMITS.mbPerCpu), LIMITS.mbPerCpu, this.hostCpus),
        // runsc counts the sandbox's own threads against a pids limit (it then hangs or fails to
        // start): there the nproc ulimit stops fork bombs instead.
        ...(isRunsc
          ? { Ulimits: [{ Name: 'nproc', Soft: this.opts.pidsLimit ?? 256, Hard: this.opts.pidsLimit ?? 256 }] }
          : { PidsLimit: this.opts.pidsLimit ?? 256 }),
        CapDrop: ['ALL'],
        SecurityOpt: ['no-new-privileges'],
        ReadonlyRootfs: true,
        Tmpfs: { '/tmp': `rw,nosuid,nodev,size=${spec.tmpSizeMb}m,mode=1777` },
        Binds: [`${spec.taskDir}:/var/task:ro`, ...(spec.runtimeApiDir ? [`${spec.runtimeApiDir}:${CONTAINER_RUNTIME_API_DIR}:ro`] : [])],
        LogConfig: { Type: 'none', Config: {} },
        AutoRemove: false,
        RestartPolicy: { Name: 'no' },
      },
    });
    return container.id;
  }

  async attachOutput(id: string): Promise<ContainerOutput> {
    const raw = (await this.docker.getContainer(id).attach({ stream: true, stdout: true, stderr: true, logs: false })) as NodeJS.ReadWriteStream & { destroy?: () => void };
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    this.docker.modem.demuxStream(raw, stdout, stderr);
    raw.on('end', () => { stdout.end(); stderr.end(); });
    raw.on('close', () => { stdout.end(); stderr.end(); });
    raw.on('error', () => { stdout.end(); stderr.end(); });
    return { stdout, stderr, close: () => raw.destroy?.() };
  }

  async start(id: string): Promise<{ ip: string }> {
    const container = this.docker.getContainer(id);
    await container.start();
    const info = await container.inspect();
    const nets = info.NetworkSettings?.Networks ?? {};
    const ip = Object.values(nets).map((n) => n.IPAddress).find(Boolean);
    if (!ip) throw new Error(`container ${id.slice(0, 12)} has no IP address on the function network`);
    return { ip };
  }

  async wait(id: string): Promise<ContainerExit> {
    const container = this.docker.getContainer(id);
    const result = (await container.wait()) as { StatusCode: number };
    let oomKilled = false;
    try {
      oomKilled = Boolean((await container.inspect()).State?.OOMKilled);
    } catch { /* already removed */ }
    return { exitCode: result.StatusCode, oomKilled };
  }

  async updateLimits(id: string, memoryMb: number): Promise<void> {
    if (!this.canUpdateLimits) throw new Error(`the ${this.name} backend cannot change a running container's limits`);
    await this.updateLimitsViaCgroup(id, memoryMb);
  }

  /**
   * Writes the cgroup v1 memory files directly (measured faster than the engine's update call: see
   * docs/pool.md). Order matters: the memory+swap limit may never be below the memory limit. The
   * CPU share follows with settleCpu, once the function's init is done.
   */
  async updateLimitsViaCgroup(id: string, memoryMb: number): Promise<void> {
    const mem = `${this.cgroupRoot}/memory/${this.cgroupParent}/${id}`;
    const bytes = String(memoryMb * 1024 * 1024);
    const current = Number((await fs.readFile(`${mem}/memory.limit_in_bytes`, 'utf8')).trim());
    const memsw = `${mem}/memory.memsw.limit_in_bytes`;
    const hasMemsw = await fs.access(memsw).then(() => true, () => false);
    if (memoryMb * 1024 * 1024 >= current) {
      if (hasMemsw) await fs.writeFile(memsw, bytes);
      await fs.writeFile(`${mem}/memory.limit_in_bytes`, bytes);
    } else {
      await fs.writeFile(`${mem}/memory.limit_in_bytes`, bytes);
      if (hasMemsw) await fs.writeFile(memsw, bytes);
    }
  }

  /**
   * The CFS quota of memoryMb's share, in the container's cgroup: under runsc too, whose sandbox
   * (Sentry and gofer) runs in that cgroup, although its memory limit cannot change. Also lets the
   * container carry unused quota into the next period, up to one quota (the kernel's bound): the
   * long-run share stays in proportion to memory, but a mostly idle small function is not throttled
   * in the middle of a short invocation (best effort: kernels before 5.14 lack cfs_burst_us).
   * Synchronous writes: this is on a cold start's path, and three small cgroup writes take tens of
   * microseconds where five trips through the thread pool took milliseconds on a busy host.
   */
  async settleCpu(id: string, memoryMb: number): Promise<void> {
    const cpu = `${this.cgroupRoot}/cpu/${this.cgroupParent}/${id}`;
    const period = Number(fsSync.readFileSync(`${cpu}/cpu.cfs_period_us`, 'utf8').trim()) || 100_000;
    const quota = String(Math.round((nanoCpusFor(memoryMb, LIMITS.mbPerCpu, this.hostCpus) / 1e9) * period));
    const burst = (us: string) => {
      try { fsSync.writeFileSync(`${cpu}/cpu.cfs_burst_us`, us); } catch { /* no burst support */ }
    };
    burst('0'); // the burst may not exceed the new quota
    fsSync.writeFileSync(`${cpu}/cpu.cfs_quota_us`, quota);
    burst(quota);
  }

  async stats(id: string, detail = false): Promise<ContainerStats | undefined> {
    // Per invocation only the two figures of the record are read: synchronously, on open descriptors.
    const counters = this.counters.read(id);
    if (!counters || !detail) return counters;
    const mem = `${this.cgroupRoot}/memory/${this.cgroupParent}/${id}`;
    const read = (file: string) => fs.readFile(file, 'utf8').then((t) => Number(t.trim()));
    try {
      const [memoryBytes, memoryLimitBytes, memoryFailCount] = await Promise.all([
        read(`${mem}/memory.usage_in_bytes`), read(`${mem}/memory.limit_in_bytes`), read(`${mem}/memory.failcnt`),
      ]);
      return { ...counters, memoryBytes, memoryLimitBytes, memoryFailCount };
    } catch {
      return undefined; // the container is gone (its cgroup with it)
    }
  }

  async stop(id: string, graceSec = 2): Promise<void> {
    try {
      await this.docker.getContainer(id).stop({ t: graceSec });
    } catch (err) {
      if (!isGone(err)) throw err;
    }
  }

  async remove(id: string): Promise<void> {
    this.counters.forget(id);
    try {
      await this.docker.getContainer(id).remove({ force: true, v: true });
    } catch (err) {
      if (!isGone(err)) throw err;
    }
  }

  async listLeftovers(agentId: string): Promise<string[]> {
    const list = await this.docker.listContainers({
      all: true,
      filters: { label: [`${LABELS.agent}=${agentId}`, `${LABELS.backend}=${this.name}`] },
    });
    return list.map((c) => c.Id);
  }
}

function isGone(err: unknown): boolean {
  const code = (err as { statusCode?: number }).statusCode;
  return code === 404 || code === 409 || code === 304;
}

/** Creates the internal function network if missing; answers its gateway address (where the Runtime API binds). */
export async function ensureFunctionNetwork(docker: Docker, name: string, logger: Logger): Promise<{ gateway: string; subnet: string }> {
  const read = async () => {
    const info = (await docker.getNetwork(name).inspect()) as { Internal?: boolean; IPAM?: { Config?: { Gateway?: string; Subnet?: string }[] } };
    const cfg = info.IPAM?.Config?.[0];
    if (!cfg?.Gateway) throw new Error(`network ${name} has no gateway address`);
    if (!info.Internal) logger.warn({ network: name }, 'function network is not internal: functions can reach beyond the agent');
    return { gateway: cfg.Gateway, subnet: cfg.Subnet ?? '' };
  };
  try {
    return await read();
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode !== 404) throw err;
  }
  try {
    await docker.createNetwork({ Name: name, Driver: 'bridge', Internal: true, CheckDuplicate: true, Labels: { 'stratus.network': 'functions' } });
    logger.info({ network: name }, 'created internal function network');
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode !== 409) throw err; // another agent made it meanwhile
  }
  return read();
}
