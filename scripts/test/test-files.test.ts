import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { filterTestFiles, findTestFiles, parseTestArgs } from '../lib/test-files';

describe('finding test files', () => {
  let root: string;
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'stratus-test-files-'));
    for (const f of [
      'common/test/errors.test.ts',
      'node-agent/test/pool/warm-pool.test.ts',
      'node-agent/test/helpers.ts',
      'node-agent/node_modules/x/test/dep.test.ts',
      'test/integration/invoke.test.ts',
      'test/browser/dashboard.test.ts',
      'test/harness/harness.ts',
    ]) {
      fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
      fs.writeFileSync(path.join(root, f), '');
    }
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('finds unit, integration and browser tests in that order and nothing else', () => {
    const files = findTestFiles(root);

    assert.deepEqual(files, [
      { kind: 'unit', file: 'common/test/errors.test.ts' },
      { kind: 'unit', file: 'node-agent/test/pool/warm-pool.test.ts' },
      { kind: 'integration', file: 'test/integration/invoke.test.ts' },
      { kind: 'browser', file: 'test/browser/dashboard.test.ts' },
    ]);
  });

  it('selects files by folder or by a part of their path', () => {
    const files = findTestFiles(root);

    assert.deepEqual(filterTestFiles(files, [path.join(root, 'node-agent')], root).map((f) => f.file), ['node-agent/test/pool/warm-pool.test.ts']);
    assert.deepEqual(filterTestFiles(files, ['invoke'], root).map((f) => f.file), ['test/integration/invoke.test.ts']);
    assert.equal(filterTestFiles(files, [], root).length, 4);
  });

  it('parses kinds, filters and runner flags from the arguments', () => {
    const args = parseTestArgs(['--', '--integration', 'warm', '--test-name-pattern=cold', '--skip-setup']);

    assert.deepEqual(args.kinds, ['integration']);
    assert.deepEqual(args.filters, ['warm']);
    assert.deepEqual(args.nodeFlags, ['--test-name-pattern=cold']);
    assert.equal(args.skipSetup, true);
    assert.throws(() => parseTestArgs(['--nope']), /unknown option --nope/);
  });
});
