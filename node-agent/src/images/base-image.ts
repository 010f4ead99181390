// The base image: a Debian root file system made by debootstrap (no registry is needed), stripped of
// docs and package lists, imported into Docker. The root file system stays cached on disk so a
// removed image is re-imported in seconds instead of bootstrapped again.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { BASE_DEFINITION, IMAGE_FORMAT_VERSION } from './definitions';
import { aptInstall, ensureCommands, runCommand } from './host-tools';

export interface BuildReporter {
  progress(msg: string): void;
}

export function baseDefinitionHash(): string {
  return crypto.createHash('sha256').update(JSON.stringify({ v: IMAGE_FORMAT_VERSION, base: BASE_DEFINITION })).digest('hex').slice(0, 16);
}

export function baseImageRef(prefix: string): string {
  return `${prefix}/base:${baseDefinitionHash()}`;
}

/** Builds (or re-imports) the base image unless Docker already has it; returns its ref. */
export async function ensureBaseImage(opts: { prefix: string; cacheDir: string; present: { has(ref: string): boolean }; report: BuildReporter }): Promise<string> {
  const ref = baseImageRef(opts.prefix);
  if (opts.present.has(ref)) return ref;
  const rootfs = await ensureBaseRootfs(opts.cacheDir, opts.report);
  opts.report.progress(`importing ${rootfs} into Docker as ${ref}`);
  const started = Date.now();
  // tar streams the tree to docker import; numeric owners keep root/uid mapping exact.
  await runCommand('sh', ['-c', 'tar --numeric-owner -C "$1" -c . | docker import --message "stratus base (debootstrap)" - "$2"', 'sh', rootfs, ref], {
    timeoutMs: 10 * 60_000,
  });
  opts.report.progress(`imported ${ref} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return ref;
}

/** The cached, stripped root file system of the current base definition; debootstraps it when missing. */
export async function ensureBaseRootfs(cacheDir: string, report: BuildReporter): Promise<string> {
  const hash = baseDefinitionHash();
  const dir = path.join(cacheDir, `base-${hash}`);
  const rootfs = path.join(dir, 'rootfs');
  const marker = path.join(dir, 'complete');
  if (fs.existsSync(marker)) return rootfs;

  if (process.getuid?.() !== 0) {
    throw new Error(`building the base image runs debootstrap, which needs root: run the set-up once as root (the image ${hash} is then cached)`);
  }
  await ensureCommands({ debootstrap: 'debootstrap', tar: 'tar' }, (line) => report.progress(`apt: ${line}`));
  // Ubuntu's debootstrap needs Debian's archive key to verify a Debian suite.
  if (!fs.existsSync('/usr/share/keyrings/debian-archive-keyring.gpg')) await aptInstall(['debian-archive-keyring']);
  const work = path.join(cacheDir, `base-${hash}.tmp-${process.pid}`);
  removeRootfsTree(work);
  fs.mkdirSync(work, { recursive: true });
  const started = Date.now();
  const def = BASE_DEFINITION;
  report.progress(`debootstrap ${def.suite} (${def.variant}, with ${def.include.join(', ')}): about a minute on first run`);
  let lastStage = '';
  try {
    await runCommand(
      'debootstrap',
      [`--variant=${def.variant}`, `--include=${def.include.join(',')}`, def.suite, path.join(work, 'rootfs')],
      {
        timeoutMs: 20 * 60_000,
        onLine: (line) => {
          // debootstrap prints a line or two per package; report when its phase changes.
          const phase = /^I: (Retrieving|Validating)/.test(line)
            ? 'downloading packages'
            : /^I: Extracting/.test(line)
              ? 'extracting packages'
              : /^I: ((Installing|Unpacking|Configuring) (core|required|the base) .*|Base system .*)$/.exec(line)?.[1];
          if (phase && phase !== lastStage) {
            lastStage = phase;
            report.progress(`debootstrap: ${phase}`);
          }
        },
      },
    );
  } catch (err) {
    removeRootfsTree(work);
    throw err;
  }
  report.progress(`debootstrap done in ${((Date.now() - started) / 1000).toFixed(0)}s; stripping docs and package lists`);
  const root = path.join(work, 'rootfs');
  await runCommand('sh', ['-c', `cd "$1" && rm -rf ${def.strip.map((p) => `./${p}`).join(' ')}`, 'sh', root]);
  // Docs go, copyright notices stay.
  await runCommand('sh', ['-c', 'cd "$1/usr/share/doc" && find . -type f ! -name copyright -delete && find . -type d -empty -delete', 'sh', root], {
    check: false,
  });
  addUser(root);
  removeRootfsTree(dir);
  fs.renameSync(work, dir);
  fs.writeFileSync(marker, new Date().toISOString() + '\n');
  return rootfs;
}

/** The function user, so tools that look up the current uid find a name and a home. */
function addUser(root: string): void {
  const { name, uid, gid, home } = BASE_DEFINITION.user;
  const passwd = path.join(root, 'etc/passwd');
  const group = path.join(root, 'etc/group');
  if (!fs.readFileSync(passwd, 'utf8').includes(`:${uid}:`)) fs.appendFileSync(passwd, `${name}:x:${uid}:${gid}::${home}:/usr/sbin/nologin\n`);
  if (!fs.readFileSync(group, 'utf8').includes(`:${gid}:`)) fs.appendFileSync(group, `${name}:x:${gid}:\n`);
}

/**
 * Deletes a (partial) root file system. A debootstrap that was killed can leave /proc or /sys
 * mounted inside it: unmount those first so the delete never reaches the host's.
 */
export function removeRootfsTree(dir: string): void {
  if (!fs.existsSync(dir)) return;
  const real = fs.realpathSync(dir);
  const mounts = fs
    .readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[1]?.replace(/\\040/g, ' '))
    .filter((m): m is string => !!m && (m === real || m.startsWith(real + '/')))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) spawnSync('umount', ['-l', m]);
  const still = fs.readFileSync('/proc/mounts', 'utf8').includes(` ${real}/`);
  if (still) throw new Error(`${dir} still has file systems mounted inside; unmount them and delete it by hand`);
  fs.rmSync(dir, { recursive: true, force: true });
}
