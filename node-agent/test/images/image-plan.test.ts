import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { newestOfMajor } from '../../src/images/node-dist';
import { planRuntimeImage } from '../../src/images/runtime-image';

describe('runtime image content hashes', () => {
  let runtimesDir: string;
  before(() => {
    runtimesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratus-runtimes-'));
    fs.mkdirSync(path.join(runtimesDir, 'python3.11'));
    fs.writeFileSync(path.join(runtimesDir, 'python3.11', 'bootstrap'), '#!/usr/bin/python3\nprint(1)\n', { mode: 0o755 });
  });
  after(() => fs.rmSync(runtimesDir, { recursive: true, force: true }));

  const plan = (runtime: 'python3.11' | 'provided', nodeVersion?: string) =>
    planRuntimeImage({
      runtime,
      prefix: 'stratus',
      baseRef: 'stratus/base:abc',
      runtimesDir,
      node: nodeVersion ? { version: nodeVersion, binary: '/nonexistent' } : undefined,
    });

  it('gives the same tag when nothing changed', () => {
    assert.equal(plan('python3.11').ref, plan('python3.11').ref);
    assert.match(plan('python3.11').ref, /^stratus\/runtime-python3\.11:[0-9a-f]{16}$/);
  });

  it('gives a new tag when the bootstrap changes', () => {
    const beforeChange = plan('python3.11').hash;
    fs.writeFileSync(path.join(runtimesDir, 'python3.11', 'bootstrap'), '#!/usr/bin/python3\nprint(2)\n', { mode: 0o755 });

    assert.notEqual(plan('python3.11').hash, beforeChange);
  });

  it('gives a new tag when a file is added or the Node.js version changes', () => {
    const beforeAdd = plan('python3.11').hash;
    fs.writeFileSync(path.join(runtimesDir, 'python3.11', 'helper.py'), 'x = 1\n');

    assert.notEqual(plan('python3.11').hash, beforeAdd);
    assert.notEqual(plan('python3.11', '20.1.0').hash, plan('python3.11', '20.2.0').hash);
  });

  it('plans a placeholder bootstrap when the runtime folder does not exist', () => {
    assert.equal(plan('provided').files, 'placeholder');
  });
});

describe('picking a Node.js build', () => {
  it('takes the newest plain release of the major', () => {
    const versions = ['20.9.0', '20.10.0', '20.20.2', '21.0.0', '20.21.0-rc.1', '22.1.0', '18.20.0'];

    assert.equal(newestOfMajor(versions, 20), '20.20.2');
    assert.equal(newestOfMajor(versions, 22), '22.1.0');
    assert.equal(newestOfMajor(versions, 19), undefined);
  });
});
