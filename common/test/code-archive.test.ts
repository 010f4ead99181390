import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import yazl from 'yazl';
import { StratusError } from '../src/errors';
import { assertHandlerInCode, buildZip, inspectZip, prepareCode, readZipFiles, sha256, unpackTo } from '../src/code-archive';

/** Builds a zip with yazl (which refuses unsafe names itself: tests patch names afterwards). */
async function zipOf(entries: { name: string; data: Buffer | string; mode?: number }[], compress = true): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const e of entries) zip.addBuffer(Buffer.from(e.data), e.name, { mode: e.mode, mtime: new Date(2020, 0, 1), compress });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

/** Replaces a file name in every header (same length), to craft names yazl refuses to write. */
function renameInZip(zip: Buffer, from: string, to: string): Buffer {
  assert.equal(from.length, to.length);
  const out = Buffer.from(zip);
  let at = out.indexOf(from);
  let n = 0;
  while (at >= 0) {
    out.write(to, at);
    n++;
    at = out.indexOf(from, at + 1);
  }
  assert.ok(n >= 2, 'name patched in the local and central headers');
  return out;
}

/** Sets the uncompressed size every central directory header claims (a zip bomb lies there). */
function lieAboutSizes(zip: Buffer, claimed: number): Buffer {
  const out = Buffer.from(zip);
  for (let at = out.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])); at >= 0; at = out.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), at + 4)) {
    out.writeUInt32LE(claimed, at + 24);
  }
  return out;
}

async function rejectsCode(p: Promise<unknown>, pattern: RegExp, field = 'zip') {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof StratusError, `StratusError expected, got ${String(err)}`);
    assert.equal(err.code, 'INVALID_CODE');
    assert.equal(err.field, field);
    assert.match(err.message, pattern);
    return true;
  });
}

const tmpDirs: string[] = [];
async function tmpDir(): Promise<string> {
  const d = await fs.mkdtemp(path.join(os.tmpdir(), 'stratus-code-'));
  tmpDirs.push(d);
  return d;
}
after(async () => {
  for (const d of tmpDirs) await fs.rm(d, { recursive: true, force: true });
});

