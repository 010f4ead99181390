// Function code as zip archives: building one from a map of files, and reading or unpacking one
// safely. The control plane checks every archive before storing it (content-addressed by the
// sha256 of the stored zip); agents unpack by hash into their cache with the same checks.
//
// Rules (each broken rule is an INVALID_CODE error naming it):
// - no absolute paths, no `..` segments, no symlink that points outside the code folder;
// - at most LIMITS.codeFiles files and LIMITS.codeUnpackedBytes bytes unpacked. Bytes are counted
//   while inflating, so an archive whose headers lie (a zip bomb) is stopped at the limit;
// - the handler's file must be in the code (field `handler`).
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { StratusError } from './errors';
import { LIMITS, type Runtime } from './limits';

export interface CodeLimits {
  maxUnpackedBytes: number;
  maxFiles: number;
}

export const DEFAULT_CODE_LIMITS: CodeLimits = { maxUnpackedBytes: LIMITS.codeUnpackedBytes, maxFiles: LIMITS.codeFiles };

export type CodeEntryKind = 'file' | 'directory' | 'symlink';

export interface CodeEntry {
  path: string;          // normalised, relative, '/'-separated; directories without the trailing '/'
  kind: CodeEntryKind;
  mode: number;          // unix permission bits (0 when the archive has none)
  size: number;          // bytes unpacked (files), target length (symlinks)
  linkTarget?: string;
}

export interface CodeSummary {
  sha256: string;        // of the zip bytes as stored
  size: number;          // bytes of the zip
  files: number;         // files and symlinks
  unpackedBytes: number;
  paths: string[];       // files and symlinks
}

/** A file's bytes when read from an archive (readZipFiles). */
export interface CodeFileData extends CodeEntry {
  data: Buffer;
}

const invalidCode = (message: string, field = 'zip') => new StratusError('INVALID_CODE', message, { field });

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

// A fixed timestamp makes archives built from the same files byte-identical (same sha256).
const FIXED_MTIME = new Date(2020, 0, 1);

/**
 * Builds a zip from path -> content. Paths are checked with the same rules as archives. A file
 * named `bootstrap` or starting with `#!` is made executable (the `provided` runtime needs it).
 */
export async function buildZip(files: Record<string, string | Buffer>): Promise<Buffer> {
  const names = Object.keys(files).map((p) => ({ original: p, normalised: normaliseEntryPath(p, false) }));
  if (names.length > LIMITS.codeFiles) throw invalidCode(`more than ${LIMITS.codeFiles} files`, 'files');
  names.sort((a, b) => (a.normalised < b.normalised ? -1 : a.normalised > b.normalised ? 1 : 0));
  const zip = new yazl.ZipFile();
  let total = 0;
  for (const { original, normalised } of names) {
    const content = files[original];
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
    total += data.length;
    if (total > LIMITS.codeUnpackedBytes) throw invalidCode(`code is more than ${LIMITS.codeUnpackedBytes / 1024 / 1024} MB unpacked`, 'files');
    const executable = path.posix.basename(normalised) === 'bootstrap' || data.subarray(0, 2).toString() === '#!';
    zip.addBuffer(data, normalised, { mtime: FIXED_MTIME, mode: executable ? 0o100755 : 0o100644, compress: true });
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Checks a path from an archive or a files map; returns it normalised. Throws INVALID_CODE naming the rule. */
function normaliseEntryPath(raw: string, allowDirectory: boolean, field = 'files'): string {
  const p = raw.replace(/\\/g, '/');
  if (p.includes('\0')) throw invalidCode(`path ${JSON.stringify(raw)} contains a NUL character`, field);
  if (p.startsWith('/') || /^[A-Za-z]:/.test(p)) throw invalidCode(`absolute path not allowed: ${JSON.stringify(raw)}`, field);
  const segments = p.split('/');
  if (segments.includes('..')) throw invalidCode(`path leaves the code folder ('..'): ${JSON.stringify(raw)}`, field);
  const clean = segments.filter((s) => s !== '' && s !== '.').join('/');
  if (clean === '' && !allowDirectory) throw invalidCode(`empty file path: ${JSON.stringify(raw)}`, field);
  return clean;
}

/** True when a symlink at `linkPath` pointing at `target` stays inside the code folder (lexically). */
function linkStaysInside(linkPath: string, target: string): boolean {
  if (target === '' || target.startsWith('/') || /^[A-Za-z]:/.test(target) || target.includes('\0')) return false;
  const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(linkPath), target.replace(/\\/g, '/')));
  return resolved !== '..' && !resolved.startsWith('../');
}

