// profile-summary.mjs on a hand-made profile: idle and writev are left out of the busy time, self
// time goes to the sampled frame, inclusive time to every Stratus frame above it (once per sample).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const script = path.join(import.meta.dirname, '../tools/profile-summary.mjs');
const frame = (functionName: string, url = '') => ({ functionName, url, scriptId: '0', lineNumber: 0, columnNumber: 0 });

test('splits busy time into self and inclusive shares', () => {
  const profile = {
    nodes: [
      { id: 1, callFrame: frame('(root)'), children: [2, 3, 6] },
      { id: 2, callFrame: frame('(idle)') },
      { id: 3, callFrame: frame('invoke', 'file:///x/node-agent/src/invoke/invoker.ts'), children: [4, 5] },
      { id: 4, callFrame: frame('read', 'file:///x/node-agent/src/backends/cgroup-counters.ts') },
      { id: 5, callFrame: frame('parse', 'file:///x/node_modules/y/index.js') },
      { id: 6, callFrame: frame('writev') },
    ],
    // 40 ms idle, 30 ms writev, busy 30 ms: invoke 5 self, read 15, parse 10
    samples: [2, 2, 6, 6, 3, 4, 4, 4, 5, 5],
    timeDeltas: [20_000, 20_000, 15_000, 15_000, 5_000, 5_000, 5_000, 5_000, 5_000, 5_000],
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'profile-summary-'));
  try {
    const file = path.join(dir, 'node-agent-1.cpuprofile');
    fs.writeFileSync(file, JSON.stringify(profile));
    const out = execFileSync(process.execPath, [script, file], { encoding: 'utf8' });
    assert.match(out, /100 ms sampled; idle 40 ms, writev 30 ms .*busy 30 ms/);
    const [self, inclusive] = out.split("Stratus's functions");
    assert.match(self, /50\.0%\s+read node-agent\/src\/backends\/cgroup-counters\.ts/);
    assert.match(self, /33\.3%\s+parse node_modules\/y\/index\.js/);
    assert.match(self, /16\.7%\s+invoke node-agent\/src\/invoke\/invoker\.ts/);
    assert.match(inclusive, /100\.0%\s+invoke node-agent\/src\/invoke\/invoker\.ts/);
    assert.match(inclusive, /50\.0%\s+read node-agent\/src\/backends\/cgroup-counters\.ts/);
    assert.doesNotMatch(inclusive, /parse/); // not Stratus's
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
