// Function code on the agent: archives fetched from the control plane by sha256, unpacked once into
// <dataDir>/code/<sha>/ (content-addressed, so never invalidated), then linked into a container's
// /var/task folder at specialisation.
import { randomUUID } from 'node:crypto';
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
    await linkTree(dir, taskDir);
  }

  private async load(sha: string, dir: string): Promise<string> {
    if (await exists(path.join(dir, '.complete'))) {
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

async function exists(p: string): Promise<boolean> {
  return fs.access(p).then(() => true, () => false);
}
