// Starts a whole Stratus platform for a test: its own nats-server (JetStream in a temp dir), the
// control plane (PGlite in a temp dir, or a fresh PostgreSQL database), N node agents (each with its
// own id, ports, container label and function network; in-process or as child processes), and the
// HTTP gateway — all on free loopback ports. stop() tears everything down and fails if any container
// carrying the platform's label is left.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { proto, type NodeStatus } from '@stratus/proto';
import { createClient, createLogger, loadConfig, type StratusConfig, type Logger } from '@stratus/common';
import { freePort, startTestNatsServer, type TestNatsServer } from '@stratus/common/testing/nats-server.ts';
import { startGateway, type Gateway } from '../../http-gateway/src/server';
import { unaryCall } from '../../http-gateway/src/admin/control-clients';
import { runCli } from '../../cli/src/main';
import { containersWithLabels, removeContainers, removeNetwork } from './docker';
import { createScratchDatabase } from '../../control-plane/test/scratch-database';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface PlatformOptions {
  /** Backends the agents offer (default docker). */
  backends?: string[];
  /** Number of agents (default 1). */
  agents?: number;
  /** Which agents (by index) run as child processes, so a test can SIGKILL them. */
  childAgents?: number[];
  storage?: 'pglite' | 'postgres';
  /** Config overrides for every component (e.g. keepAliveSec, queueTimeoutMs, prewarmPerRuntime). */
  config?: Partial<StratusConfig>;
  /** Extra environment for child-process agents. */
  agentEnv?: Record<string, string>;
  /** How long to wait for every agent to register (first runs build runtime images). */
  readyTimeoutMs?: number;
}

