// The machine a run measured: CPUs, memory, kernel, engine and runtime versions.
import os from 'node:os';
import fs from 'node:fs';
import { versions } from './docker.ts';

export async function describeMachine(): Promise<Record<string, string | number>> {
  const v = await versions();
  let cgroup = 'unknown';
  try { cgroup = fs.existsSync('/sys/fs/cgroup/cgroup.controllers') ? 'v2' : 'v1'; } catch { /* keep unknown */ }
  let osName = os.type();
  try { osName = /PRETTY_NAME="([^"]+)"/.exec(fs.readFileSync('/etc/os-release', 'utf8'))?.[1] ?? osName; } catch { /* keep type */ }
  return {
    hostname: os.hostname(),
    os: osName,
    kernel: os.release(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    nproc: os.cpus().length,
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    docker: v.docker,
    containerd: v.containerd,
    runc: v.runc,
    runsc: v.runsc,
    runscPlatform: v.runscPlatform,
    cgroup,
  };
}
