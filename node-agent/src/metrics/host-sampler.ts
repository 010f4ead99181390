// Host CPU and memory for the gauges: CPU as the busy share of all cores since the previous sample.
import fs from 'node:fs';
import os from 'node:os';
import { cpuBusyPercent, hostCpuTimes } from '@stratus/common';

export interface HostSample {
  hostCpuPercent: number;
  hostMemoryUsedMb: number;
  hostMemoryTotalMb: number;
}

/** Returns a sampler; each call reports CPU use since the previous call (the first since creation). */
export function createHostSampler(): () => HostSample {
  let prev = hostCpuTimes();
  return () => {
    const now = hostCpuTimes();
    const busy = cpuBusyPercent(prev, now) ?? 0;
    prev = now;
    return {
      hostCpuPercent: busy,
      hostMemoryUsedMb: Math.round((os.totalmem() - availableBytes()) / 1048576),
      hostMemoryTotalMb: Math.round(os.totalmem() / 1048576),
    };
  };
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
