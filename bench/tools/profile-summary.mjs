// Where a component's CPU went, from a .cpuprofile (cpu-profile.mjs): the busy time (idle and the
// native writev left out: see below), the functions with the most self time, and Stratus's own
// functions by inclusive time (everything they called).
//   node bench/tools/profile-summary.mjs /tmp/prof/node-agent-1234.cpuprofile [rows=25]
// V8 samples wall-clock time: a sample taken while the process was descheduled is charged to the
// frame it stopped in. A socket write that wakes its peer (a container, the agent) on a 2-core host
// is often where the writer is preempted, so `writev` collects the peer's run time, not the
// writer's CPU: it is shown apart and left out of the busy time. The next system call after it
// can collect some too (the agent's 0.5 µs cgroup reads showed 10% of its busy time): compare with
// the per-process CPU of cpu-split.sh before trusting a native frame's share.
import fs from 'node:fs';

const [file, rowsArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/tools/profile-summary.mjs FILE.cpuprofile [rows]');
  process.exit(2);
}
const rows = Number(rowsArg ?? 25);
const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const timeOf = new Map();
let total = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  timeOf.set(id, (timeOf.get(id) ?? 0) + dt);
  total += dt;
});

const short = (url) => url.replace(/.*\/node_modules\//, 'node_modules/').replace(/.*\/(common|control-plane|node-agent|http-gateway|proto)\/src\//, '$1/src/');
const name = (frame) => `${frame.functionName || '(anonymous)'} ${short(frame.url) || '(native)'}`;
const isOurs = (url) => /\/(common|control-plane|node-agent|http-gateway|proto)\/src\//.test(url);

let idle = 0;
let writev = 0;
const self = new Map();
const inclusive = new Map();
for (const [id, t] of timeOf) {
  const frame = nodes.get(id).callFrame;
  if (frame.functionName === '(idle)') { idle += t; continue; }
  if (frame.functionName === 'writev') { writev += t; continue; }
  self.set(name(frame), (self.get(name(frame)) ?? 0) + t);
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const f = nodes.get(cur).callFrame;
    if (!isOurs(f.url) || seen.has(name(f))) continue;
    seen.add(name(f));
    inclusive.set(name(f), (inclusive.get(name(f)) ?? 0) + t);
  }
}
const busy = total - idle - writev;
const ms = (us) => `${(us / 1000).toFixed(0)} ms`;
const table = (m) => [...m].sort((a, b) => b[1] - a[1]).slice(0, rows).map(([k, t]) => `${((100 * t) / busy).toFixed(1).padStart(5)}%  ${k}`).join('\n');
console.log(`${file}: ${ms(total)} sampled; idle ${ms(idle)}, writev ${ms(writev)} (peer's run time, left out), busy ${ms(busy)}`);
console.log(`\nself time, % of busy\n${table(self)}`);
console.log(`\nStratus's functions, inclusive, % of busy\n${table(inclusive)}`);
