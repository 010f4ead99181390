// Host CPU and memory for the gauges: CPU as the busy share of all cores since the previous sample.
import fs from 'node:fs';
import os from 'node:os';

export interface HostSample {
  hostCpuPercent: number;
  hostMemoryUsedMb: number;
  hostMemoryTotalMb: number;
}

/** Returns a sampler; each call reports CPU use since the previous call (the first since creation). */
export function createHostSampler(): () => HostSample {
  let prev = cpuTimes();
  return () => {
    const now = cpuTimes();
    const total = now.total - prev.total;
    const idle = now.idle - prev.idle;
    prev = now;
    return {
      hostCpuPercent: total > 0 ? Math.max(0, Math.min(100, (100 * (total - idle)) / total)) : 0,
      hostMemoryUsedMb: Math.round((os.totalmem() - availableBytes()) / 1048576),
      hostMemoryTotalMb: Math.round(os.totalmem() / 1048576),
    };
  };
}

function cpuTimes(): { idle: number; total: number } {
  let idle = 0;
  let total = 0;
  for (const c of os.cpus()) {
    idle += c.times.idle;
    total += c.times.user + c.times.nice + c.times.sys + c.times.idle + c.times.irq;
  }
  return { idle, total };
}

/** MemAvailable (page cache counts as free) where Linux reports it, else os.freemem(). */
function availableBytes(): number {
  try {
    const m = /MemAvailable:\s+(\d+) kB/.exec(fs.readFileSync('/proc/meminfo', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux
  }
  return os.freemem();
}