// ---- reading archives ---------------------------------------------------------------------------

function openZip(zip: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true, decodeStrings: false, validateEntrySizes: false, autoClose: false }, (err, zf) => {
      if (err || !zf) reject(invalidCode(`not a valid zip archive: ${err?.message ?? 'unreadable'}`));
      else resolve(zf);
    });
  });
}

function nextEntry(zf: yauzl.ZipFile): Promise<yauzl.Entry | null> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      zf.off('entry', onEntry);
      zf.off('end', onEnd);
      zf.off('error', onError);
    };
    const onEntry = (e: yauzl.Entry) => (cleanup(), resolve(e));
    const onEnd = () => (cleanup(), resolve(null));
    const onError = (err: Error) => (cleanup(), reject(invalidCode(`not a valid zip archive: ${err.message}`)));
    zf.on('entry', onEntry);
    zf.on('end', onEnd);
    zf.on('error', onError);
    zf.readEntry();
  });
}

function openEntry(zf: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) => {
    zf.openReadStream(entry, (err, stream) => {
      if (err || !stream) reject(invalidCode(`cannot read ${describeName(entry)}: ${err?.message ?? 'unreadable'}`));
      else resolve(stream);
    });
  });
}

function describeName(entry: yauzl.Entry): string {
  const raw = entry.fileName as unknown;
  return JSON.stringify(Buffer.isBuffer(raw) ? raw.toString('utf8') : String(raw));
}

interface WalkVisitor {
  /** Receives each file's content as it inflates; return a writable sink or undefined to discard. */
  file?(entry: CodeEntry, content: Readable): Promise<void>;
  symlink?(entry: CodeEntry): Promise<void>;
  directory?(entry: CodeEntry): Promise<void>;
}

/**
 * Reads every entry of an archive, enforcing the rules; the visitor sees each entry. A file's
 * stream counts real inflated bytes against the limit and is destroyed as soon as it passes it.
 */
