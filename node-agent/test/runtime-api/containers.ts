// Real containers running the bootstraps of node-agent/runtimes/ against a RuntimeApiServer, without
// the agent core: for the Runtime API integration test and the measurement script. Uses the runtime
// images of node-agent/src/images when they exist (stratus/runtime-<runtime>:latest), else the
// `stratus-probe` image (with, for Node, this host's node binary mounted). The runtime folder of this
// checkout (or STRATUS_TEST_RUNTIME_DIR, for experiments) is mounted at /var/runtime either way.
import { execFile as execFileCb } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createLogger, type Runtime } from '@stratus/common';
import { RuntimeApiServer, runtimeSourceDir, type RuntimeSession, type SpecializeConfig } from '../../src/runtime-api/index';

const execFile = promisify(execFileCb);

export async function docker(...args: string[]): Promise<string> {
  const { stdout } = await execFile('docker', args, { maxBuffer: 64 * 1024 * 1024 });
  return stdout.trim();
}

export async function runscAvailable(): Promise<boolean> {
  try {
    return (await docker('info', '--format', '{{json .Runtimes}}')).includes('"runsc"');
  } catch {
    return false;
  }
}

async function imageExists(ref: string): Promise<boolean> {
  try { await docker('image', 'inspect', ref); return true; } catch { return false; }
}

/** The node binary mounted into probe containers for Node runtimes (STRATUS_TEST_NODE_<major> overrides). */
function nodeBinaryFor(runtime: Runtime): string {
  const major = runtime === 'nodejs22.x' ? '22' : '20';
  return process.env[`STRATUS_TEST_NODE_${major}`] ?? (major === process.versions.node.split('.')[0] ? process.execPath : '');
}

export interface TestContainer {
  id: string;
  ip: string;
  session: RuntimeSession;
  taskDir: string;
  /** Puts the function's code into /var/task (the bind-mounted host folder). */
  writeCode(files: Record<string, string | { content: string; mode: number }>): Promise<void>;
  logs(): Promise<string>;
  /** Resolves with the exit code once the container stops. */
  wait(): Promise<number>;
  remove(): Promise<void>;
}

export interface Harness {
  server: RuntimeApiServer;
  api: string;
  network: string;
  label: string;
  start(runtime: Runtime, opts?: { ociRuntime?: 'runc' | 'runsc'; memoryMb?: number; cpus?: number }): Promise<TestContainer>;
  /** Runtimes that can run here (Node needs an image or a node binary of that major). */
  supports(runtime: Runtime): Promise<boolean>;
  close(): Promise<void>;
}

