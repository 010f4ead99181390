// One runtime image: the base plus the runtime's container-side code (node-agent/runtimes/<runtime>/,
// at /var/runtime) and, for Node runtimes, the official Node.js binary (at /var/lang/bin/node).
// Its tag is a hash of everything that goes in, so an unchanged definition is found, not rebuilt.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Runtime } from '@stratus/common';
import { IMAGE_FORMAT_VERSION, NODE_MAJOR, placeholderBootstrap, runtimeDockerfile } from './definitions';
import type { NodeBinary } from './node-dist';
import { runCommand } from './host-tools';

/** node-agent/runtimes/: one folder per runtime, owned by the Runtime API side of the agent. */
export const RUNTIMES_DIR = fileURLToPath(new URL('../../runtimes/', import.meta.url));

export function runtimeRepository(prefix: string, runtime: Runtime): string {
  return `${prefix}/runtime-${runtime}`;
}

interface RuntimeFile {
  rel: string;
  abs: string;
  executable: boolean;
  sha256: string;
}

/** The runtime folder's files, symlinks followed (so runtimes can share code by linking), sorted. */
export function listRuntimeFiles(runtimeDir: string): RuntimeFile[] {
  const files: RuntimeFile[] = [];
  const walk = (dir: string, rel: string) => {
    for (const name of fs.readdirSync(dir).sort()) {
      if (name.startsWith('.') || name === '__pycache__' || name === 'node_modules') continue;
      const abs = path.join(dir, name);
      const relPath = rel ? `${rel}/${name}` : name;
      const st = fs.statSync(abs);
      if (st.isDirectory()) walk(abs, relPath);
      else if (st.isFile()) {
        files.push({
          rel: relPath,
          abs,
          executable: (st.mode & 0o111) !== 0 || relPath === 'bootstrap',
          sha256: crypto.createHash('sha256').update(fs.readFileSync(abs)).digest('hex'),
        });
      }
    }
  };
  walk(runtimeDir, '');
  return files;
}

export interface RuntimeImagePlan {
  runtime: Runtime;
  repository: string;
  hash: string;
  ref: string;
  dockerfile: string;
  files: RuntimeFile[] | 'placeholder';
  node?: NodeBinary;
}

/** Works out what the image of `runtime` is made of and its content-hash tag (no Docker calls). */
export function planRuntimeImage(opts: { runtime: Runtime; prefix: string; baseRef: string; node?: NodeBinary; runtimesDir?: string }): RuntimeImagePlan {
  const runtimeDir = path.join(opts.runtimesDir ?? RUNTIMES_DIR, opts.runtime);
  const files = fs.existsSync(runtimeDir) ? listRuntimeFiles(runtimeDir) : 'placeholder';
  const dockerfile = runtimeDockerfile(opts.runtime, opts.baseRef, opts.node?.version);
  const hash = crypto
    .createHash('sha256')
    .update(
      JSON.stringify({
        v: IMAGE_FORMAT_VERSION,
        dockerfile,
        node: opts.node?.version ?? null,
        files: files === 'placeholder' ? placeholderBootstrap(opts.runtime) : files.map((f) => [f.rel, f.executable, f.sha256]),
      }),
    )
    .digest('hex')
    .slice(0, 16);
  const repository = runtimeRepository(opts.prefix, opts.runtime);
  return { runtime: opts.runtime, repository, hash, ref: `${repository}:${hash}`, dockerfile, files, node: opts.node };
}

/** Builds the planned image with `docker build`, tagging it with its hash and `latest`. */
export async function buildRuntimeImage(plan: RuntimeImagePlan, workDir: string, progress: (msg: string) => void): Promise<void> {
  const ctx = fs.mkdtempSync(path.join(workDir, `build-${plan.runtime}-`));
  try {
    const rootfs = path.join(ctx, 'rootfs');
    const runtimeDir = path.join(rootfs, 'var/runtime');
    fs.mkdirSync(runtimeDir, { recursive: true });
    fs.mkdirSync(path.join(rootfs, 'var/task'), { recursive: true });
    if (plan.files === 'placeholder') {
      progress(`${plan.runtime}: node-agent/runtimes/${plan.runtime}/ does not exist yet; using a placeholder bootstrap`);
      fs.writeFileSync(path.join(runtimeDir, 'bootstrap'), placeholderBootstrap(plan.runtime), { mode: 0o755 });
    } else {
      for (const f of plan.files) {
        const dest = path.join(runtimeDir, f.rel);
        fs.mkdirSync(path.dirname(dest), { recursive: true });
        fs.copyFileSync(f.abs, dest);
        fs.chmodSync(dest, f.executable ? 0o755 : 0o644);
      }
    }
    if (plan.node) {
      const bin = path.join(rootfs, 'var/lang/bin');
      fs.mkdirSync(bin, { recursive: true });
      try {
        fs.linkSync(plan.node.binary, path.join(bin, 'node'));
      } catch {
        fs.copyFileSync(plan.node.binary, path.join(bin, 'node'));
      }
    }
    for (const dir of walkDirs(rootfs)) fs.chmodSync(dir, 0o755);
    fs.writeFileSync(path.join(ctx, 'Dockerfile'), plan.dockerfile);
    await runCommand(
      'docker',
      [
        'build',
        '--force-rm',
        '-t',
        plan.ref,
        '-t',
        `${plan.repository}:latest`,
        ctx,
      ],
      // The legacy builder: it builds FROM local images without contacting any registry.
      { env: { ...process.env, DOCKER_BUILDKIT: '0' }, timeoutMs: 10 * 60_000 },
    );
  } finally {
    fs.rmSync(ctx, { recursive: true, force: true });
  }
}

function walkDirs(root: string): string[] {
  const out = [root];
  for (const entry of fs.readdirSync(root, { withFileTypes: true })) {
    if (entry.isDirectory()) out.push(...walkDirs(path.join(root, entry.name)));
  }
  return out;
}

/** Node runtimes need a Node.js binary of this major; the others none. */
export function nodeMajorOf(runtime: Runtime): number | undefined {
  return NODE_MAJOR[runtime];
}
