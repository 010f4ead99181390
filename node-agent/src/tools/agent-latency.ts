// Measures invoke latency at the agent's gRPC port (unary Invoke, one call at a time) with the real
// control plane (PGlite, no NATS) and engine: cold = the first invocation of a freshly deployed no-op
// function with the pool warm (pre-warmed container specialised, then answered); warm = sequential
// calls to it afterwards. Usage: npx tsx node-agent/src/tools/agent-latency.ts [docker,gvisor] [cold-count] [warm-count]
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import * as grpc from '@grpc/grpc-js';
import { call, createClient, createLogger, loadConfig, type StratusConfig } from '@stratus/common';
import { proto, type FunctionServiceClient, type InvocationServiceClient, type InvokeResponse } from '@stratus/proto';
import { startControlPlane } from '../../../control-plane/src/server';
import { startAgent } from '../server';

type Ctor<T> = new (...a: ConstructorParameters<typeof grpc.Client>) => T;
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

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stratus-latency-'));
const label = `stratus-latency-${randomUUID().slice(0, 6)}`;
const base = loadConfig({ host: '127.0.0.1', controlPort: 0, dataDir: path.join(tmp, 'control'), databaseUrl: undefined, containerLabel: label, backends, defaultBackend: backends[0], prewarmPerRuntime: 2, memoryBudgetMb: 8192, agentMetricsPort: 0, metricsEnabled: false } as Partial<StratusConfig>);
const control = await startControlPlane(base, { logger, nats: null, metrics: false });
base.controlAddress = `127.0.0.1:${control.port}`;
const agent = await startAgent({ ...base, agentId: `${label}-a`, agentPort: 0, agentAdvertiseAddress: '', functionNetwork: `${label}-net`, dataDir: path.join(tmp, 'agent') }, { logger, telemetry: null, buildImages: false, runtimes: ['python3.11', 'nodejs20.x'] });
const functions = createClient(proto.FunctionService as unknown as Ctor<FunctionServiceClient>, base.controlAddress);
const inv = createClient(proto.InvocationService as unknown as Ctor<InvocationServiceClient>, `127.0.0.1:${agent.port}`);
const invoke = (fn: string) => call<object, InvokeResponse>(inv, inv.Invoke, { function: fn, payload: Buffer.from('{}') });
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
  functions.close();
  inv.close();
  await agent.close();
  await control.close();
  try { execFileSync('docker', ['network', 'rm', `${label}-net`], { stdio: 'ignore' }); } catch { /* gone */ }
  fs.rmSync(tmp, { recursive: true, force: true });
}
