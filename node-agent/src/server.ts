// The node agent's composition root: backends, the Runtime API server, the pool, the invoke path,
// the gRPC services, telemetry and the control-plane link are built and wired here, and only here.
import fs from 'node:fs/promises';
import path from 'node:path';
import Docker from 'dockerode';
import { BACKENDS, bindServer, createLogger, createServer, shutdownServer, RUNTIMES, type Logger, type Runtime, type StratusConfig } from '@stratus/common';
import { proto, type BackendStatusInput, type FunctionSpec, type NodeStatusInput } from '@stratus/proto';
import type { IsolationBackend } from './backends/backend';
import { DockerBackend, ensureFunctionNetwork } from './backends/docker-backend';
import { ControlLink } from './control/control-link';
import { FunctionRegistry } from './control/function-registry';
import { makeAgentHandlers, makeInvocationHandlers } from './grpc/agent-services';
import { ensureRuntimeImages, runtimeImageName } from './images/index';
import { CachedCodeStore, type CodeStore } from './invoke/code-store';
import { Invoker, type InvocationRecorder } from './invoke/invoker';
import { createAgentTelemetry, createHostSampler, type AgentTelemetry } from './metrics/index';
import type { RuntimeApi } from './pool/runtime-contract';
import { WarmPool, runtimeSocketRoot, type PoolConfig } from './pool/warm-pool';
import { RuntimeApiServer } from './runtime-api/runtime-api-server';

export interface AgentDeps {
  logger?: Logger;
  docker?: Docker;
  /** Replace the isolation backends (unit tests: the fake backend). */
  backends?: IsolationBackend[];
  /** Replace the Runtime API server (unit tests: fake sessions). */
  runtimeApi?: RuntimeApi & { close?(): Promise<void> };
  runtimeApiAddress?: string;
  /** false: no control plane link (functions come from `functions`). */
  controlPlane?: boolean;
  functions?: FunctionSpec[];
  codeStore?: CodeStore;
  /** Telemetry: a recorder, or null for none; default G's NATS/Prometheus telemetry. */
  telemetry?: (InvocationRecorder & { close?(): Promise<void>; metricsPort?: number; setPublishing?(enabled: boolean): void }) | null;
  /** Runtimes to serve and pre-warm; default every runtime whose image exists or builds. */
  runtimes?: Runtime[];
  /** Build missing runtime images at start (default true). */
  buildImages?: boolean;
  pool?: Partial<PoolConfig>;
  /** Bound for finishing running invocations at close (default 10 s). */
  drainMs?: number;
}

export interface RunningAgent {
  port: number;
  id: string;
  metricsPort: number;
  pool: WarmPool;
  invoker: Invoker;
  registry: FunctionRegistry;
  status(): Promise<NodeStatusInput>;
  close(): Promise<void>;
}

const VERSION = '0.1.0';