async function walkZip(zip: Buffer, limits: CodeLimits, visitor: WalkVisitor): Promise<{ files: number; unpackedBytes: number; paths: string[] }> {
  await precheckHeaders(zip, limits);
  const zf = await openZip(zip);
  const mb = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MB`;
  const tooBig = () => invalidCode(`code is more than ${mb(limits.maxUnpackedBytes)} unpacked (counted while inflating)`);
  let files = 0;
  let unpackedBytes = 0;
  const paths: string[] = [];
  try {
    // precheckHeaders looked at the headers; the real byte count below catches headers that lie.
    for (;;) {
      const entry = await nextEntry(zf);
      if (!entry) break;
      const rawName = Buffer.isBuffer(entry.fileName as unknown) ? (entry.fileName as unknown as Buffer).toString('utf8') : String(entry.fileName);
      const isDir = rawName.endsWith('/') || rawName.endsWith('\\');
      const p = normaliseEntryPath(rawName, isDir, 'zip');
      const mode = (entry.externalFileAttributes >>> 16) & 0xffff;
      const type = mode & 0o170000;
      if (isDir || type === 0o040000) {
        if (p !== '') await visitor.directory?.({ path: p, kind: 'directory', mode: mode & 0o7777, size: 0 });
        continue;
      }
      if (entry.isEncrypted()) throw invalidCode(`encrypted entries are not supported: ${JSON.stringify(p)}`);
      files += 1;
      if (files > limits.maxFiles) throw invalidCode(`more than ${limits.maxFiles} files`);
      if (unpackedBytes + entry.uncompressedSize > limits.maxUnpackedBytes) throw tooBig();
      const stream = await openEntry(zf, entry);
      if (type === 0o120000) {
        const target = (await readCapped(stream, 4096, () => invalidCode(`symlink target too long: ${JSON.stringify(p)}`))).toString('utf8');
        if (!linkStaysInside(p, target)) throw invalidCode(`symlink ${JSON.stringify(p)} points outside the code folder (${JSON.stringify(target)})`);
        unpackedBytes += target.length;
        paths.push(p);
        await visitor.symlink?.({ path: p, kind: 'symlink', mode: 0o777, size: target.length, linkTarget: target });
        continue;
      }
      let size = 0;
      const counted = new Transform({
        transform(chunk: Buffer, _enc, done) {
          size += chunk.length;
          unpackedBytes += chunk.length;
          if (unpackedBytes > limits.maxUnpackedBytes) {
            stream.destroy();
            done(tooBig());
          } else done(null, chunk);
        },
      });
      stream.on('error', (err) => counted.destroy(err));
      stream.pipe(counted);
      const codeEntry: CodeEntry = { path: p, kind: 'file', mode: mode & 0o7777, size: entry.uncompressedSize };
      if (visitor.file) await visitor.file(codeEntry, counted);
      else await drain(counted);
      codeEntry.size = size;
      paths.push(p);
    }
    return { files, unpackedBytes, paths };
  } catch (err) {
    if (err instanceof StratusError) throw err;
    throw invalidCode(`not a valid zip archive: ${(err as Error).message}`);
  } finally {
    zf.close();
  }
}

/** A fast first pass over the central directory only: counts and declared sizes, nothing inflated. */
async function precheckHeaders(zip: Buffer, limits: CodeLimits): Promise<void> {
  const zf = await openZip(zip);
  try {
    let files = 0;
    let declared = 0;
    for (;;) {
      const entry = await nextEntry(zf);
      if (!entry) return;
      const name = Buffer.isBuffer(entry.fileName as unknown) ? (entry.fileName as unknown as Buffer).toString('utf8') : String(entry.fileName);
      if (name.endsWith('/') || name.endsWith('\\')) continue;
      files += 1;
      declared += entry.uncompressedSize;
      if (files > limits.maxFiles) throw invalidCode(`more than ${limits.maxFiles} files`);
      if (declared > limits.maxUnpackedBytes) throw invalidCode(`code is more than ${Math.round((limits.maxUnpackedBytes / 1024 / 1024) * 10) / 10} MB unpacked`);
    }
  } finally {
    zf.close();
  }
}

function drain(stream: Readable): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.on('error', reject);
    stream.on('end', resolve);
    stream.resume();
  });
}

async function readCapped(stream: Readable, max: number, tooLong: () => Error): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    n += chunk.length;
    if (n > max) {
      stream.destroy();
      throw tooLong();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Checks every rule of an archive without writing anything; returns what the control plane stores. */
export async function inspectZip(zip: Buffer, limits: CodeLimits = DEFAULT_CODE_LIMITS): Promise<CodeSummary> {
  const { files, unpackedBytes, paths } = await walkZip(zip, limits, {});
  return { sha256: sha256(zip), size: zip.length, files, unpackedBytes, paths };
}

/** Reads every file of an archive into memory (for showing code; the rules still apply). */
export async function readZipFiles(zip: Buffer, limits: CodeLimits = DEFAULT_CODE_LIMITS): Promise<CodeFileData[]> {
  const out: CodeFileData[] = [];
  await walkZip(zip, limits, {
    async file(entry, content) {
      const chunks: Buffer[] = [];
      for await (const chunk of content as AsyncIterable<Buffer>) chunks.push(chunk);
      const data = Buffer.concat(chunks);
      out.push({ ...entry, size: data.length, data });
    },
    async symlink(entry) {
      out.push({ ...entry, data: Buffer.from(entry.linkTarget ?? '') });
    },
  });
  return out;
}

/**
 * Unpacks an archive into `dir` (created if missing) with every rule enforced. Symlinks are created
 * last, so no file is ever written through a link, and each is checked again on disk. On error the
 * partly written folder is left for the caller to remove (agents unpack into a temp folder and rename).
 */
export async function unpackTo(zip: Buffer, dir: string, limits: CodeLimits = DEFAULT_CODE_LIMITS): Promise<{ files: number; unpackedBytes: number }> {
  await fs.mkdir(dir, { recursive: true });
  const root = await fs.realpath(dir);
  const inside = (p: string) => {
    const target = path.resolve(root, p);
    if (target !== root && !target.startsWith(root + path.sep)) throw invalidCode(`path leaves the code folder: ${JSON.stringify(p)}`);
    return target;
  };
  const links: CodeEntry[] = [];
  const result = await walkZip(zip, limits, {
    async directory(entry) {
      await fs.mkdir(inside(entry.path), { recursive: true });
    },
    async file(entry, content) {
      const target = inside(entry.path);
      await fs.mkdir(path.dirname(target), { recursive: true });
      const mode = entry.mode & 0o111 ? 0o755 : 0o644;
      await pipeline(content, createWriteStream(target, { mode, flags: 'wx' }));
    },
    async symlink(entry) {
      links.push(entry);
    },
  });
  for (const link of links) {
    const target = inside(link.path);
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.symlink(link.linkTarget ?? '', target);
    // A chain of links can escape even when each one looks inside on its own: check the real path.
    const real = await fs.realpath(target).catch(() => null);
    if (real !== null && real !== root && !real.startsWith(root + path.sep)) {
      await fs.unlink(target);
      throw invalidCode(`symlink ${JSON.stringify(link.path)} points outside the code folder`);
    }
  }
  return result;
}

// ---- handlers -----------------------------------------------------------------------------------

/** The files that can hold a handler, by runtime (any one of them must be in the code). */
export function handlerFileCandidates(runtime: Runtime, handler: string): string[] {
  if (runtime === 'provided') return ['bootstrap'];
  if (runtime.startsWith('python')) {
    const module = handler.slice(0, handler.lastIndexOf('.'));
    if (!module) return [];
    const asPath = module.replace(/\./g, '/');
    return [...new Set([`${module}.py`, `${asPath}.py`, `${asPath}/__init__.py`])];
  }
  // Node (Lambda's rule): the module is the handler up to the first '.' after the last '/'.
  const slash = handler.lastIndexOf('/');
  const dot = handler.indexOf('.', slash + 1);
  if (dot < 0) return [];
  const module = handler.slice(0, dot);
  return ['.js', '.mjs', '.cjs'].map((ext) => `${module}${ext}`);
}

/** Throws INVALID_CODE naming `handler` when none of the handler's candidate files is in the code. */
export function assertHandlerInCode(runtime: Runtime, handler: string, paths: Iterable<string>): void {
  const present = new Set(paths);
  const candidates = handlerFileCandidates(runtime, handler);
  if (candidates.some((c) => present.has(c))) return;
  const what = runtime === 'provided' ? 'an executable file named bootstrap at the root of the code' : candidates.join(' or ');
  throw new StratusError('INVALID_CODE', `handler: ${JSON.stringify(handler)} needs ${what}, not found in the code`, { field: 'handler' });
}

/**
 * The control plane's code pipeline: takes the request's `zip` or `files` (exactly one), builds or
 * checks the archive and checks the handler's file is in it.
 */
export async function prepareCode(input: { zip?: Buffer | null; files?: Record<string, string> | null }, runtime: Runtime, handler: string, limits: CodeLimits = DEFAULT_CODE_LIMITS): Promise<CodeSummary & { zip: Buffer }> {
  const hasZip = !!input.zip && input.zip.length > 0;
  const hasFiles = !!input.files && Object.keys(input.files).length > 0;
  if (hasZip && hasFiles) throw new StratusError('INVALID_ARGUMENT', 'zip: give the code as zip or as files, not both', { field: 'zip' });
  if (!hasZip && !hasFiles) throw new StratusError('INVALID_ARGUMENT', 'zip: code is required (zip or files)', { field: 'zip' });
  const zip = hasZip ? (input.zip as Buffer) : await buildZip(input.files as Record<string, string>);
  const summary = await inspectZip(zip, limits);
  if (summary.files === 0) throw invalidCode('the code archive holds no files');
  assertHandlerInCode(runtime, handler, summary.paths);
  return { ...summary, zip };
}
