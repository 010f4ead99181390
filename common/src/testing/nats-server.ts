// Test helper: a private nats-server (JetStream, file store in a temp dir) on a free loopback port,
// which a test can stop and start again on the same port and store (to test outages).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface TestNatsServer {
  url: string;
  port: number;
  storeDir: string;
  /** The server's process id while it runs. */
  readonly pid: number | undefined;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and removes its store. */
  dispose(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return (await freePorts(1))[0];
}

/**
 * n distinct free ports for servers that will all bind later. Each listener stays open until all n
 * have a port: ports taken one after another and released at once can repeat (a bench run once got
 * the same port for its gateway and its agent, and the agent failed with EADDRINUSE).
 */
export async function freePorts(n: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const srv = net.createServer();
      servers.push(srv);
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(0, '127.0.0.1', () => resolve());
      });
    }
    return servers.map((srv) => (srv.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(servers.map((srv) => new Promise<void>((resolve) => (srv.listening ? srv.close(() => resolve()) : resolve()))));
  }
}

/**
 * opts.detached: in a session of its own, as `npm start` runs it (and as the machine's service runs):
 * with the kernel's autogroup scheduling its CPU is then not shared with the caller's session.
 */
export async function startTestNatsServer(bin = process.env.NATS_SERVER_BIN || 'nats-server', opts: { detached?: boolean; maxPayload?: number } = {}): Promise<TestNatsServer> {
  const port = await freePort();
  const storeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratus-nats-'));
  const args = ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir];
  if (opts.maxPayload) {
    // not a command-line flag: a configuration file
    const conf = path.join(storeDir, 'test.conf');
    fs.writeFileSync(conf, `max_payload: ${opts.maxPayload}\n`);
    args.push('-c', conf);
  }
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(bin, args, { stdio: 'ignore', detached: opts.detached });
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`nats-server exited with ${child.exitCode}`);
      const ok = await new Promise<boolean>((resolve) => {
        const s = net.connect(port, '127.0.0.1', () => {
          s.destroy();
          resolve(true);
        });
        s.on('error', () => resolve(false));
      });
      if (ok) return;
      if (Date.now() > deadline) throw new Error('nats-server did not start within 10 s');
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const stop = async () => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGTERM');
      setTimeout(() => c.kill('SIGKILL'), 5_000).unref();
    });
  };
  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir,
    get pid() {
      return child?.exitCode === null ? child.pid : undefined;
    },
    start,
    stop,
    async dispose() {
      await stop();
      fs.rmSync(storeDir, { recursive: true, force: true });
    },
  };
}