export async function startAgent(config: StratusConfig, deps: AgentDeps = {}): Promise<RunningAgent> {
  const logger = deps.logger ?? createLogger('node-agent', { agentId: config.agentId });
  const startedAt = new Date().toISOString();
  const closers: (() => Promise<void> | void)[] = [];
  const closeAll = async () => {
    for (const c of closers.reverse()) await Promise.resolve(c()).catch((err) => logger.warn({ err }, 'shutdown step failed'));
  };
  try {
    const docker = deps.docker ?? new Docker();
    const offered = config.backends.filter((b) => (BACKENDS as readonly string[]).includes(b));

    // Images (prepared apart from running) and backends.
    let runtimes: Runtime[] = deps.runtimes ?? [...RUNTIMES];
    let images: Partial<Record<Runtime, string>> = {};
    if (!deps.backends) {
      images = await prepareImages(docker, runtimes, deps.buildImages ?? true, logger);
      runtimes = runtimes.filter((r) => images[r]);
    }
    const backends: IsolationBackend[] = deps.backends ?? offered.map((name) => new DockerBackend({
      name: name as 'docker' | 'gvisor',
      ociRuntime: name === 'gvisor' ? 'runsc' : 'runc',
      docker,
      logger,
      resolveImage: async (runtime) => {
        const ref = images[runtime];
        if (!ref) throw new Error(`no image for runtime ${runtime}`);
        return ref;
      },
    }));
    const backendMap = new Map(backends.map((b) => [b.name as string, b]));

    // Availability, refreshed in the background so the invoke path reads it without waiting.
    const availability = new Map<string, { ok: boolean; reason: string }>();
    const refreshAvailability = async () => {
      await Promise.all(backends.map(async (b) => availability.set(b.name, await b.available())));
    };
    await refreshAvailability();
    const availTimer = setInterval(() => void refreshAvailability(), 5_000);
    availTimer.unref();
    closers.push(() => clearInterval(availTimer));
    const availableBackends = () => new Set([...availability].filter(([, a]) => a.ok).map(([n]) => n));

    // Containers left by an earlier run of this agent id (one that died) go first.
    await removeLeftovers(backends, config, logger);

    // The function network and the Runtime API on its gateway address.
    let runtimeApi: RuntimeApi & { close?(): Promise<void> };
    let runtimeApiAddress: string;
    let network = config.functionNetwork;
    if (deps.runtimeApi) {
      runtimeApi = deps.runtimeApi;
      runtimeApiAddress = deps.runtimeApiAddress ?? '127.0.0.1:9001';
    } else {
      const net = await ensureFunctionNetwork(docker, config.functionNetwork, logger);
      network = config.functionNetwork;
      const server = new RuntimeApiServer({ host: net.gateway, port: 0, logger: logger.child({ part: 'runtime-api' }) });
      const addr = await server.listen();
      runtimeApi = server;
      runtimeApiAddress = `${addr.host}:${addr.port}`;
    }
    closers.push(() => runtimeApi.close?.());

    // Functions and code.
    const registry = new FunctionRegistry();
    for (const f of deps.functions ?? []) registry.upsert(f);
    let link: ControlLink | undefined;
    const codeStore = deps.codeStore ?? new CachedCodeStore(config.dataDir, (sha) => {
      if (!link) return Promise.reject(new Error('no control plane to fetch code from'));
      return link.fetchArchive(sha);
    });

    const pool = new WarmPool(
      {
        agentId: config.agentId,
        containerLabel: config.containerLabel,
        dataDir: config.dataDir,
        network,
        runtimeApiAddress,
        keepAliveMs: config.keepAliveSec * 1000,
        memoryBudgetMb: config.memoryBudgetMb,
        prewarmPerRuntime: config.prewarmPerRuntime,
        prewarmMemoryMb: 128,
        queueTimeoutMs: config.queueTimeoutMs,
        maxQueued: 1000,
        tmpSizeMb: config.tmpSizeMb,
        runtimes,
        startTimeoutMs: 30_000,
        maxParallelStarts: config.maxParallelStarts, // the default's measurements: docs/pool.md
        ...deps.pool,
      },
      {
        backends: backendMap,
        availableBackends,
        runtimeApi,
        codeStore,
        functions: () => registry.all(),
        latestVersion: (name) => registry.latestVersion(name),
        functionExists: (name) => registry.has(name),
        logger,
      },
    );
    closers.push(() => pool.close());

    // Telemetry (off the hot path) and the invoke path.
    const hostSample = createHostSampler();
    const gaugeSample = createHostSampler();
    let telemetry: (InvocationRecorder & { close?(): Promise<void>; metricsPort?: number; setPublishing?(enabled: boolean): void }) | undefined;
    if (deps.telemetry !== undefined) telemetry = deps.telemetry ?? undefined;
    else {
      telemetry = await createAgentTelemetry({
        config,
        agentId: config.agentId,
        logger,
        sampleGauges: () => {
          const counts = new Map<string, { backend: string; runtime: string; state: string; count: number }>();
          for (const c of pool.list()) {
            const key = `${c.backend.name}|${c.runtime}|${c.state}`;
            const e = counts.get(key) ?? { backend: c.backend.name, runtime: c.runtime, state: c.state, count: 0 };
            e.count++;
            counts.set(key, e);
          }
          const h = gaugeSample();
          return {
            containers: [...counts.values()],
            memoryUsedMb: pool.memoryUsedMb(),
            memoryBudgetMb: config.memoryBudgetMb,
            queued: pool.queuedCount,
            running: pool.runningCount,
            ...h,
          };
        },
      });
    }
    if (telemetry?.close) closers.push(() => telemetry!.close!());

    const invoker = new Invoker({
      agentId: config.agentId,
      pool,
      registry,
      backendProblem: (name) => {
        if (!backendMap.has(name)) return undefined;
        const a = availability.get(name);
        return a?.ok ? '' : a?.reason ?? 'availability unknown';
      },
      recorder: telemetry,
      logger,
    });

    // gRPC.
    const server = createServer();
    server.addService(proto.InvocationService.service, makeInvocationHandlers(invoker, logger));
    let port = 0;
    // With port 0 the advertised port is the one the server got (the host part is kept).
    const address = () => {
      const adv = config.agentAdvertiseAddress;
      if (!adv) return `${config.host}:${port}`;
      if (config.agentPort === 0 || adv.endsWith(':0')) return `${adv.slice(0, adv.lastIndexOf(':'))}:${port}`;
      return adv;
    };
    const status = async (): Promise<NodeStatusInput> => {
      const h = hostSample();
      const backendStatus: BackendStatusInput[] = (BACKENDS as readonly string[]).map((name) => {
        if (!backendMap.has(name)) return { name, available: false, reason: `not offered by this agent (STRATUS_BACKENDS=${config.backends.join(',')})` };
        const a = availability.get(name);
        return { name, available: Boolean(a?.ok), reason: a?.reason ?? '' };
      });
      return {
        id: config.agentId,
        address: address(),
        backends: backendStatus,
        memoryBudgetMb: config.memoryBudgetMb,
        memoryUsedMb: pool.memoryUsedMb(),
        running: invoker.running,
        queued: pool.queuedCount,
        containers: pool.status(),
        state: closing ? 'draining' : 'ready',
        startedAt,
        cpuPercent: h.hostCpuPercent,
        hostMemoryTotalMb: h.hostMemoryTotalMb,
        hostMemoryUsedMb: h.hostMemoryUsedMb,
        version: VERSION,
      };
    };
    const switchMetrics = telemetry?.setPublishing?.bind(telemetry);
    server.addService(proto.AgentService.service, makeAgentHandlers(status, switchMetrics));
    port = await bindServer(server, `${config.host}:${config.agentPort}`);
    closers.push(() => shutdownServer(server, 2_000));
    let closing = false;

    // Control plane.
    if (deps.controlPlane !== false && config.controlAddress) {
      link = new ControlLink({
        address: config.controlAddress,
        agentId: config.agentId,
        registry,
        status,
        onFunctionChanged: (fn, prev) => {
          if (prev) pool.drainFunction(fn.name, fn.version);
          // Fetch and unpack the new code now, so the first invocation does not wait for it.
          if (backendMap.has(fn.backend)) codeStore.ensure(fn.codeSha256).catch((err) => logger.debug({ err: (err as Error).message, function: fn.name }, 'prefetching code failed'));
        },
        onFunctionDeleted: (name) => pool.drainFunction(name),
        logger,
      });
      registry.setFetcher((name, version) => link!.fetchFunction(name, version));
      link.start();
      closers.push(() => link!.close());
    }

    pool.start();
    logger.info({ port, runtimeApi: runtimeApiAddress, backends: [...availability].map(([n, a]) => `${n}:${a.ok ? 'ok' : a.reason}`), runtimes }, 'node agent listening');

    return {
      port,
      id: config.agentId,
      metricsPort: telemetry?.metricsPort ?? 0,
      pool,
      invoker,
      registry,
      status,
      async close() {
        if (closing) return;
        closing = true;
        // Stop taking work, let running invocations finish (bounded), then remove every container.
        await invoker.drain(deps.drainMs ?? 10_000);
        await link?.beat().catch(() => undefined);
        await closeAll();
        await fs.rm(path.join(config.dataDir, 'containers', sanitize(config.agentId)), { recursive: true, force: true }).catch(() => undefined);
      },
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

async function prepareImages(docker: Docker, runtimes: Runtime[], build: boolean, logger: Logger): Promise<Partial<Record<Runtime, string>>> {
  if (build) {
    try {
      return await ensureRuntimeImages({ logger, runtimes });
    } catch (err) {
      logger.error({ err: (err as Error).message }, 'building runtime images failed; using the images already present');
    }
  }
  const out: Partial<Record<Runtime, string>> = {};
  for (const r of runtimes) {
    const ref = runtimeImageName(r);
    try {
      await docker.getImage(ref).inspect();
      out[r] = ref;
    } catch {
      logger.warn({ runtime: r, image: ref }, 'no image for runtime: it cannot run here');
    }
  }
  return out;
}

async function removeLeftovers(backends: IsolationBackend[], config: StratusConfig, logger: Logger): Promise<void> {
  let removed = 0;
  for (const b of backends) {
    const ids = await b.listLeftovers(config.agentId).catch(() => [] as string[]);
    await Promise.all(ids.map((id) => b.remove(id).then(() => { removed++; }, () => undefined)));
  }
  await fs.rm(path.join(config.dataDir, 'containers', sanitize(config.agentId)), { recursive: true, force: true }).catch(() => undefined);
  await fs.rm(runtimeSocketRoot(config.agentId), { recursive: true, force: true }).catch(() => undefined);
  if (removed) logger.info({ removed }, 'removed containers left by an earlier run of this agent');
}

function sanitize(s: string): string {
  return s.replace(/[^A-Za-z0-9_.-]/g, '_');
}
