// Measures the Runtime API path with real containers (not a test; run by hand):
//   npx tsx node-agent/test/runtime-api/measure.mts [calls=100] [containers=20]
// init  = specialize answer -> first /next (the bootstrap imports the no-op handler), median over containers;
// warm  = session.invoke() -> outcome for a no-op, median/p99 over `calls` sequential calls in one container.
import { startHarness, functionConfig, arnOf, runscAvailable } from './containers.ts';
import type { Runtime } from '@stratus/common';

const calls = Number(process.argv[2] ?? 100);
const containers = Number(process.argv[3] ?? 20);
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
  for (const oci of ocis) {
    for (const rt of Object.keys(code) as Runtime[]) {
      if (!(await h.supports(rt))) continue;
      const inits: number[] = [];
      let warm: number[] = [];
      for (let i = 0; i < containers; i++) {
        const c = await h.start(rt, { ociRuntime: oci });
        await c.session.waitUntilPrewarmed();
        await c.writeCode(code[rt]);
        inits.push((await c.session.specialize(functionConfig('noop', 'app.handler'))).initMs);
        if (i === 0) {
          const payload = Buffer.from('{}');
          for (let j = 0; j < calls + 20; j++) {
            const t = performance.now();
            await c.session.invoke({ requestId: `m-${j}`, payload, deadlineMs: Date.now() + 30_000, invokedFunctionArn: arnOf('noop') });
            if (j >= 20) warm.push(performance.now() - t);
          }
        }
        await c.remove();
      }
      rows.push(`${rt.padEnd(11)} ${oci.padEnd(5)} init p50 ${pct(inits, 0.5).toFixed(2)} ms (n=${inits.length})  warm p50 ${pct(warm, 0.5).toFixed(3)} ms p99 ${pct(warm, 0.99).toFixed(3)} ms (n=${warm.length})`);
      console.log(rows.at(-1));
    }
  }
} finally {
  await h.close();
}
