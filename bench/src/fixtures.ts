// The functions the benchmark deploys, and the same work as a one-shot script for the
// `docker run --rm` baseline (the naive platform: one container per invocation).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Fixture {
  id: string;                        // short id used in names and tables
  label: string;                     // human description
  runtime: 'python3.11' | 'nodejs20.x';
  handler: string;
  files: Record<string, string>;
  noop: boolean;                     // the targets of issue 4 apply to the no-op functions
}

const PY_NOOP = `def handler(event, context):
    return {"ok": True}
`;

const NODE_NOOP = `exports.handler = async (event, context) => ({ ok: true });
`;

// About 5 ms of hashing on this machine's cores under runc (PBKDF2-SHA256, 16,000 rounds).
const PY_CPU = `import hashlib

def handler(event, context):
    digest = hashlib.pbkdf2_hmac("sha256", b"stratus", b"bench", 16000)
    return {"ok": True, "digest": digest.hex()[:16]}
`;

// Touches /tmp: 20 files of 4 KiB written, read back, stat'ed and removed (syscall-heavy: the
// part that gVisor's Sentry intercepts).
const NODE_TMP = `const fs = require('node:fs');
const block = Buffer.alloc(4096, 7);
exports.handler = async (event, context) => {
  let bytes = 0;
  for (let i = 0; i < 20; i++) {
    const file = '/tmp/bench-' + i;
    fs.writeFileSync(file, block);
    bytes += fs.readFileSync(file).length;
    fs.statSync(file);
    fs.unlinkSync(file);
  }
  return { ok: true, bytes };
};
`;

export const FIXTURES: Fixture[] = [
  { id: 'noop-py', label: 'no-op Python', runtime: 'python3.11', handler: 'handler.handler', files: { 'handler.py': PY_NOOP }, noop: true },
  { id: 'noop-node', label: 'no-op Node', runtime: 'nodejs20.x', handler: 'handler.handler', files: { 'handler.js': NODE_NOOP }, noop: true },
  { id: 'cpu-py', label: '5 ms hashing (Python)', runtime: 'python3.11', handler: 'handler.handler', files: { 'handler.py': PY_CPU }, noop: false },
  { id: 'tmp-node', label: '/tmp toucher (Node)', runtime: 'nodejs20.x', handler: 'handler.handler', files: { 'handler.js': NODE_TMP }, noop: false },
];

export function selectFixtures(runtimes: string[], ids: string[] | undefined): Fixture[] {
  if (ids) {
    for (const id of ids) {
      if (!FIXTURES.some((f) => f.id === id)) throw new Error(`--functions: unknown fixture ${JSON.stringify(id)} (known: ${FIXTURES.map((f) => f.id).join(', ')})`);
    }
  }
  return FIXTURES.filter((f) => runtimes.includes(f.runtime) && (!ids || ids.includes(f.id)));
}

/** Writes a fixture's code to a fresh temporary folder (for the docker run baseline's bind mount). */
export function writeFixture(fixture: Fixture, parent: string): string {
  const dir = fs.mkdtempSync(path.join(parent, `${fixture.id}-`));
  for (const [name, content] of Object.entries(fixture.files)) fs.writeFileSync(path.join(dir, name), content);
  fs.chmodSync(dir, 0o755);
  return dir;
}

export function tempRoot(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'stratus-bench-'));
}

/** The command that runs one invocation of the handler inside the runtime image, no platform. */
export function oneShotCommand(fixture: Fixture): { entrypoint: string; args: string[] } {
  if (fixture.runtime === 'python3.11') {
    return {
      entrypoint: 'python3',
      args: ['-c', "import sys, json; sys.path.insert(0, '/var/task'); import handler; print(json.dumps(handler.handler(json.loads(sys.argv[1]), None)))", '{}'],
    };
  }
  return {
    entrypoint: 'node',
    args: ['-e', "const h = require('/var/task/handler.js'); Promise.resolve(h.handler(JSON.parse(process.argv[1]), {})).then((r) => console.log(JSON.stringify(r)))", '{}'],
  };
}
