// Function code on the agent: archives fetched from the control plane by sha256, unpacked once into
// <dataDir>/code/<sha>/ (content-addressed, so never invalidated), then linked into a container's
// /var/task folder at specialisation.
import { randomUUID } from 'node:crypto';
import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { StratusError } from '@stratus/common';
import { sha256, unpackTo } from '@stratus/common/code-archive.ts';

export interface CodeStore {
  /** The unpacked code folder of an archive, fetching and unpacking it on first use. */
  ensure(codeSha256: string): Promise<string>;
  /** Fills a container's (empty) task folder with the code. */
  install(codeSha256: string, taskDir: string): Promise<void>;
}

export class CachedCodeStore implements CodeStore {
  private readonly inFlight = new Map<string, Promise<string>>();
  private readonly known = new Set<string>();
  private readonly manifests = new Map<string, Manifest>();

  constructor(private readonly dataDir: string, private readonly fetchArchive: (sha: string) => Promise<Buffer>) {}

  ensure(codeSha256: string): Promise<string> {
    if (!/^[0-9a-f]{64}$/.test(codeSha256)) return Promise.reject(new StratusError('INTERNAL', `bad code hash ${JSON.stringify(codeSha256)}`));
    const dir = path.join(this.dataDir, 'code', codeSha256);
    if (this.known.has(codeSha256)) return Promise.resolve(dir);
    let p = this.inFlight.get(codeSha256);
    if (!p) {
      p = this.load(codeSha256, dir).finally(() => this.inFlight.delete(codeSha256));
      this.inFlight.set(codeSha256, p);
    }
    return p;
  }

  async install(codeSha256: string, taskDir: string): Promise<void> {
    const dir = await this.ensure(codeSha256);
    let manifest = this.manifests.get(codeSha256);
    if (!manifest) {
      manifest = await readManifest(dir);
      this.manifests.set(codeSha256, manifest);
    }
    if (manifest.files.length + manifest.dirs.length > SYNC_INSTALL_MAX_ENTRIES) {
      await linkTree(dir, taskDir);
      return;
    }
    // On the cold path: a few link() calls done at once beat queueing behind libuv's thread pool,
    // which a busy agent shares with every other file operation.
    for (const d of manifest.dirs) fsSync.mkdirSync(path.join(taskDir, d), { recursive: true, mode: 0o755 });
    for (const f of manifest.files) {
      try {
        fsSync.linkSync(path.join(dir, f), path.join(taskDir, f));
      } catch {
        fsSync.copyFileSync(path.join(dir, f), path.join(taskDir, f));
      }
    }
    for (const [link, target] of manifest.links) fsSync.symlinkSync(target, path.join(taskDir, link));
  }

  private async load(sha: string, dir: string): Promise<string> {
    if (await exists(path.join(dir, '.complete'))) {
      this.manifests.set(sha, await readManifest(dir));
      this.known.add(sha);
      return dir;
    }
    const zip = await this.fetchArchive(sha);
    if (sha256(zip) !== sha) throw new StratusError('UNAVAILABLE', `code archive ${sha.slice(0, 12)} arrived corrupted (hash mismatch)`);
    const tmp = path.join(this.dataDir, 'code', `.tmp-${randomUUID()}`);
    try {
      await unpackTo(zip, tmp);
      await fs.writeFile(path.join(tmp, '.complete'), '');
      await fs.chmod(tmp, 0o755);
      await fs.rename(tmp, dir).catch(async (err) => {
        if (!(await exists(path.join(dir, '.complete')))) throw err; // else another agent won the race
      });
    } finally {
      await fs.rm(tmp, { recursive: true, force: true });
    }
    this.manifests.set(sha, await readManifest(dir));
    this.known.add(sha);
    return dir;
  }
}

/**
 * Mirrors a code folder with hard links (fast, no copying; the cache is never written after it is
 * complete and the container mounts it read-only), falling back to copies across file systems.
 */
export async function linkTree(from: string, to: string): Promise<void> {
  await fs.mkdir(to, { recursive: true, mode: 0o755 });
  const entries = await fs.readdir(from, { withFileTypes: true });
  await Promise.all(entries.map(async (e) => {
    if (e.name === '.complete') return;
    const src = path.join(from, e.name);
    const dst = path.join(to, e.name);
    if (e.isDirectory()) return linkTree(src, dst);
    if (e.isSymbolicLink()) return fs.symlink(await fs.readlink(src), dst);
    try {
      await fs.link(src, dst);
    } catch {
      await fs.copyFile(src, dst);
    }
  }));
}

interface Manifest { dirs: string[]; files: string[]; links: [string, string][] }
const SYNC_INSTALL_MAX_ENTRIES = 256;

/** The relative paths of an unpacked code folder (dirs parents first), read once per archive. */
async function readManifest(root: string, rel = '', out: Manifest = { dirs: [], files: [], links: [] }): Promise<Manifest> {
  const entries = await fs.readdir(path.join(root, rel), { withFileTypes: true });
  for (const e of entries) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (!rel && e.name === '.complete') continue;
    if (e.isDirectory()) {
      out.dirs.push(p);
      await readManifest(root, p, out);
    } else if (e.isSymbolicLink()) {
      out.links.push([p, await fs.readlink(path.join(root, p))]);
    } else {
      out.files.push(p);
    }
  }
  return out;
}

async function exists(p: string): Promise<boolean> {
  return fs.access(p).then(() => true, () => false);
}
