import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deploySettings, readCodeDir } from '../src/deploy-config';
import { runCli } from '../src/main';

function tempDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratus-cli-'));
  for (const [p, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    fs.writeFileSync(path.join(dir, p), content);
  }
  return dir;
}

test('takes settings from stratus.json and lets flags override them', () => {
  const dir = tempDir({ 'stratus.json': JSON.stringify({ name: 'from-file', runtime: 'python3.11', handler: 'app.handler', memory: 256, env: { A: '1' } }), 'app.py': '' });
  const s = deploySettings(dir, { memory: '512', env: ['B=2'] });
  assert.equal(s.name, 'from-file');
  assert.equal(s.runtime, 'python3.11');
  assert.equal(s.memoryMb, 512);
  assert.deepEqual(s.env, { A: '1', B: '2' });
  fs.rmSync(dir, { recursive: true });
});

test('names the function after its folder when nothing else does', () => {
  const dir = tempDir({ 'index.js': '' });
  assert.equal(deploySettings(dir, {}).name, path.basename(dir));
  fs.rmSync(dir, { recursive: true });
});

test('refuses a bad --memory and a bad --env naming them', () => {
  const dir = tempDir({ 'index.js': '' });
  assert.throws(() => deploySettings(dir, { memory: 'lots' }), /memory/);
  assert.throws(() => deploySettings(dir, { env: ['NOEQUALS'] }), /env/);
  fs.rmSync(dir, { recursive: true });
});

test('reads the code folder without stratus.json and .git', () => {
  const dir = tempDir({ 'stratus.json': '{}', 'app.py': 'x', 'lib/util.py': 'y', '.git/HEAD': 'z' });
  assert.deepEqual(Object.keys(readCodeDir(dir)).sort(), ['app.py', 'lib/util.py']);
  fs.rmSync(dir, { recursive: true });
});

test('exits 2 with usage for an unknown command or a missing argument', async () => {
  let err = '';
  const io = { stdout: () => undefined, stderr: (t: string) => { err += t; }, env: {} };
  assert.equal(await runCli(['frobnicate'], io), 2);
  assert.match(err, /unknown command/);
  assert.equal(await runCli(['invoke'], io), 2);
  assert.equal(await runCli(['invoke', 'x', '--data', '{bad'], io), 2);
});

test('exits 1 with a hint when the control plane is not there', async () => {
  let err = '';
  const io = { stdout: () => undefined, stderr: (t: string) => { err += t; }, env: {} };
  assert.equal(await runCli(['ls', '--control', '127.0.0.1:1'], io), 1);
  assert.match(err, /UNAVAILABLE/);
});
