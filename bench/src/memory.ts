// Memory of a container from its cgroup (v1): /sys/fs/cgroup/memory/docker/<id>/. Under runsc the
// same cgroup holds the whole sandbox (runsc-sandbox = the Sentry, runsc-gofer and the stub
// processes), so the figure includes gVisor's own overhead.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { docker } from './docker.ts';

const CGROUP_MEMORY_ROOT = '/sys/fs/cgroup/memory/docker';

export async function cgroupDir(containerId: string): Promise<string> {
  let id = containerId;
  if (id.length < 64) id = (await docker(['inspect', '--format', '{{.Id}}', containerId])).trim();
  const dir = path.join(CGROUP_MEMORY_ROOT, id);
  if (!fs.existsSync(dir)) throw new Error(`no memory cgroup at ${dir} (is this cgroup v1 with the cgroupfs driver?)`);
  return dir;
}

export function readBytes(dir: string, file: string): number {
  return Number(fs.readFileSync(path.join(dir, file), 'utf8').trim());
}

/** The cpu controller's folder of the same container (cgroup v1 mounts each controller apart). */
export function cpuCgroupDir(memoryDir: string): string {
  return memoryDir.replace('/sys/fs/cgroup/memory/', '/sys/fs/cgroup/cpu/');
}

/** cpu.stat: nr_periods, nr_throttled, throttled_time (ns). */
export function cpuStat(cpuDir: string): { nr_periods: number; nr_throttled: number; throttled_time: number } {
  const out = { nr_periods: 0, nr_throttled: 0, throttled_time: 0 };
  for (const line of fs.readFileSync(path.join(cpuDir, 'cpu.stat'), 'utf8').split('\n')) {
    const [k, v] = line.split(' ');
    if (k in out) out[k as keyof typeof out] = Number(v);
  }
  return out;
}

export function usageBytes(dir: string): number {
  return readBytes(dir, 'memory.usage_in_bytes');
}

const TICK_MS = 1000 / Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());

/** A process's minor page faults and user/system CPU time (ms, all its threads), from /proc; undefined once it is gone. */
export function processStat(pid: number): { faults: number; userMs: number; systemMs: number } | undefined {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return { faults: Number(f[7]), userMs: Number(f[11]) * TICK_MS, systemMs: Number(f[12]) * TICK_MS };
  } catch {
    return undefined;
  }
}
