import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildZip, sha256 } from '@stratus/common/code-archive.ts';
import { CachedCodeStore } from '../src/invoke/code-store';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stratus-code-store-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('code store', () => {
  it('fetches an archive once by its hash, unpacks it, and links it into task folders', async () => {
    const zip = await buildZip({ 'app.py': 'x = 1\n', 'lib/util.py': 'y = 2\n' });
    const sha = sha256(zip);
    let fetches = 0;
    const store = new CachedCodeStore(tmp, async () => { fetches++; return zip; });

    await Promise.all([store.install(sha, path.join(tmp, 't1')), store.install(sha, path.join(tmp, 't2'))]);

    assert.equal(fetches, 1);
    for (const t of ['t1', 't2']) {
      assert.equal(fs.readFileSync(path.join(tmp, t, 'lib/util.py'), 'utf8'), 'y = 2\n');
      assert.equal(fs.existsSync(path.join(tmp, t, '.complete')), false);
    }
  });

  it('refuses an archive whose content does not match its hash', async () => {
    const zip = await buildZip({ 'a.py': '' });
    const store = new CachedCodeStore(path.join(tmp, 'other'), async () => Buffer.concat([zip, Buffer.from('x')]));
    await assert.rejects(store.ensure(sha256(zip)), /hash mismatch/);
  });
});
