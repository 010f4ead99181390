// NATS with JetStream: NATS_URL when set; else a server already answering on 127.0.0.1:4222; else a
// local nats-server (installed from Debian when missing) that the calling script starts, owns and
// stops when it exits.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { aptInstall, findCommand } from '@stratus/node-agent/images/host-tools.ts';
import type { StepOutcome, StepReporter } from './report';

/** Where a local NATS is looked for or started (STRATUS_LOCAL_NATS_PORT moves it off 4222). */
export const LOCAL_NATS = { host: '127.0.0.1', port: Number(process.env.STRATUS_LOCAL_NATS_PORT || 4222) };

export interface NatsHandle {
  url: string;
  source: 'NATS_URL' | 'already running' | 'started';
  /** Stops the nats-server this script started (no-op otherwise). */
  stop(): Promise<void>;
}

/** True when a NATS server answers at host:port (it greets every connection with an INFO line). */
export function natsAnswers(host: string, port: number, timeoutMs = 1500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', (d) => done(d.toString('utf8').startsWith('INFO')));
  });
}

export async function ensureNats(r: StepReporter, dataDir: string): Promise<StepOutcome & { nats: NatsHandle }> {
  const noop = async () => {};
  if (process.env.NATS_URL) {
    return { status: 'ok', detail: `using NATS_URL ${process.env.NATS_URL}`, nats: { url: process.env.NATS_URL, source: 'NATS_URL', stop: noop } };
  }
  const url = `nats://${LOCAL_NATS.host}:${LOCAL_NATS.port}`;
  if (await natsAnswers(LOCAL_NATS.host, LOCAL_NATS.port)) {
    return { status: 'ok', detail: `using the NATS server already at ${url}`, nats: { url, source: 'already running', stop: noop } };
  }
  let bin = findCommand('nats-server');
  if (!bin) {
    r.progress('nats-server not found: apt-get install nats-server');
    await aptInstall(['nats-server'], (line) => /^Setting up /.test(line) && r.progress(line));
    bin = findCommand('nats-server');
    if (!bin) throw new Error('nats-server is still missing after installing the nats-server package');
  }
  const storeDir = path.join(dataDir, 'nats');
  fs.mkdirSync(storeDir, { recursive: true });
  const logFile = path.join(dataDir, 'nats-server.log');
  const out = fs.openSync(logFile, 'a');
  // Its own process group: Ctrl-C goes to the components first; NATS stops after them.
  const child: ChildProcess = spawn(bin, ['-a', LOCAL_NATS.host, '-p', String(LOCAL_NATS.port), '-js', '-sd', storeDir], {
    detached: true,
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (await natsAnswers(LOCAL_NATS.host, LOCAL_NATS.port)) {
      return { status: 'ok', detail: `started nats-server with JetStream at ${url} (pid ${child.pid}, store ${storeDir})`, nats: { url, source: 'started', stop } };
    }
    if (child.exitCode !== null) break;
    await sleep(200);
  }
  await stop();
  const tail = fs.readFileSync(logFile, 'utf8').trim().split('\n').slice(-8).join('\n');
  throw new Error(`nats-server did not answer at ${url}; last lines of ${logFile}:\n${tail}`);
}