export async function startHarness(label: string): Promise<Harness> {
  const network = `stratus-rtapi-${process.pid}-${Date.now().toString(36)}`;
  await docker('network', 'create', '--internal', '--label', `stratus.test=${label}`, network);
  const gateway = await docker('network', 'inspect', network, '--format', '{{(index .IPAM.Config 0).Gateway}}');
  const logger = createLogger('runtime-api-test');
  logger.level = process.env.STRATUS_LOG_LEVEL ?? 'warn';
  const server = new RuntimeApiServer({ host: gateway, logger });
  const { host, port } = await server.listen();
  const api = `${host}:${port}`;
  const tempDirs: string[] = [];
  const images = new Map<Runtime, string | undefined>();

  async function imageFor(runtime: Runtime): Promise<string | undefined> {
    if (!images.has(runtime)) {
      const ref = `stratus/runtime-${runtime}:latest`;
      images.set(runtime, process.env.STRATUS_TEST_PROBE_ONLY !== '1' && (await imageExists(ref)) ? ref : undefined);
    }
    return images.get(runtime);
  }

  const harness: Harness = {
    server, api, network, label,
    async supports(runtime) {
      if (await imageFor(runtime)) return true;
      return !runtime.startsWith('nodejs') || nodeBinaryFor(runtime) !== '';
    },
    async start(runtime, opts = {}) {
      const taskDir = await fs.mkdtemp(path.join(os.tmpdir(), 'stratus-rtapi-task-'));
      tempDirs.push(taskDir);
      await fs.chmod(taskDir, 0o755);
      const image = await imageFor(runtime);
      const args = [
        'run', '-d', '--label', `stratus.test=${label}`, '--label', `stratus.test.run=${network}`, '--network', network,
        '--runtime', opts.ociRuntime ?? 'runc',
        '--user', '1000:1000', '--read-only', '--tmpfs', '/tmp:rw,size=64m,mode=1777',
        '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges',
        '--memory', `${opts.memoryMb ?? 256}m`, '--memory-swap', `${opts.memoryMb ?? 256}m`,
        '-e', `AWS_LAMBDA_RUNTIME_API=${api}`, '-e', `STRATUS_RUNTIME=${runtime}`,
        '-e', 'LAMBDA_TASK_ROOT=/var/task', '-e', 'LAMBDA_RUNTIME_DIR=/var/runtime', '-e', 'HOME=/tmp',
        '-e', 'PYTHONUNBUFFERED=1', '-e', 'TZ=:UTC',
        '-v', `${taskDir}:/var/task:ro`,
      ];
      if (opts.cpus) args.push('--cpus', String(opts.cpus));
      // The runtime folder is always mounted over /var/runtime: the code under test, whatever the image holds.
      args.push('-v', `${process.env.STRATUS_TEST_RUNTIME_DIR ?? runtimeSourceDir(runtime)}:/var/runtime:ro`);
      if (image) {
        args.push(image);
      } else {
        if (runtime.startsWith('nodejs')) args.push('-v', `${nodeBinaryFor(runtime)}:/usr/local/bin/node:ro`);
        args.push('--workdir', '/var/task', '--entrypoint', '/var/runtime/bootstrap', 'stratus-probe');
      }
      const id = await docker(...args);
      const ip = await docker('inspect', id, '--format', `{{(index .NetworkSettings.Networks "${network}").IPAddress}}`);
      // The bootstrap may already be polling /specialize: the server holds it until this attach.
      const session = server.attach(ip);
      return {
        id, ip, session, taskDir,
        async writeCode(files) {
          for (const [name, spec] of Object.entries(files)) {
            const file = path.join(taskDir, name);
            await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o755 });
            const { content, mode } = typeof spec === 'string' ? { content: spec, mode: 0o644 } : spec;
            await fs.writeFile(file, content, { mode });
            await fs.chmod(file, mode);
          }
        },
        logs: async () => {
          const { stdout, stderr } = await execFile('docker', ['logs', id], { maxBuffer: 64 * 1024 * 1024 });
          return stdout + stderr;
        },
        wait: async () => Number(await docker('wait', id)),
        remove: async () => {
          session.detach();
          await docker('rm', '-f', id).catch(() => undefined);
        },
      };
    },
    async close() {
      // Only this run's containers: another run of the same test may be going on.
      const ids = (await docker('ps', '-aq', '--filter', `label=stratus.test.run=${network}`)).split('\n').filter(Boolean);
      if (ids.length) await docker('rm', '-f', ...ids).catch(() => undefined);
      await server.close();
      await docker('network', 'rm', network).catch(() => undefined);
      for (const d of tempDirs) await fs.rm(d, { recursive: true, force: true });
    },
  };
  return harness;
}

export function functionConfig(name: string, handler: string, extra: Partial<SpecializeConfig> = {}): SpecializeConfig {
  return {
    functionName: name, functionVersion: '1', handler, memoryMb: 128, timeoutSec: 30, env: {},
    logGroupName: `/stratus/${name}`, logStreamName: `2026/11/27/[1]${name}`, ...extra,
  };
}

export function arnOf(name: string, version = '1'): string {
  return `arn:aws:lambda:local:000000000000:function:${name}:${version}`;
}
