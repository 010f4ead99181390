// Host-only profile of the warm path (no container): RuntimeApiServer on 127.0.0.1 and a bootstrap
// process on this host. npx tsx node-agent/test/runtime-api/hostbench.mts <python3.11|nodejs20.x> <taskDir> [calls]
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createLogger, type Runtime } from '@stratus/common';
import { RuntimeApiServer, runtimeSourceDir } from '../../src/runtime-api/index.ts';

const runtime = process.argv[2] as Runtime;
const taskDir = process.argv[3];
const calls = Number(process.argv[4] ?? 2000);
const logger = createLogger('hostbench'); logger.level = 'warn';
const server = new RuntimeApiServer({ host: '127.0.0.1', logger });
const { port } = await server.listen();
const session = server.attach('127.0.0.1');
const dir = runtimeSourceDir(runtime);
const cmd = runtime === 'python3.11' ? ['python3', ['-u', path.join(dir, 'bootstrap.py')]] as const : [process.execPath, [path.join(dir, 'bootstrap.mjs')]] as const;
const child = spawn(cmd[0], [...cmd[1]], { env: { ...process.env, AWS_LAMBDA_RUNTIME_API: `127.0.0.1:${port}`, LAMBDA_TASK_ROOT: taskDir, STRATUS_RUNTIME: runtime }, stdio: ['ignore', 'ignore', 'ignore'] });
await session.waitUntilPrewarmed();
const { initMs } = await session.specialize({ functionName: 'noop', functionVersion: '1', handler: 'app.handler', memoryMb: 128, timeoutSec: 30, env: {}, logGroupName: 'g', logStreamName: 's' });
const payload = Buffer.from('{}');
const times: number[] = [];
for (let i = 0; i < calls; i++) {
  const t = performance.now();
  await session.invoke({ requestId: `r${i}`, payload, deadlineMs: Date.now() + 30000, invokedFunctionArn: 'arn' });
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
console.log(`${runtime} host: init ${initMs} ms, warm p50 ${times[calls >> 1].toFixed(3)} ms p99 ${times[Math.floor(calls * 0.99)].toFixed(3)} ms`);
child.kill();
await server.close();
