// The container-side runtime folders: complete, executable entrypoints, Node 20 and 22 in step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { RUNTIMES } from '@stratus/common';
import { runtimeSourceDir, logSentinel, splitLogSentinel } from '../src/runtime-api/index';

test('every runtime folder has an executable bootstrap', () => {
  for (const runtime of RUNTIMES) {
    const bootstrap = path.join(runtimeSourceDir(runtime), 'bootstrap');
    const mode = fs.statSync(bootstrap).mode;
    assert.ok(mode & 0o111, `${bootstrap} is not executable`);
    assert.match(fs.readFileSync(bootstrap, 'utf8'), /^#!\/bin\/sh\n/);
  }
});

test('the nodejs20.x and nodejs22.x runtimes carry the same files', () => {
  const a = runtimeSourceDir('nodejs20.x');
  const b = runtimeSourceDir('nodejs22.x');
  assert.deepEqual(fs.readdirSync(a).sort(), fs.readdirSync(b).sort());
  for (const f of fs.readdirSync(a)) {
    assert.equal(fs.readFileSync(path.join(a, f), 'utf8'), fs.readFileSync(path.join(b, f), 'utf8'), `${f} differs`);
  }
});

test('splits captured output at the sentinel of one request id', () => {
  const out = `hello\n${logSentinel('r-1')}next`;

  assert.deepEqual(splitLogSentinel(out, 'r-1'), { before: 'hello\n', after: 'next' });
  assert.equal(splitLogSentinel(out, 'r-2'), undefined);
});
