// Measures the Runtime API path with real containers (not a test; run by hand):
//   npx tsx node-agent/test/runtime-api/measure.mts [calls=100] [containers=20] [runtime] [runc|runsc]
// init  = specialize answer -> first /next (the bootstrap imports the no-op handler), median over containers;
// warm  = session.invoke() -> outcome for a no-op, median/p99 over `calls` sequential calls in one container;
// floor = one keep-alive HTTP round trip container -> plain Node server on the same gateway, same load.
// MEASURE_CPUS=0.072 runs the containers with that CPU limit (what 128 MB gets, as on Lambda).
// MEASURE_LOGS=1 prints TRACE lines of an instrumented bootstrap (STRATUS_TEST_RUNTIME_DIR) per container.
import http from 'node:http';
import { startHarness, functionConfig, arnOf, runscAvailable, docker } from './containers.ts';
import type { Runtime } from '@stratus/common';

const calls = Number(process.argv[2] ?? 100);
const containers = Number(process.argv[3] ?? 20);
const onlyRuntime = process.argv[4];
const onlyOci = process.argv[5];
const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };
const code: Record<string, Record<string, string>> = {
  'python3.11': { 'app.py': 'def handler(event, context):\n    return None\n' },
  'nodejs20.x': { 'app.js': 'exports.handler = async () => null;\n' },
  'nodejs22.x': { 'app.js': 'exports.handler = async () => null;\n' },
};
const h = await startHarness('runtime-api-measure');
const rows: string[] = [];
try {
  const ocis: Array<'runc' | 'runsc'> = (await runscAvailable()) ? ['runc', 'runsc'] : ['runc'];
  // The floor under the same load: one keep-alive HTTP round trip from a container (Python
  // http.client) to a plain Node server on the same gateway address, timed inside the container.
  const floorServer = http.createServer((req, res) => { req.resume(); res.end('{}'); });
  const gateway = h.api.split(':')[0];
  await new Promise<void>((r) => floorServer.listen(0, gateway, () => r()));
  const floorPort = (floorServer.address() as { port: number }).port;
  const floorScript = `import http.client, time\nc = http.client.HTTPConnection("${gateway}", ${floorPort})\nts = []\nfor i in range(${calls + 20}):\n    t = time.perf_counter(); c.request("POST", "/", b"{}"); c.getresponse().read(); ts.append(time.perf_counter() - t)\nts = sorted(ts[20:])\nprint("%.3f %.3f" % (ts[len(ts)//2]*1000, ts[int(len(ts)*0.99)]*1000))`;
  for (const oci of ocis) {
    if (onlyOci && onlyOci !== oci) continue;
    const out = await docker('run', '--rm', '--label', `stratus.test=${h.label}`, '--label', `stratus.test.run=${h.network}`, '--runtime', oci, '--network', h.network, '--user', '1000:1000',
      '--entrypoint', 'python3', (await docker('image', 'inspect', 'stratus/runtime-python3.11:latest').then(() => true, () => false)) ? 'stratus/runtime-python3.11:latest' : 'stratus-probe', '-c', floorScript).catch((e) => `failed ${e}`);
    const [p50, p99] = out.split(' ');
    rows.push(`floor       ${oci.padEnd(5)} container->host HTTP round trip p50 ${p50} ms p99 ${p99} ms (n=${calls})`);
    console.log(rows.at(-1));
  }
  floorServer.close();
  for (const oci of ocis) {
    for (const rt of Object.keys(code) as Runtime[]) {
      if (!(await h.supports(rt)) || (onlyRuntime && onlyRuntime !== rt) || (onlyOci && onlyOci !== oci)) continue;
      const inits: number[] = [];
      let warm: number[] = [];
      for (let i = 0; i < containers; i++) {
        const c = await h.start(rt, { ociRuntime: oci, cpus: process.env.MEASURE_CPUS ? Number(process.env.MEASURE_CPUS) : undefined });
        await c.session.waitUntilPrewarmed();
        await c.writeCode(code[rt]);
        if (process.env.MEASURE_LOGS) console.log('TRACE specialize-epoch', (performance.timeOrigin + performance.now()).toFixed(2));
        inits.push((await c.session.specialize(functionConfig('noop', 'app.handler'))).initMs);
        if (process.env.MEASURE_LOGS) console.log('TRACE init-done-epoch', (performance.timeOrigin + performance.now()).toFixed(2), inits.at(-1));
        if (i === 0) {
          const payload = Buffer.from('{}');
          const gapMs = Number(process.env.MEASURE_GAP_MS ?? 0); // pause between calls: lets the next /next arrive first
          for (let j = 0; j < calls + 20; j++) {
            if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
            const t = performance.now();
            await c.session.invoke({ requestId: `m-${j}`, payload, deadlineMs: Date.now() + 30_000, invokedFunctionArn: arnOf('noop') });
            if (j >= 20) warm.push(performance.now() - t);
          }
        }
        if (process.env.MEASURE_LOGS) console.log((await c.logs()).split('\n').filter((l) => l.includes('TRACE')).join('\n'));
        await c.remove();
      }
      rows.push(`${rt.padEnd(11)} ${oci.padEnd(5)} init p50 ${pct(inits, 0.5).toFixed(2)} ms (n=${inits.length})  warm p50 ${pct(warm, 0.5).toFixed(3)} ms p99 ${pct(warm, 0.99).toFixed(3)} ms (n=${warm.length})`);
      console.log(rows.at(-1));
    }
  }
} finally {
  await h.close();
}
