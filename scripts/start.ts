// `npm start`: set-up, then the control plane, one node agent, the HTTP gateway and the dashboard as
// child processes with prefixed logs. `--role control|agent|gateway|dashboard|all` runs only one
// part, for several hosts (infra/README.md). Ctrl-C or SIGTERM stops everything, in reverse order,
// giving the agent time to remove its containers, then the nats-server this script started.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { createRequire } from 'node:module';
import pc from 'picocolors';
import { loadConfig, type StratusConfig } from '@stratus/common';
import { ROLES, runSetup, type Role } from './setup';
import { formatMs } from './setup/report';

const ROOT = path.resolve(import.meta.dirname, '..');

interface Component {
  key: 'control' | 'agent' | 'gateway' | 'dashboard';
  label: string;
  color: (s: string) => string;
  /** The command, or undefined when the component does not exist in this checkout. */
  command(): { file: string; args: string[] } | undefined;
  /** Where it answers once started. */
  probe(config: StratusConfig): { kind: 'tcp' | 'http'; host: string; port: number; path?: string };
  /** Time allowed for SIGTERM before SIGKILL. */
  stopMs: number;
  startMs: number;
  /** The platform works without it: failing to start is a warning, not the end. */
  optional?: boolean;
  /** Started before the others (it needs none of them), waited for last. */
  startEarly?: boolean;
}

const tsMain = (rel: string) => () => {
  const file = path.join(ROOT, rel);
  return fs.existsSync(file) ? { file: process.execPath, args: ['--import', 'tsx', file] } : undefined;
};

/** 0.0.0.0 and :: are bind addresses; probe them on loopback. */
const reachable = (host: string) => (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host);

export const COMPONENTS: Component[] = [
  {
    key: 'control',
    label: 'control',
    color: pc.magenta,
    command: tsMain('control-plane/src/main.ts'),
    probe: (c) => ({ kind: 'tcp', host: reachable(c.host), port: c.controlPort }),
    stopMs: 10_000,
    startMs: 60_000,
  },
  {
    key: 'agent',
    label: 'agent',
    color: pc.cyan,
    command: tsMain('node-agent/src/main.ts'),
    probe: (c) => ({ kind: 'tcp', host: reachable(c.host), port: c.agentPort }),
    // Running invocations finish and containers are removed before it exits.
    stopMs: 45_000,
    startMs: 120_000,
  },
  {
    key: 'gateway',
    label: 'gateway',
    color: pc.green,
    command: tsMain('http-gateway/src/main.ts'),
    probe: (c) => ({ kind: 'http', host: reachable(c.host), port: c.gatewayPort, path: '/healthz' }),
    stopMs: 10_000,
    startMs: 60_000,
  },
  {
    key: 'dashboard',
    label: 'dashboard',
    color: pc.yellow,
    command: () => {
      const pkgFile = path.join(ROOT, 'dashboard/package.json');
      if (!fs.existsSync(pkgFile)) return undefined;
      const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as { scripts?: Record<string, string> };
      return pkg.scripts?.start ? { file: 'npm', args: ['run', '--silent', 'start', '--workspace', 'dashboard'] } : undefined;
    },
    probe: (c) => ({ kind: 'tcp', host: reachable(c.host), port: c.dashboardPort }),
    stopMs: 5_000,
    // Its start script may build the app first.
    startMs: 300_000,
    optional: true,
    startEarly: true,
  },
];

/** pino-pretty when installed (JSON log lines become readable), else the raw lines. */
function makeFormatter(): (line: string) => string {
  try {
    const require = createRequire(import.meta.url);
    const { prettyFactory } = require('pino-pretty') as typeof import('pino-pretty');
    const pretty = prettyFactory({ colorize: pc.isColorSupported, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname,component', singleLine: true });
    return (line) => {
      if (!line.startsWith('{')) return line;
      try {
        return pretty(JSON.parse(line)).trimEnd();
      } catch {
        return line;
      }
    };
  } catch {
    return (line) => line;
  }
}

function pipeLines(stream: NodeJS.ReadableStream, prefix: string, format: (line: string) => string, keep: string[]): void {
  let pending = '';
  stream.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (!line) continue;
      keep.push(line);
      if (keep.length > 20) keep.shift();
      process.stdout.write(`${prefix} ${format(line)}\n`);
    }
  });
  stream.on('end', () => {
    if (pending) process.stdout.write(`${prefix} ${format(pending)}\n`);
  });
}

