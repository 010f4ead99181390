// Starts a whole Stratus (control plane, one node agent, HTTP gateway) for the benchmark, each
// component in its own process from its src/main.ts (as `npm start` runs them), on free ports, with
// its own database, NATS server, agent id and container labels, so a run never touches another
// installation, and two platforms side by side never consume each other's invocation records.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { proto, type NodeStatus } from '@stratus/proto';
import { call, createClient, INVOCATIONS_STREAM, METRICS_STREAM } from '@stratus/common';
import { freePorts, startTestNatsServer, type TestNatsServer } from '@stratus/common/testing/nats-server.ts';
import { connect } from 'nats';
import { getJson } from './http-client.ts';
import { networkContainerNames, removeNetwork, run } from './docker.ts';
import { processStat } from './memory.ts';

export interface BenchPlatform {
  name: string;
  gatewayUrl: string;
  agentAddress: string;
  agentId: string;
  agentLabel: string;              // docker label filter matching every container of this agent
  metrics: boolean;
  /** The agent's own view of its pool (gRPC AgentService.GetStatus). */
  agentStatus(): Promise<NodeStatus>;
  /** Messages the control plane's consumers have not stored yet (pending and unacknowledged, all consumers). */
  ingestionBacklog(): Promise<number>;
  /** CPU time (ms) each of its processes has used so far: the components, its NATS server, its database's PostgreSQL backends. */
  cpuMs(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

export async function postgresDatabase(name: string): Promise<string | undefined> {
  if (process.env.STRATUS_BENCH_PGLITE === '1') return undefined;
  const r = await run('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-c', `CREATE DATABASE "${name}"`], { timeoutMs: 15_000 });
  if (r.code !== 0) return undefined;
  return `postgres://postgres@127.0.0.1:5432/${name}`;
}

export async function dropPostgresDatabase(name: string): Promise<void> {
  await run('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-c', `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`], { timeoutMs: 15_000 });
}

export interface StartPlatformOptions {
  repoRoot: string;
  runId: string;
  name: string;                    // e.g. "metrics-on"
  metrics: boolean;
  backends: string[];
  workDir: string;
  verbose: boolean;
  log: (msg: string) => void;
  extraEnv?: Record<string, string>;
}

export async function startBenchPlatform(opts: StartPlatformOptions): Promise<BenchPlatform> {
  const [gatewayPort, controlPort, agentPort] = await freePorts(3);
  const agentId = `bench-${opts.runId}-${opts.name}`;
  // A function network of its own, removed at stop: a benchmark leaves no network behind.
  const network = `stratus-bench-${opts.runId}-${opts.name}`.replace(/[^A-Za-z0-9_.-]/g, '-');
  const dbName = `stratus_bench_${opts.runId}_${opts.name}`.replace(/[^a-z0-9_]/gi, '_').toLowerCase();
  const databaseUrl = await postgresDatabase(dbName);
  // A NATS server of its own (JetStream store in a temporary folder), removed at stop; in a session
  // of its own, as `npm start` and the machine's service run it.
  let nats: TestNatsServer | undefined;
  try {
    nats = await startTestNatsServer(undefined, { detached: true });
  } catch (err) {
    opts.log(`  no NATS server of its own for ${opts.name} (${(err as Error).message}); using ${process.env.NATS_URL ?? 'nats://127.0.0.1:4222'}`);
  }
  const dataDir = path.join(opts.workDir, `data-${opts.name}`);
  fs.mkdirSync(dataDir, { recursive: true });
  const logFile = path.join(opts.workDir, `platform-${opts.name}.log`);
  const logFd = fs.openSync(logFile, 'a');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    STRATUS_HOST: '127.0.0.1',
    STRATUS_PORT: String(gatewayPort),
    STRATUS_CONTROL_PORT: String(controlPort),
    STRATUS_AGENT_PORT: String(agentPort),
    STRATUS_CONTROL_ADDRESS: `127.0.0.1:${controlPort}`,
    STRATUS_AGENT_ADDRESS: `127.0.0.1:${agentPort}`,
    STRATUS_AGENT_ID: agentId,
    STRATUS_FUNCTION_NETWORK: network,
    STRATUS_AGENT_METRICS_PORT: '0',
    STRATUS_DATA_DIR: dataDir,
    STRATUS_BACKENDS: opts.backends.join(','),
    STRATUS_METRICS: opts.metrics ? 'true' : 'false',
    STRATUS_LOG_LEVEL: process.env.STRATUS_LOG_LEVEL ?? 'warn',
    ...opts.extraEnv,
  };
  if (nats) env.NATS_URL = nats.url;
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  else delete env.DATABASE_URL;

  const children: Array<{ name: string; child: ChildProcess }> = [];
  const startComponent = (component: string) => {
    const main = path.join(opts.repoRoot, component, 'src/main.ts');
    if (!fs.existsSync(main)) throw new Error(`${component}/src/main.ts is missing: the platform is not complete yet`);
    const child = spawn(process.execPath, ['--import', 'tsx', main], {
      cwd: opts.repoRoot, env, stdio: ['ignore', opts.verbose ? 'inherit' : logFd, opts.verbose ? 'inherit' : logFd],
    });
    children.push({ name: component, child });
    child.on('exit', (code, signal) => {
      if (!stopping) opts.log(`  ${component} (${opts.name}) exited early: ${signal ?? code}; see ${logFile}`);
    });
  };
  let stopping = false;

  let stopped: Promise<void> | undefined;
  // Once: an interrupted run stops every platform, then the scenario that started it stops it again.
  const stop = () => (stopped ??= stopOnce());
  const stopOnce = async () => {
    stopping = true;
    // Listed while the containers still exist: the names to disconnect by force if an endpoint sticks.
    const attached = await networkContainerNames(network);
    // The gateway first, then the agent (removes its containers), then the control plane.
    for (const { child } of [...children].reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timedOut = await Promise.race([exited.then(() => false), sleep(20_000).then(() => true)]);
      if (timedOut) {
        child.kill('SIGKILL');
        await exited;
      }
    }
    fs.closeSync(logFd);
    const left = await removeNetwork(network, attached);
    if (left) opts.log(`  ${opts.name}: its function network stays behind: ${left}`);
    if (databaseUrl) await dropPostgresDatabase(dbName);
    await nats?.dispose();
  };

  try {
    startComponent('control-plane');
    await waitForPort(controlPort, 60_000, () => children[0].child.exitCode !== null);
    startComponent('node-agent');
    startComponent('http-gateway');
    const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    await waitForHealthy(gatewayUrl, opts.backends, 180_000, children.map((c) => c.child), (m) => opts.log(m));
    const agent = createClient(proto.AgentService, `127.0.0.1:${agentPort}`);
    return {
      name: opts.name,
      gatewayUrl,
      agentAddress: `127.0.0.1:${agentPort}`,
      agentId,
      agentLabel: `stratus.agent=${agentId}`,
      metrics: opts.metrics,
      agentStatus: () => call(agent as never, agent.GetStatus.bind(agent) as never, {}, { deadline: Date.now() + 5_000 }) as Promise<NodeStatus>,
      ingestionBacklog: () => ingestionBacklog(env.NATS_URL ?? 'nats://127.0.0.1:4222'),
      cpuMs: async () => {
        const out: Record<string, number> = {};
        for (const { name, child } of children) out[name] = processCpuMs(child.pid);
        out['nats-server'] = processCpuMs(nats?.pid);
        if (databaseUrl) out.postgres = (await databaseBackends(dbName)).reduce((ms, pid) => ms + processCpuMs(pid), 0);
        return out;
      },
      stop: async () => {
        (agent as unknown as { close(): void }).close();
        await stop();
      },
    };
  } catch (err) {
    await stop();
    const tail = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n') : '';
    throw new Error(`${(err as Error).message}\nlast lines of ${logFile}:\n${tail}`);
  }
}

