// Measures invoke latency at the agent's gRPC port (unary Invoke, one call at a time) with the real
// control plane (PGlite, no NATS) and engine: cold = the first invocation of a freshly deployed no-op
// function with the pool warm (pre-warmed container specialised, then answered); warm = sequential
// calls to it afterwards. Usage: npx tsx node-agent/src/tools/agent-latency.ts [docker,gvisor] [cold-count] [warm-count]
import os from 'node:os';
import { call, createLogger } from '@stratus/common';
import { startLocalPlatform } from './local-platform';
const backends = (process.argv[2] ?? 'docker,gvisor').split(',');
const coldCount = Number(process.argv[3] ?? 15);
const warmCount = Number(process.argv[4] ?? 300);
const logger = createLogger('latency');
logger.level = process.env.LAT_LOG ?? 'warn';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const q = (a: number[], p: number) => { const s = [...a].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.floor(s.length * p))]; };
const CODE = {
  'python3.11': { handler: 'app.handler', files: (n: number) => ({ 'app.py': `# ${n}\ndef handler(event, context):\n    return None\n` }) },
  'nodejs20.x': { handler: 'index.handler', files: (n: number) => ({ 'index.js': `// ${n}\nexports.handler = async () => null;\n` }) },
} as const;

const { agent, functions, invoke, close } = await startLocalPlatform('latency', backends, logger, 2);
const stemCells = (runtime: string, backend: string) => agent.pool.list().filter((c) => c.state === 'prewarmed' && c.runtime === runtime && c.backend.name === backend).length;

let n = 0;
try {
  for (const backend of backends) {
    for (const runtime of ['python3.11', 'nodejs20.x'] as const) {
      const cold: number[] = [], parts: { start: number; init: number; dur: number }[] = [];
      let name = '';
      for (let i = 0; i < coldCount; i++) {
        name = `lat-${backend}-${runtime.replace('.', '')}-${n++}`;
        const end = Date.now() + 60_000;
        while (stemCells(runtime, backend) < 2 && Date.now() < end) await sleep(50);
        await call(functions, functions.CreateFunction, { name, runtime, handler: CODE[runtime].handler, files: CODE[runtime].files(n), backend });
        await sleep(200); // the Watch stream delivers the change (and the agent prefetches the code)
        const t0 = performance.now();
        const r = await invoke(name);
        cold.push(performance.now() - t0);
        if (r.status !== 'ok' || !r.coldStart) throw new Error(`cold call: ${r.status} ${r.errorMessage} cold=${r.coldStart}`);
        parts.push({ start: r.startMs, init: r.initMs, dur: r.durationMs });
      }
      const warm: number[] = [];
      for (let i = 0; i < 20; i++) await invoke(name);
      for (let i = 0; i < warmCount; i++) {
        const t0 = performance.now();
        await invoke(name);
        warm.push(performance.now() - t0);
      }
      const med = (k: 'start' | 'init' | 'dur') => q(parts.map((p) => p[k]), 0.5).toFixed(1);
      console.log(`${backend.padEnd(6)} ${runtime.padEnd(10)} cold p50 ${q(cold, 0.5).toFixed(1)} ms (specialise ${med('start')}, init ${med('init')}, handler ${med('dur')}) | warm p50 ${q(warm, 0.5).toFixed(2)} ms p99 ${q(warm, 0.99).toFixed(2)} ms (n=${coldCount}/${warmCount})`);
    }
  }
  console.log(`load average: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
} finally {
  await close();
}
