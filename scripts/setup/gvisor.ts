// gVisor: runsc from Debian, registered with the Docker engine as runtime `runsc`. The engine's
// /etc/docker/daemon.json is merged (other keys stay as they are), and dockerd reloads its
// configuration on SIGHUP only when the file changed. Failure here is reported, never fatal: the
// agent then reports the gvisor backend unavailable, with the reason.
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { aptInstall, findCommand, runCommand } from '@stratus/node-agent/images/host-tools.ts';
import { dockerdPid } from './docker';
import type { StepOutcome, StepReporter } from './report';

export const DAEMON_JSON = process.env.STRATUS_DOCKER_DAEMON_JSON || '/etc/docker/daemon.json';
// --host-uds=open: a sandbox may connect to a host Unix socket mounted into it (only the Runtime API
// socket of its own container is); the bootstraps fall back to TCP without it.
export const RUNSC_RUNTIME_ARGS = ['--network=host', '--host-uds=open'];

/**
 * daemon.json with the runsc runtime registered: every other key (and other runtimes) kept; an
 * existing runsc entry keeps its extra fields but gets our path and runtimeArgs. Returns the
 * merged object and whether anything changed.
 */
export function mergeDaemonConfig(existing: Record<string, unknown>, runscPath: string): { config: Record<string, unknown>; changed: boolean } {
  const runtimes = (existing.runtimes && typeof existing.runtimes === 'object' ? existing.runtimes : {}) as Record<string, Record<string, unknown>>;
  const current = runtimes.runsc ?? {};
  const wanted = { ...current, path: runscPath, runtimeArgs: RUNSC_RUNTIME_ARGS };
  // Spreading `current` first keeps its key order, so equal content stringifies equally.
  const changed = JSON.stringify(current) !== JSON.stringify(wanted);
  return { config: { ...existing, runtimes: { ...runtimes, runsc: wanted } }, changed };
}

export async function runscRegistered(): Promise<boolean> {
  const res = await runCommand('docker', ['info', '--format', '{{json .Runtimes}}'], { check: false });
  try {
    return res.code === 0 && 'runsc' in (JSON.parse(res.stdout) as Record<string, unknown>);
  } catch {
    return false;
  }
}

export async function ensureGvisor(r: StepReporter): Promise<StepOutcome & { available: boolean }> {
  try {
    let runsc = findCommand('runsc');
    let installed = '';
    if (!runsc) {
      r.progress('runsc not found: apt-get install runsc');
      await aptInstall(['runsc'], (line) => /^Setting up /.test(line) && r.progress(line));
      runsc = findCommand('runsc');
      if (!runsc) throw new Error('runsc is still missing after installing the runsc package');
      installed = 'installed runsc; ';
    }

    let existing: Record<string, unknown> = {};
    if (fs.existsSync(DAEMON_JSON)) {
      const text = fs.readFileSync(DAEMON_JSON, 'utf8');
      try {
        existing = text.trim() ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch (err) {
        throw new Error(`${DAEMON_JSON} is not valid JSON (${(err as Error).message}); fix it, then runsc can be registered`);
      }
    }
    const { config, changed } = mergeDaemonConfig(existing, runsc);
    let reloaded = '';
    if (changed) {
      fs.mkdirSync(path.dirname(DAEMON_JSON), { recursive: true });
      if (fs.existsSync(DAEMON_JSON)) fs.copyFileSync(DAEMON_JSON, `${DAEMON_JSON}.stratus-backup`);
      const tmp = `${DAEMON_JSON}.tmp-${process.pid}`;
      fs.writeFileSync(tmp, JSON.stringify(config, null, 2) + '\n');
      fs.renameSync(tmp, DAEMON_JSON);
      const pid = dockerdPid();
      if (!pid) throw new Error(`registered runsc in ${DAEMON_JSON} but found no dockerd to reload`);
      r.progress(`registered runsc in ${DAEMON_JSON} (backup at ${DAEMON_JSON}.stratus-backup); reloading dockerd (SIGHUP ${pid})`);
      process.kill(pid, 'SIGHUP');
      reloaded = 'registered in daemon.json and reloaded dockerd; ';
    }
    const deadline = Date.now() + 15_000;
    while (!(await runscRegistered())) {
      if (Date.now() > deadline) throw new Error(`docker info does not list runsc after ${changed ? 'the reload' : 'registration'}; see ${DAEMON_JSON}`);
      await sleep(300);
    }
    const version = (await runCommand(runsc, ['--version'], { check: false })).stdout.split('\n')[0]?.trim();
    return { status: 'ok', available: true, detail: `${installed}${reloaded}${version || 'runsc'} registered (runtimeArgs ${RUNSC_RUNTIME_ARGS.join(' ')})` };
  } catch (err) {
    return { status: 'warn', available: false, detail: `gVisor unavailable: ${(err as Error).message}` };
  }
}