function probeOnce(p: ReturnType<Component['probe']>): Promise<boolean> {
  return new Promise((resolve) => {
    if (p.kind === 'http') {
      const req = http.get({ host: p.host, port: p.port, path: p.path, timeout: 2000 }, (res) => {
        res.resume();
        resolve(true); // any answer, healthy or not: the server is up
      });
      req.on('error', () => resolve(false));
      req.on('timeout', () => req.destroy());
      return;
    }
    const socket = net.connect({ host: p.host, port: p.port });
    socket.setTimeout(2000, () => socket.destroy());
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('close', () => resolve(false));
  });
}

interface Running {
  component: Component;
  up: boolean;
  child: ChildProcess;
  exited: Promise<number | null>;
  lastLines: string[];
}

/** Signals a child's whole process group (npm scripts start grandchildren). */
function signalGroup(child: ChildProcess, sig: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, sig);
  } catch {
    try {
      child.kill(sig);
    } catch {
      // already gone
    }
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { role: { type: 'string', default: 'all' } },
    strict: true,
  });
  const role = values.role as Role;
  if (!ROLES.includes(role)) throw new Error(`--role must be one of ${ROLES.join(', ')}, got ${JSON.stringify(values.role)}`);

  const begun = Date.now();
  console.log(pc.bold(`Stratus: setting up (${role === 'all' ? 'all components' : `role ${role}`})`));
  const setup = await runSetup({ role });
  console.log(pc.dim(`set-up took ${formatMs(setup.ms)}`));

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    STRATUS_DATA_DIR: setup.dataDir,
    ...(setup.nats ? { NATS_URL: setup.nats.url } : {}),
  };
  if (pc.isColorSupported) env.FORCE_COLOR ??= '1';
  process.env.STRATUS_DATA_DIR = setup.dataDir;
  const config = loadConfig();
  const format = makeFormatter();
  const running: Running[] = [];
  const skipped: string[] = [];
  let stopping = false;

  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log(pc.bold('\nStratus: stopping…'));
    // Reverse start order: dashboard and gateway first, the agent (removing its containers), then
    // the control plane.
    const order = (r: Running) => COMPONENTS.indexOf(r.component);
    for (const r of [...running].sort((a, b) => order(b) - order(a))) {
      if (r.child.exitCode !== null || r.child.signalCode !== null) continue;
      const started = Date.now();
      signalGroup(r.child, 'SIGTERM');
      const timer = setTimeout(() => {
        console.log(pc.yellow(`${r.component.label} did not stop within ${formatMs(r.component.stopMs)}; killing it`));
        signalGroup(r.child, 'SIGKILL');
      }, r.component.stopMs);
      await r.exited;
      clearTimeout(timer);
      console.log(pc.dim(`stopped ${r.component.label} (${formatMs(Date.now() - started)})`));
    }
    if (setup.nats?.source === 'started') {
      await setup.nats.stop();
      console.log(pc.dim('stopped nats-server'));
    }
    process.exit(code);
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => void stopAll(0));

  const wanted = COMPONENTS.filter((c) => role === 'all' || c.key === role);

  const launch = async (component: Component): Promise<Running | undefined> => {
    const cmd = component.command();
    if (!cmd) {
      skipped.push(component.label);
      console.log(pc.yellow(`- ${component.label}: not in this checkout yet, skipped`));
      return undefined;
    }
    // Something already answering there would pass for our component: refuse instead.
    const probe = component.probe(config);
    if (await probeOnce(probe)) {
      const msg = `${component.label}: port ${probe.port} on ${probe.host} is already in use (another Stratus running?); set its port variable (see README, Configuration)`;
      if (!component.optional) throw new Error(msg);
      skipped.push(component.label);
      console.log(pc.yellow(`- ${msg}; skipped`));
      return undefined;
    }
    const prefix = component.color(`${component.label.padEnd(9)}|`);
    const child = spawn(cmd.file, cmd.args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const lastLines: string[] = [];
    pipeLines(child.stdout!, prefix, format, lastLines);
    pipeLines(child.stderr!, prefix, format, lastLines);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const r: Running = { component, child, exited, lastLines, up: false };
    running.push(r);
    void exited.then((code) => {
      if (stopping || !r.up) return;
      console.log(pc.red(`${component.label} exited unexpectedly (code ${code ?? child.signalCode})`));
      if (running.every((x) => x.child.exitCode !== null || x.child.signalCode !== null)) void stopAll(1);
    });
    return r;
  };

  /** Waits until the component answers; false (after stopping everything) when a required one does not. */
  const waitUp = async (r: Running): Promise<boolean> => {
    const { component, child } = r;
    const probe = component.probe(config);
    const deadline = Date.now() + component.startMs;
    while (!stopping && Date.now() < deadline && child.exitCode === null && child.signalCode === null) {
      if (await probeOnce(probe)) {
        r.up = true;
        return true;
      }
      await sleep(250);
    }
    if (stopping) return false;
    const why = child.exitCode !== null || child.signalCode !== null ? 'exited before answering' : `did not answer on ${probe.host}:${probe.port} within ${formatMs(component.startMs)}`;
    if (component.optional) {
      console.log(pc.yellow(`${component.label} ${why}; continuing without it`));
      signalGroup(child, 'SIGKILL');
      skipped.push(component.label);
      return true;
    }
    console.log(pc.red(`${component.label} ${why}`));
    await stopAll(1);
    return false;
  };

  // Components that take long to come up and need nothing else (the dashboard may build itself
  // first) start at once; the others start in order, each once the previous one answers.
  const early: (Running | undefined)[] = [];
  for (const component of wanted.filter((c) => c.startEarly)) early.push(await launch(component));
  for (const component of wanted.filter((c) => !c.startEarly)) {
    if (stopping) return;
    let r: Running | undefined;
    try {
      r = await launch(component);
    } catch (err) {
      console.log(pc.red((err as Error).message));
      await stopAll(1);
      return;
    }
    if (r && !(await waitUp(r))) return;
  }
  for (const r of early) if (r && !(await waitUp(r))) return;

  if (!running.some((r) => r.up)) {
    console.log(pc.red('none of the components could be started'));
    await stopAll(1);
    return;
  }
  printSummary(config, setup, wanted.map((c) => c.key), skipped, role, Date.now() - begun);
}

function maskUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

function printSummary(config: StratusConfig, setup: Awaited<ReturnType<typeof runSetup>>, keys: string[], skipped: string[], role: Role, elapsedMs: number): void {
  const rows: [string, string][] = [];
  const shown = (host: string) => (host === '0.0.0.0' ? `${host} (all interfaces)` : host);
  const has = (k: string, label: string) => keys.includes(k) && !skipped.includes(label);
  if (has('gateway', 'gateway')) rows.push(['HTTP gateway', `http://${reachable(config.host)}:${config.gatewayPort}  (bound to ${shown(config.host)}; try GET /healthz)`]);
  if (has('control', 'control')) rows.push(['Control plane', `gRPC ${reachable(config.host)}:${config.controlPort}`]);
  if (has('agent', 'agent')) rows.push(['Node agent', `gRPC ${reachable(config.host)}:${config.agentPort}  (id ${config.agentId}, advertised as ${config.agentAdvertiseAddress})`]);
  if (has('dashboard', 'dashboard')) rows.push(['Dashboard', `http://${reachable(config.host)}:${config.dashboardPort}`]);
  if (role !== 'all') rows.push(['Control address', config.controlAddress]);
  rows.push(['Data dir', setup.dataDir]);
  if (role === 'all' || role === 'control') {
    rows.push(['Storage', config.databaseUrl ? `PostgreSQL ${maskUrl(config.databaseUrl)}` : `PGlite (embedded) in ${setup.dataDir}`]);
  }
  if (setup.nats) rows.push(['NATS', `${setup.nats.url} (${setup.nats.source === 'started' ? 'started by this script' : setup.nats.source})`]);
  if (role === 'all' || role === 'agent') {
    rows.push(['Backends', setup.gvisor.available ? 'docker, gvisor' : `docker (gvisor unavailable: ${setup.gvisor.reason})`]);
    rows.push(['Images', setup.images.map((i) => i.ref).join(', ')]);
  }
  if (skipped.length) rows.push(['Not running', `${skipped.join(', ')} (see above)`]);
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(pc.bold(`\nStratus is running (up in ${formatMs(elapsedMs)})`));
  for (const [k, v] of rows) console.log(`  ${pc.bold(k.padEnd(width))}  ${v}`);
  console.log(pc.dim('Ctrl-C stops everything.\n'));
}

main().catch((err) => {
  console.error(pc.red((err as Error).message));
  process.exit(1);
});