export interface AgentHandle {
  index: number;
  id: string;
  port: number;
  address: string;
  network: string;
  config: StratusConfig;
  kind: 'in-process' | 'child';
  /** Child agents only: their process (pid for signals). */
  process?: ChildProcess;
  /** Sends a signal to a child agent and waits for it to exit. */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** Starts the agent again with the same id, ports, label and network. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface Platform {
  id: string;
  label: string;
  natsUrl: string;
  controlAddress: string;
  gatewayUrl: string;
  gateway: Gateway;
  agents: AgentHandle[];
  config: StratusConfig;
  clients: {
    functions: InstanceType<typeof proto.FunctionService>;
    invocations: InstanceType<typeof proto.InvocationService>;
    nodes: InstanceType<typeof proto.NodeService>;
    pool: InstanceType<typeof proto.PoolService>;
  };
  /** Runs a unary call on one of the clients: `await platform.call('functions', 'GetFunction', { name })`. */
  call<T = any>(service: keyof Platform['clients'], method: string, request: object, timeoutMs?: number): Promise<T>;
  /** Runs the CLI in-process against this platform. */
  cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  /** POSTs an event to /function/NAME (or /v/VERSION). */
  invoke(name: string, event?: unknown, opts?: { version?: number; raw?: string | Buffer }): Promise<InvokeHttpResult>;
  /**
   * Waits until every running agent is registered and the gateway sees them; with startedAfter, until
   * each has registered from a run started after that time (a restarted agent, not its old record).
   */
  waitForAgents(ids?: string[], timeoutMs?: number, opts?: { startedAfter?: Date }): Promise<NodeStatus[]>;
  /** Stops the control plane (agents and gateway keep running, as when it fails); stop() skips it then. */
  stopControlPlane(): Promise<void>;
  /** Ids of containers carrying the platform's label (optionally only one agent's). */
  containers(agentId?: string): Promise<string[]>;
  stop(): Promise<void>;
}

export interface InvokeHttpResult {
  status: number;
  headers: Headers;
  text: string;
  json: any;
  requestId: string;
  coldStart: boolean;
  agent: string;
  backend: string;
}

type StartFn = (config: StratusConfig, deps?: Record<string, unknown>) => Promise<{ port: number; close(): Promise<void> }>;

async function loadStart(file: string, name: string): Promise<StartFn> {
  const mod = (await import(path.join(REPO_ROOT, file))) as Record<string, unknown>;
  const fn = mod[name];
  if (typeof fn !== 'function') throw new Error(`${file} does not export ${name}()`);
  return fn as StartFn;
}

/** The environment a child agent needs to get the same config. */
export function agentEnvFor(config: StratusConfig): Record<string, string> {
  return {
    STRATUS_HOST: config.host,
    STRATUS_AGENT_PORT: String(config.agentPort),
    STRATUS_AGENT_ADDRESS: config.agentAdvertiseAddress,
    STRATUS_AGENT_ID: config.agentId,
    STRATUS_CONTROL_ADDRESS: config.controlAddress,
    NATS_URL: config.natsUrl,
    STRATUS_DATA_DIR: config.dataDir,
    STRATUS_KEEP_ALIVE_SEC: String(config.keepAliveSec),
    STRATUS_DEFAULT_BACKEND: config.defaultBackend,
    STRATUS_BACKENDS: config.backends.join(','),
    STRATUS_MEMORY_BUDGET_MB: String(config.memoryBudgetMb),
    STRATUS_PREWARM: String(config.prewarmPerRuntime),
    STRATUS_QUEUE_TIMEOUT_MS: String(config.queueTimeoutMs),
    STRATUS_TMP_SIZE_MB: String(config.tmpSizeMb),
    STRATUS_FUNCTION_NETWORK: config.functionNetwork,
    STRATUS_CONTAINER_LABEL: config.containerLabel,
    STRATUS_IMAGE_PREFIX: config.imagePrefix,
    STRATUS_METRICS: config.metricsEnabled ? 'true' : 'false',
    STRATUS_LOG_LEVEL: config.logLevel,
    STRATUS_AGENT_METRICS_PORT: String((config as { agentMetricsPort?: number }).agentMetricsPort ?? 0),
  };
}

export async function startPlatform(opts: PlatformOptions = {}): Promise<Platform> {
  const id = `t${randomBytes(3).toString('hex')}`;
  const label = `stratus-test-${id}`;
  const logger: Logger = createLogger('harness', { platform: id });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `stratus-${id}-`));
  const cleanups: (() => Promise<void>)[] = [];
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) await fn().catch((err) => logger.warn({ err }, 'cleanup step failed'));
  };

  try {
    const nats: TestNatsServer = await startTestNatsServer();
    cleanups.push(() => nats.dispose());

    let databaseUrl: string | undefined;
    if (opts.storage === 'postgres') {
      const db = await createScratchDatabase('postgres://postgres@127.0.0.1:5432/postgres', `stratus_${id}`);
      databaseUrl = db.url;
      cleanups.push(() => db.drop());
    }

    const controlPort = await freePort();
    const controlAddress = `127.0.0.1:${controlPort}`;
    const base = loadConfig({
      host: '127.0.0.1',
      controlPort,
      controlAddress,
      gatewayPort: 0,
      natsUrl: nats.url,
      databaseUrl,
      dataDir: path.join(tmp, 'control'),
      containerLabel: label,
      backends: opts.backends ?? ['docker'],
      defaultBackend: (opts.backends ?? ['docker'])[0],
      logLevel: process.env.STRATUS_LOG_LEVEL ?? 'warn',
      memoryBudgetMb: 4096,
      prewarmPerRuntime: 1,
      agentMetricsPort: 0,
      ...opts.config,
    } as Partial<StratusConfig>);

    const startControlPlane = await loadStart('control-plane/src/server.ts', 'startControlPlane');
    const control = await startControlPlane(base);
    let controlStopped = false;
    const stopControl = async () => {
      if (controlStopped) return;
      controlStopped = true;
      await control.close();
    };
    cleanups.push(stopControl);

    const startAgent = await loadStart('node-agent/src/server.ts', 'startAgent');
    const agents: AgentHandle[] = [];
    const n = opts.agents ?? 1;
    for (let i = 0; i < n; i++) {
      const port = await freePort();
      const config: StratusConfig = {
        ...base,
        agentPort: port,
        agentAdvertiseAddress: `127.0.0.1:${port}`,
        agentId: `${id}-a${i + 1}`,
        functionNetwork: `${label}-net${i + 1}`,
        dataDir: path.join(tmp, `agent${i + 1}`),
      };
      const handle = (opts.childAgents ?? []).includes(i)
        ? childAgent(i, config, opts.agentEnv ?? {}, logger)
        : inProcessAgent(i, config, startAgent);
      await handle.restart();
      agents.push(handle);
      cleanups.push(async () => {
        await handle.stop();
        await removeNetwork(config.functionNetwork);
      });
    }

    const gateway = await startGateway(base, { logger });
    cleanups.push(() => gateway.close());

    const clients = {
      functions: createClient(proto.FunctionService, controlAddress),
      invocations: createClient(proto.InvocationService, controlAddress),
      nodes: createClient(proto.NodeService, controlAddress),
      pool: createClient(proto.PoolService, controlAddress),
    };
    cleanups.push(async () => {
      for (const c of Object.values(clients)) (c as unknown as grpc.Client).close();
    });

    const call = <T>(service: keyof typeof clients, method: string, request: object, timeoutMs = 120_000) =>
      unaryCall<T>(clients[service], method, request, timeoutMs);

    const platform: Platform = {
      id, label, natsUrl: nats.url, controlAddress, gatewayUrl: gateway.url, gateway, agents, config: base, clients, call,
      async cli(args) {
        let stdout = '';
        let stderr = '';
        const code = await runCli(['--control', controlAddress, '--gateway', gateway.url, ...args], {
          stdout: (t) => { stdout += t; },
          stderr: (t) => { stderr += t; },
          env: process.env,
        });
        return { code, stdout, stderr };
      },
      async invoke(name, event = {}, o = {}) {
        const url = `${gateway.url}/function/${encodeURIComponent(name)}${o.version ? `/v/${o.version}` : ''}`;
        const body = o.raw !== undefined ? o.raw : JSON.stringify(event);
        const res = await fetch(url, { method: 'POST', body: body as BodyInit, headers: { 'content-type': 'application/json' } });
        const text = await res.text();
        let json: unknown;
        try { json = JSON.parse(text); } catch { json = undefined; }
        return {
          status: res.status, headers: res.headers, text, json,
          requestId: res.headers.get('x-stratus-request-id') ?? '',
          coldStart: res.headers.get('x-stratus-cold-start') === 'true',
          agent: res.headers.get('x-stratus-agent') ?? '',
          backend: res.headers.get('x-stratus-backend') ?? '',
        };
      },
      async waitForAgents(ids = agents.map((a) => a.id), timeoutMs = opts.readyTimeoutMs ?? 600_000, w = {}) {
        const fresh = (nd: NodeStatus) => !w.startedAfter || Date.parse(nd.startedAt) > w.startedAfter.getTime();
        const deadline = Date.now() + timeoutMs;
        let last: NodeStatus[] = [];
        for (;;) {
          try {
            last = (await call<{ nodes: NodeStatus[] }>('nodes', 'ListNodes', {}, 5_000)).nodes;
          } catch { /* control plane starting */ }
          const ready = ids.every((aid) => last.some((nd) => nd.id === aid && fresh(nd) && (nd.state || 'ready') === 'ready' && nd.backends.some((b) => b.available)))
            && ids.every((aid) => gateway.view.nodes.has(aid));
          if (ready) return last;
          if (Date.now() > deadline) throw new Error(`agents ${ids.join(', ')} not ready after ${timeoutMs} ms; control plane lists ${JSON.stringify(last.map((nd) => ({ id: nd.id, state: nd.state, backends: nd.backends })))}`);
          await new Promise((r) => setTimeout(r, 200));
        }
      },
      stopControlPlane: stopControl,
      containers(agentId) {
        return containersWithLabels([`stratus.managed=${label}`, ...(agentId ? [`stratus.agent=${agentId}`] : [])]);
      },
      async stop() {
        await cleanup();
        const left = await containersWithLabels([`stratus.managed=${label}`]);
        if (left.length > 0) {
          await removeContainers(left);
          throw new Error(`${left.length} container(s) labelled stratus.managed=${label} were left after stop(): ${left.map((s) => s.slice(0, 12)).join(', ')}`);
        }
        fs.rmSync(tmp, { recursive: true, force: true });
      },
    };
    await platform.waitForAgents();
    return platform;
  } catch (err) {
    await cleanup();
    const left = await containersWithLabels([`stratus.managed=${label}`]).catch(() => []);
    await removeContainers(left);
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

function inProcessAgent(index: number, config: StratusConfig, startAgent: StartFn): AgentHandle {
  let running: { close(): Promise<void> } | undefined;
  return {
    index, id: config.agentId, port: config.agentPort, address: config.agentAdvertiseAddress, network: config.functionNetwork, config, kind: 'in-process',
    async kill() {
      throw new Error('only child agents can be killed with a signal; start the platform with childAgents');
    },
    async restart() {
      if (running) return;
      running = await startAgent(config, { logger: createLogger('agent', { agentId: config.agentId }) });
    },
    async stop() {
      const r = running;
      running = undefined;
      await r?.close();
    },
  };
}

function childAgent(index: number, config: StratusConfig, extraEnv: Record<string, string>, logger: Logger): AgentHandle {
  const handle: AgentHandle = {
    index, id: config.agentId, port: config.agentPort, address: config.agentAdvertiseAddress, network: config.functionNetwork, config, kind: 'child',
    async kill(signal) {
      const p = handle.process;
      if (!p || p.exitCode !== null || p.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        p.once('exit', () => resolve());
        p.kill(signal);
      });
      handle.process = undefined;
    },
    async restart() {
      if (handle.process) return;
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'node-agent/src/main.ts')], {
        cwd: REPO_ROOT,
        env: { ...process.env, ...agentEnvFor(config), ...extraEnv },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      handle.process = child;
      let tail = '';
      const keep = (chunk: Buffer) => {
        tail = (tail + chunk.toString()).slice(-4000);
      };
      child.stdout!.on('data', keep);
      child.stderr!.on('data', keep);
      child.once('exit', (code, signal) => {
        if (handle.process === child) handle.process = undefined;
        if (code !== 0 && signal !== 'SIGKILL' && signal !== 'SIGTERM') logger.warn({ agent: config.agentId, code, signal, tail }, 'child agent exited');
      });
    },
    async stop() {
      const p = handle.process;
      if (!p) return;
      const timer = setTimeout(() => p.kill('SIGKILL'), 30_000);
      await handle.kill('SIGTERM');
      clearTimeout(timer);
    },
  };
  return handle;
}