/** User and system CPU time of a process (ms); 0 without one or once it is gone. */
export function processCpuMs(pid: number | undefined): number {
  const st = pid ? processStat(pid) : undefined;
  return st ? st.userMs + st.systemMs : 0;
}

/** PostgreSQL backends serving a database now (a backend's CPU counts from its start: read before and after a round). */
export async function databaseBackends(name: string): Promise<number[]> {
  const r = await run('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-Atc', `SELECT pid FROM pg_stat_activity WHERE datname = '${name}'`], { timeoutMs: 5_000 });
  return r.code === 0 ? r.stdout.split('\n').map(Number).filter((n) => n > 0) : [];
}

export async function ingestionBacklog(url: string): Promise<number> {
  const nc = await connect({ servers: url, name: 'stratus-bench' });
  try {
    const jsm = await nc.jetstreamManager();
    let backlog = 0;
    for (const stream of [INVOCATIONS_STREAM, METRICS_STREAM]) {
      try {
        for await (const c of jsm.consumers.list(stream)) backlog += c.num_pending + c.num_ack_pending;
      } catch {
        // no such stream yet: nothing published, nothing pending
      }
    }
    return backlog;
  } finally {
    await nc.close();
  }
}

async function waitForPort(port: number, timeoutMs: number, dead: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (dead()) throw new Error(`a component exited before listening on port ${port}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => { s.destroy(); resolve(true); });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(200);
  }
  throw new Error(`nothing listened on port ${port} within ${timeoutMs / 1000} s`);
}

interface Healthz {
  status: string;
  agents?: { nodes?: Array<{ status: string; backends?: Record<string, { available: boolean; reason?: string }> }> };
}

/** Waits for /healthz 200 with an agent whose every requested backend is available. */
async function waitForHealthy(url: string, backends: string[], timeoutMs: number, children: ChildProcess[], log: (m: string) => void): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  let said = false;
  while (Date.now() < deadline) {
    const dead = children.find((c) => c.exitCode !== null || c.signalCode !== null);
    if (dead) throw new Error(`a platform component exited during start (${dead.spawnargs.slice(-1)[0]})`);
    try {
      const r = await getJson<Healthz>(`${url}/healthz`, 3_000);
      last = r.text.slice(0, 400);
      const node = r.body?.agents?.nodes?.find((n) => n.status === 'up');
      if (r.status === 200 && node && backends.every((b) => node.backends?.[b]?.available)) return;
      const missing = backends.filter((b) => node && !node.backends?.[b]?.available);
      if (missing.length > 0 && Date.now() > deadline - timeoutMs + 60_000) {
        throw new Error(`backend(s) ${missing.join(', ')} not available: ${missing.map((b) => node?.backends?.[b]?.reason).join('; ')}`);
      }
    } catch (err) {
      if ((err as Error).message.startsWith('backend(s)')) throw err;
      last = (err as Error).message;
    }
    if (!said && Date.now() > deadline - timeoutMs + 15_000) {
      log('  (waiting for the platform: first start builds runtime images, which can take a few minutes)');
      said = true;
    }
    await sleep(500);
  }
  throw new Error(`the platform did not become healthy within ${timeoutMs / 1000} s; last /healthz: ${last}`);
}
