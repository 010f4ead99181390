// Where a warm invocation's time goes, at the agent's gRPC port: sequential calls to one no-op
// function per runtime and memory size, with the container's CPU time per call (cgroup cpuacct) and
// how often the kernel throttled it (cpu.stat). Usage:
//   npx tsx node-agent/src/tools/warm-profile.ts [docker|gvisor] [calls] [memory,...]
import { call, createLogger } from '@stratus/common';
import { startLocalPlatform } from './local-platform';
import type { PooledContainer } from '../pool/warm-pool';
import { cpuStat } from '../../../bench/src/memory.ts';
const backend = process.argv[2] ?? 'docker';
const calls = Number(process.argv[3] ?? 500);
const memories = (process.argv[4] ?? '128,1769').split(',').map(Number);
const logger = createLogger('profile');
logger.level = 'warn';
const q = (a: number[], p: number) => { const s = [...a].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.floor(s.length * p))]; };
const CODE = {
  'python3.11': { handler: 'app.handler', files: { 'app.py': 'def handler(event, context):\n    return None\n' } },
  'nodejs20.x': { handler: 'index.handler', files: { 'index.js': 'exports.handler = async () => null;\n' } },
} as const;
/** CPU time from the agent's own per-invocation counters, throttling from cpu.stat (the benchmark's reader). */
const readStat = async (c: PooledContainer) => {
  const stats = await c.backend.stats(c.id);
  const stat = cpuStat(`/sys/fs/cgroup/cpu/docker/${c.id}`);
  return { usage: stats?.cpuNs ?? 0, throttled: stat.nr_throttled, periods: stat.nr_periods };
};

const { agent, functions, invoke, close } = await startLocalPlatform('profile', [backend], logger, 1);
try {
  for (const memoryMb of memories) {
    for (const runtime of ['python3.11', 'nodejs20.x'] as const) {
      const name = `prof-${runtime.replace('.', '')}-${memoryMb}`;
      await call(functions, functions.CreateFunction, { name, runtime, handler: CODE[runtime].handler, files: CODE[runtime].files, backend, memoryMb });
      await new Promise((r) => setTimeout(r, 300));
      for (let i = 0; i < 30; i++) await invoke(name);
      const c = agent.pool.list().find((p) => p.fn?.name === name);
      if (!c) throw new Error(`no container for ${name}`);
      const before = await readStat(c);
      const lat: number[] = [], dur: number[] = [];
      const t = performance.now();
      for (let i = 0; i < calls; i++) {
        const t0 = performance.now();
        const r = await invoke(name);
        lat.push(performance.now() - t0);
        dur.push(r.durationMs);
      }
      const wall = performance.now() - t;
      const after = await readStat(c);
      const cpuUs = (after.usage - before.usage) / 1e3 / calls;
      console.log(`${backend} ${runtime.padEnd(10)} ${String(memoryMb).padStart(4)} MB  agent p50 ${q(lat, 0.5).toFixed(2)} p99 ${q(lat, 0.99).toFixed(2)} ms | handler p50 ${q(dur, 0.5).toFixed(2)} ms | container CPU ${cpuUs.toFixed(0)} µs/call | throttled ${after.throttled - before.throttled}/${after.periods - before.periods} periods | ${(calls / wall * 1000).toFixed(0)} calls/s`);
    }
  }
} finally {
  await close();
}
