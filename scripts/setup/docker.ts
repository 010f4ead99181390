// The Docker engine: installed from Debian's docker.io when dockerd is missing, started in the
// background when `docker info` does not answer (the package's service scripts do not run on
// machines without systemd), and left running when Stratus stops: other things may use it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { aptInstall, commandExists, findCommand, runCommand } from '@stratus/node-agent/images/host-tools.ts';
import type { StepOutcome, StepReporter } from './report';

export async function dockerAnswers(): Promise<boolean> {
  if (!commandExists('docker')) return false;
  const res = await runCommand('docker', ['info', '--format', '{{.ServerVersion}}'], { check: false, timeoutMs: 20_000 }).catch(() => undefined);
  return !!res && res.code === 0 && res.stdout.trim() !== '';
}

export async function ensureDocker(r: StepReporter, logDir: string): Promise<StepOutcome> {
  let installed = '';
  if (!findCommand('dockerd') || !commandExists('docker')) {
    r.progress('dockerd not found: apt-get install docker.io (a minute or two)');
    await aptInstall(['docker.io'], (line) => /^(Setting up|Unpacking) /.test(line) && r.progress(line));
    installed = 'installed docker.io; ';
  }
  if (await dockerAnswers()) return { status: 'ok', detail: `${installed}engine ${await serverVersion()} running` };

  if (process.getuid?.() !== 0) throw new Error('the Docker engine is not running and starting it needs root: start dockerd, or run as root');
  fs.mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, 'dockerd.log');
  r.progress(`starting dockerd in the background (log: ${logFile})`);
  const out = fs.openSync(logFile, 'a');
  // Detached into its own session: the engine outlives this script (containers, images, other users).
  const child = spawn(findCommand('dockerd')!, [], { detached: true, stdio: ['ignore', out, out] });
  child.unref();
  fs.closeSync(out);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (await dockerAnswers()) return { status: 'ok', detail: `${installed}started dockerd ${await serverVersion()} (pid ${child.pid}, log ${logFile})` };
    if (child.exitCode !== null) break;
    await sleep(500);
  }
  const tail = fs.readFileSync(logFile, 'utf8').trim().split('\n').slice(-10).join('\n');
  throw new Error(`dockerd did not answer within 60 s; last lines of ${logFile}:\n${tail}`);
}

async function serverVersion(): Promise<string> {
  const res = await runCommand('docker', ['version', '--format', '{{.Server.Version}}'], { check: false });
  return res.stdout.trim() || '?';
}

/** The pid of the running dockerd (from its pid file, else /proc). */
export function dockerdPid(): number | undefined {
  try {
    const pid = Number(fs.readFileSync('/var/run/docker.pid', 'utf8').trim());
    if (pid > 0 && fs.existsSync(`/proc/${pid}`)) return pid;
  } catch {
    // no pid file
  }
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = fs.readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      if (comm === 'dockerd') return Number(entry);
    } catch {
      // gone
    }
  }
  return undefined;
}
