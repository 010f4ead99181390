// How a fresh container's warm calls get cheaper with use: sequential calls at the agent's gRPC
// port to one newly deployed no-op function, in blocks of 500, with each block's container CPU per
// call (cgroup cpuacct), the page faults and user/system time of the container's main process, and
// the throttled CFS periods. A Node container's first thousands of calls cost several times its
// steady state (V8 compiling the bootstrap and Node's stream code as they get hot; docs/benchmarks.md).
//   npx tsx node-agent/src/tools/warm-curve.ts [docker|gvisor] [blocks=10] [memory,...=128] [fixture,...=noop-node,noop-py]
import { execFileSync } from 'node:child_process';
import { call, createLogger } from '@stratus/common';
import { startLocalPlatform } from './local-platform';
import { cpuStat, processStat } from '../../../bench/src/memory.ts';
import { FIXTURES, selectFixtures } from '../../../bench/src/fixtures.ts';
import { summarize } from '../../../bench/src/stats.ts';

const backend = process.argv[2] ?? 'docker';
const blocks = Number(process.argv[3] ?? 10);
const memories = (process.argv[4] ?? '128').split(',').map(Number);
// the benchmark's no-op functions (bench/src/fixtures.ts)
const fixtures = selectFixtures(FIXTURES.map((f) => f.runtime), (process.argv[5] ?? 'noop-node,noop-py').split(','));
const BLOCK = 500;
const logger = createLogger('warm-curve');
logger.level = 'warn';
const procStat = (pid: number) => {
  const st = processStat(pid);
  if (!st) throw new Error(`process ${pid} is gone`);
  return st;
};

const { agent, functions, invoke, close } = await startLocalPlatform('warm-curve', [backend], logger, 1);
try {
  for (const memoryMb of memories) {
    for (const { id, runtime, handler, files } of fixtures) {
      const name = `curve-${id}-${memoryMb}`;
      await call(functions, functions.CreateFunction, { name, runtime, handler, files, backend, memoryMb });
      await new Promise((r) => setTimeout(r, 300));
      await invoke(name); // the cold start
      const c = agent.pool.list().find((p) => p.fn?.name === name);
      if (!c) throw new Error(`no container for ${name}`);
      const pid = Number(execFileSync('docker', ['inspect', '-f', '{{.State.Pid}}', c.id]).toString().trim());
      const cgroup = `/sys/fs/cgroup/cpu/docker/${c.id}`;
      for (let b = 0; b < blocks; b++) {
        const [s0, t0, p0] = [await c.backend.stats(c.id), cpuStat(cgroup), procStat(pid)];
        const lat: number[] = [];
        for (let i = 0; i < BLOCK; i++) {
          const t = performance.now();
          await invoke(name);
          lat.push(performance.now() - t);
        }
        const [s1, t1, p1] = [await c.backend.stats(c.id), cpuStat(cgroup), procStat(pid)];
        const stats = summarize(lat);
        const cpuUs = ((s1?.cpuNs ?? 0) - (s0?.cpuNs ?? 0)) / 1e3 / BLOCK;
        console.log(`${backend} ${runtime} ${memoryMb} MB calls ${b * BLOCK + 1}-${(b + 1) * BLOCK}: container CPU ${cpuUs.toFixed(0)} µs/call `
          + `(main process: user ${(p1.userMs - p0.userMs).toFixed(0)} ms, system ${(p1.systemMs - p0.systemMs).toFixed(0)} ms, ${p1.faults - p0.faults} page faults) `
          + `| p50 ${stats.p50.toFixed(2)} p99 ${stats.p99.toFixed(2)} ms | throttled ${t1.nr_throttled - t0.nr_throttled}/${t1.nr_periods - t0.nr_periods} periods`);
      }
    }
  }
} finally {
  await close();
}
