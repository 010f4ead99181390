// Load for checking the dashboard stays responsive: creates 200 functions through the dashboard's API
// and publishes 1000 synthetic invocation events per second on NATS (the agents' subject and schema).
//   node dashboard/scripts/synthetic-load.mjs http://127.0.0.1:3000 nats://127.0.0.1:4222 [seconds=40]
import { connect, JSONCodec } from 'nats';
const [base, natsUrl, seconds = '40'] = process.argv.slice(2);
const names = Array.from({ length: 200 }, (_, i) => `load-fn-${String(i).padStart(3, '0')}`);
const mk = async (name) => {
  const r = await fetch(base + '/api/functions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, runtime: 'python3.11', handler: 'app.handler', files: { 'app.py': 'def handler(e, c):\n    return 1\n' } }) });
  if (r.status !== 201 && r.status !== 409) console.log(name, r.status, await r.text());
};
const t0 = Date.now();
for (let i = 0; i < names.length; i += 20) await Promise.all(names.slice(i, i + 20).map(mk));
console.log('functions created in', Date.now() - t0, 'ms');
const nc = await connect({ servers: natsUrl });
const jc = JSONCodec();
let n = 0;
const end = Date.now() + Number(seconds) * 1000;
while (Date.now() < end) {
  const tickStart = Date.now();
  for (let i = 0; i < 100; i++) {
    const fn = names[Math.floor(Math.random() * names.length)];
    const now = new Date().toISOString();
    const err = Math.random() < 0.02;
    nc.publish('stratus.v1.invocations.synthetic-agent', jc.encode({ schema: 1, id: crypto.randomUUID(), function: fn, version: 1, agentId: 'synthetic-agent', backend: Math.random() < 0.5 ? 'docker' : 'gvisor', runtime: 'python3.11', status: err ? 'function_error' : 'ok', errorType: err ? 'ValueError' : '', errorMessage: err ? 'boom' : '', coldStart: Math.random() < 0.01, startedAt: now, endedAt: now, queueMs: 0.1, startMs: 0, initMs: 0, durationMs: 2 + Math.random() * 20, billedMs: 20, overheadMs: 1, maxMemoryMb: 12, cpuMs: 1, requestBytes: 10, responseBytes: 10, memoryMb: 128, logs: `START RequestId: x\nprocessing ${n}\nEND\n`, logsTruncated: false }));
    n++;
  }
  await new Promise((r) => setTimeout(r, Math.max(0, 100 - (Date.now() - tickStart))));
}
await nc.drain();
console.log('published', n, 'events in', seconds, 's');
