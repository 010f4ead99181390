// Measures cold and warm invocation latency end to end over HTTP for no-op Python and Node functions
// under each backend, next to `docker run --rm` of the same image in the same run.
//   node --import tsx test/harness/measure-latency.ts [--warm 200] [--cold 10]
// (The full benchmark is `npm run bench`; this is the quick check the integration work reports.)
import { parseArgs } from 'node:util';
import { dockerRunRm, fixtureFiles, FIXTURES, startPlatform, testBackends, type Platform } from './index';

const { values } = parseArgs({ options: { warm: { type: 'string', default: '200' }, cold: { type: 'string', default: '10' } } });
const WARM = Number(values.warm);
const COLD = Number(values.cold);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const fmt = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(2)} ms, p99 ${pct(xs, 99).toFixed(2)} ms (n=${xs.length})`;

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

/** Waits until the agent's pool has settled: a pre-warmed container of each runtime measured, nothing starting. */
async function poolSettled(platform: Platform, backend: string, runtime: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { nodes } = await platform.call<any>('nodes', 'ListNodes', {});
    const containers = nodes.flatMap((n: any) => n.containers);
    const ready = containers.some((c: any) => c.state === 'prewarmed' && c.runtime === runtime && c.backend === backend);
    const starting = containers.some((c: any) => c.state === 'starting' || c.state === 'specializing');
    if (ready && !starting) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function measure(platform: Platform, backend: string, fixture: 'py-noop' | 'node-noop'): Promise<string[]> {
  const lines: string[] = [];
  const cold: number[] = [];
  const coldFlags: boolean[] = [];
  for (let i = 0; i < COLD; i++) {
    const name = `${fixture}-cold-${i}`;
    await platform.call('functions', 'CreateFunction', { name, ...FIXTURES[fixture], files: fixtureFiles(fixture), backend });
    await poolSettled(platform, backend, FIXTURES[fixture].runtime); // measure the pool path, not a pool still filling
    let res: Awaited<ReturnType<Platform['invoke']>> | undefined;
    cold.push(await timed(async () => { res = await platform.invoke(name); }));
    coldFlags.push(res!.coldStart);
    if (res!.status !== 200) throw new Error(`${name}: ${res!.status} ${res!.text}`);
  }
  const name = `${fixture}-warm`;
  await platform.call('functions', 'CreateFunction', { name, ...FIXTURES[fixture], files: fixtureFiles(fixture), backend });
  for (let i = 0; i < 10; i++) await platform.invoke(name);
  const warm: number[] = [];
  let warmCount = 0;
  for (let i = 0; i < WARM; i++) {
    let res: Awaited<ReturnType<Platform['invoke']>> | undefined;
    warm.push(await timed(async () => { res = await platform.invoke(name); }));
    if (!res!.coldStart) warmCount++;
  }
  const image = fixture === 'py-noop' ? 'stratus/runtime-python3.11:latest' : 'stratus/runtime-nodejs20.x:latest';
  const cmd = fixture === 'py-noop' ? ['--entrypoint', 'python3', image, '-c', 'pass'] : ['--entrypoint', '/var/lang/bin/node', image, '-e', '0'];
  const naive: number[] = [];
  for (let i = 0; i < 5; i++) {
    naive.push(await timed(() => dockerRunRm(cmd[2], cmd.slice(3), backend === 'gvisor' ? 'runsc' : undefined, cmd.slice(0, 2))));
  }
  lines.push(`${backend} ${fixture}: cold ${fmt(cold)} [cold-start header true on ${coldFlags.filter(Boolean).length}/${COLD}]`);
  lines.push(`${backend} ${fixture}: warm ${fmt(warm)} [warm on ${warmCount}/${WARM}]`);
  lines.push(`${backend} ${fixture}: docker run --rm ${fmt(naive)}`);
  return lines;
}

const out: string[] = [];
for (const backend of await testBackends()) {
  const platform = await startPlatform({ backends: [backend], config: { prewarmPerRuntime: 2 } });
  try {
    for (const f of ['py-noop', 'node-noop'] as const) {
      const lines = await measure(platform, backend, f);
      for (const l of lines) console.log(l);
      out.push(...lines);
    }
  } finally {
    await platform.stop();
  }
}
console.log(`\n${out.join('\n')}`);
