// Idle and busy memory of one warm container (from its cgroup), per function and backend.
import { setTimeout as sleep } from 'node:timers/promises';
import type { PlatformContext } from '../context.ts';
import type { Fixture } from '../fixtures.ts';
import { containerOf, invoke } from '../functions.ts';
import { cgroupDir, cpuCgroupDir, cpuStat, readBytes, usageBytes } from '../memory.ts';
import type { MemoryRow } from '../types.ts';

export async function containerMemory(ctx: PlatformContext, fixture: Fixture, backend: string, fnName: string, busySec = 2): Promise<MemoryRow> {
  const warm = await invoke(ctx.platform, fnName);
  if (!warm.ok) throw new Error(`invoking ${fnName} failed with ${warm.status}`);
  const id = await containerOf(ctx.platform, fnName);
  if (!id) throw new Error(`the agent reports no warm container of ${fnName}`);
  const dir = await cgroupDir(id);
  const cpuDir = cpuCgroupDir(dir);
  await sleep(1_000);
  const idle = usageBytes(dir);
  // Busy: sequential invocations (they all land on this one warm container), sampled every 20 ms.
  let busy = 0;
  let running = true;
  const sampler = (async () => {
    while (running) {
      busy = Math.max(busy, usageBytes(dir));
      await sleep(20);
    }
  })();
  const before = cpuStat(cpuDir);
  const until = Date.now() + busySec * 1000;
  let busyInvocations = 0;
  while (Date.now() < until) {
    await invoke(ctx.platform, fnName);
    busyInvocations++;
  }
  const after = cpuStat(cpuDir);
  running = false;
  await sampler;
  const quota = Number(readBytes(cpuDir, 'cpu.cfs_quota_us'));
  const period = Number(readBytes(cpuDir, 'cpu.cfs_period_us'));
  return {
    backend, fn: fixture.id, containerId: dir.split('/').pop()!.slice(0, 12), cgroupPath: dir,
    idleBytes: idle, busyBytes: busy, limitBytes: readBytes(dir, 'memory.limit_in_bytes'),
    cpuQuotaPct: quota > 0 ? Math.round((1000 * quota) / period) / 10 : -1,
    busyInvocations,
    throttledPeriods: after.nr_throttled - before.nr_throttled,
    periods: after.nr_periods - before.nr_periods,
    throttledMs: Math.round((after.throttled_time - before.throttled_time) / 1e5) / 10,
  };
}
