// The host's CPU use, read as cumulative times of all cores: the agent's gauges and the control
// plane's ingest gate each keep a previous reading and report the busy share since.
import os from 'node:os';

export interface CpuTimes {
  idle: number;
  total: number;
}

/** Cumulative idle and total CPU time of all cores (ms). */
export function hostCpuTimes(): CpuTimes {
  let idle = 0;
  let total = 0;
  for (const c of os.cpus()) {
    idle += c.times.idle;
    total += c.times.user + c.times.nice + c.times.sys + c.times.idle + c.times.irq;
  }
  return { idle, total };
}

/** Percent of CPU busy between two readings (undefined when no time passed or a reading is missing). */
export function cpuBusyPercent(prev: CpuTimes | undefined, cur: CpuTimes | undefined): number | undefined {
  if (!prev || !cur || cur.total <= prev.total) return undefined;
  return Math.max(0, Math.min(100, (100 * (cur.total - prev.total - (cur.idle - prev.idle))) / (cur.total - prev.total)));
}