describe('code archives', () => {
  it('builds byte-identical zips from the same files, whatever the key order', async () => {
    const a = await buildZip({ 'app.py': 'def handler(e, c):\n  return 1\n', 'lib/util.py': 'X = 1\n' });
    const b = await buildZip({ 'lib/util.py': 'X = 1\n', 'app.py': 'def handler(e, c):\n  return 1\n' });
    assert.equal(sha256(a), sha256(b));
    const summary = await inspectZip(a);
    assert.equal(summary.files, 2);
    assert.deepEqual(summary.paths.sort(), ['app.py', 'lib/util.py']);
    assert.equal(summary.sha256, sha256(a));
  });

  it('unpacks files with their content and makes bootstrap executable', async () => {
    const zip = await buildZip({ bootstrap: '#!/bin/sh\necho hi\n', 'data/x.txt': 'x' });
    const dir = await tmpDir();
    const res = await unpackTo(zip, dir);
    assert.equal(res.files, 2);
    assert.equal(await fs.readFile(path.join(dir, 'data/x.txt'), 'utf8'), 'x');
    assert.ok(((await fs.stat(path.join(dir, 'bootstrap'))).mode & 0o111) !== 0);
  });

  it('rejects a path with ..', async () => {
    const zip = renameInZip(await zipOf([{ name: 'xx/evil.txt', data: 'pwn' }]), 'xx/evil.txt', '../evil.txt');
    await rejectsCode(inspectZip(zip), /\.\./);
    const dir = await tmpDir();
    await rejectsCode(unpackTo(zip, path.join(dir, 'code')), /\.\./);
    await assert.rejects(fs.stat(path.join(dir, 'evil.txt')));
  });

  it('rejects absolute paths', async () => {
    const zip = renameInZip(await zipOf([{ name: 'tmp/evil.txt', data: 'pwn' }]), 'tmp/evil.txt', '/tm/evil.txt');
    await rejectsCode(inspectZip(zip), /absolute path/);
  });

  it('rejects a symlink that leaves the code folder and keeps one that stays inside', async () => {
    const bad = await zipOf([{ name: 'link', data: '../../etc/passwd', mode: 0o120777 }]);
    await rejectsCode(inspectZip(bad), /symlink .*outside/);
    const absolute = await zipOf([{ name: 'link', data: '/etc/passwd', mode: 0o120777 }]);
    await rejectsCode(inspectZip(absolute), /symlink .*outside/);
    const good = await zipOf([{ name: 'real.txt', data: 'ok' }, { name: 'sub/link', data: '../real.txt', mode: 0o120777 }]);
    const dir = await tmpDir();
    await unpackTo(good, dir);
    assert.equal(await fs.readFile(path.join(dir, 'sub/link'), 'utf8'), 'ok');
  });

  it('stops a zip bomb whose headers lie while inflating, at the limit', async () => {
    const honest = await zipOf([{ name: 'zeros.bin', data: Buffer.alloc(5 * 1024 * 1024) }]);
    const limits = { maxUnpackedBytes: 1024 * 1024, maxFiles: 10 };
    await rejectsCode(inspectZip(honest, limits), /more than 1 MB unpacked/);
    const lying = lieAboutSizes(honest, 100);
    await rejectsCode(inspectZip(lying, limits), /more than 1 MB unpacked \(counted while inflating\)/);
    const dir = await tmpDir();
    await rejectsCode(unpackTo(lying, dir, limits), /more than 1 MB unpacked/);
  });

  it('rejects more than 250 MB unpacked with the default limits', async () => {
    const bomb = lieAboutSizes(await zipOf([{ name: 'zeros.bin', data: Buffer.alloc(251 * 1024 * 1024) }]), 1000);
    assert.ok(bomb.length < 1024 * 1024, 'the bomb is small');
    await rejectsCode(inspectZip(bomb), /more than 250 MB unpacked/);
  });

  it('rejects more than 10,000 files', async () => {
    const entries = Array.from({ length: 10_001 }, (_, i) => ({ name: `f/${i}.txt`, data: '' }));
    await rejectsCode(inspectZip(await zipOf(entries, false)), /more than 10000 files/);
  });

  it('rejects bytes that are not a zip', async () => {
    await rejectsCode(inspectZip(Buffer.from('definitely not a zip')), /not a valid zip/);
  });

  it('requires the handler file for each runtime, naming the handler field', async () => {
    assertHandlerInCode('python3.11', 'app.handler', ['app.py']);
    assertHandlerInCode('python3.11', 'pkg.mod.handler', ['pkg/mod.py']);
    assertHandlerInCode('nodejs20.x', 'index.handler', ['index.mjs']);
    assertHandlerInCode('nodejs20.x', 'src/index.handler', ['src/index.cjs']);
    assertHandlerInCode('provided', 'bootstrap', ['bootstrap']);
    const zip = await buildZip({ 'other.py': 'x' });
    await rejectsCode(prepareCode({ zip }, 'python3.11', 'app.handler'), /app\.py/, 'handler');
    await rejectsCode(prepareCode({ files: { 'index.txt': 'x' } }, 'nodejs20.x', 'index.handler'), /index\.js or index\.mjs or index\.cjs/, 'handler');
  });

  it('prepares code from files and refuses both or neither form', async () => {
    const code = await prepareCode({ files: { 'app.py': 'def handler(e, c): pass' } }, 'python3.11', 'app.handler');
    assert.equal(code.sha256, sha256(code.zip));
    await assert.rejects(prepareCode({ zip: code.zip, files: { a: 'b' } }, 'python3.11', 'app.handler'), { field: 'zip' });
    await assert.rejects(prepareCode({}, 'python3.11', 'app.handler'), { field: 'zip' });
    await rejectsCode(prepareCode({ files: { '../app.py': 'x' } }, 'python3.11', 'app.handler'), /\.\./, 'files');
  });

  it('reads files back into memory', async () => {
    const files = await readZipFiles(await buildZip({ 'a.txt': 'A', 'b/c.txt': 'C' }));
    assert.deepEqual(files.map((f) => [f.path, f.data.toString()]).sort(), [['a.txt', 'A'], ['b/c.txt', 'C']]);
  });
});
