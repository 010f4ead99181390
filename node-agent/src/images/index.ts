// Preparing runtime images, kept apart from running them: the set-up scripts and the agent call
// ensureRuntimeImages() before any container starts; backends only ever see the returned refs.
import fs from 'node:fs';
import path from 'node:path';
import { RUNTIMES, type Logger, type Runtime } from '@stratus/common';
import { baseImageRef, ensureBaseImage } from './base-image';
import { imageCacheDir, withCacheLock } from './cache';
import { ensureNodeBinary, type NodeBinary } from './node-dist';
import { buildRuntimeImage, nodeMajorOf, planRuntimeImage, runtimeRepository, type RuntimeImagePlan } from './runtime-image';
import { runCommand } from './host-tools';

export { RUNTIMES_DIR } from './runtime-image';
export { imageCacheDir } from './cache';

export interface EnsureRuntimeImagesOptions {
  logger: Logger;
  runtimes?: Runtime[];
  /** Human-readable progress for long steps (debootstrap, downloads, builds). */
  onProgress?: (msg: string) => void;
  /** Image name prefix; default STRATUS_IMAGE_PREFIX or `stratus`. */
  prefix?: string;
}

export interface RuntimeImageInfo {
  runtime: Runtime;
  ref: string;
  /** True when this call built it; false when the content-hash tag was already there. */
  built: boolean;
  buildMs: number;
  sizeBytes: number;
  nodeVersion?: string;
}

const lastRefs = new Map<string, string>();

function defaultPrefix(): string {
  return process.env.STRATUS_IMAGE_PREFIX || 'stratus';
}

/**
 * The image ref of `runtime`: the content-hash tag ensureRuntimeImages() produced in this process,
 * else the `latest` tag the last build anywhere on this host left.
 */
export function runtimeImageName(runtime: Runtime, prefix = defaultPrefix()): string {
  return lastRefs.get(`${prefix}/${runtime}`) ?? `${runtimeRepository(prefix, runtime)}:latest`;
}

/** Runtime -> image ref; builds whatever is missing or changed. See ensureRuntimeImagesDetailed. */
export async function ensureRuntimeImages(opts: EnsureRuntimeImagesOptions): Promise<Record<Runtime, string>> {
  const infos = await ensureRuntimeImagesDetailed(opts);
  return Object.fromEntries(infos.map((i) => [i.runtime, i.ref])) as Record<Runtime, string>;
}

/**
 * Makes sure an image exists for each runtime whose tag matches the hash of its current definition
 * (base definition, Dockerfile, Node.js version, files of node-agent/runtimes/<runtime>/).
 * 1. Plan every image and list Docker's images: if all tags exist, return (no lock, no registry).
 * 2. Otherwise take the cache lock, and build the base rootfs/image and Node.js binaries as needed,
 *    then each missing runtime image; old content-hash tags are pruned (see pruneOldTags).
 */
export async function ensureRuntimeImagesDetailed(opts: EnsureRuntimeImagesOptions): Promise<RuntimeImageInfo[]> {
  const prefix = opts.prefix ?? defaultPrefix();
  const runtimes = opts.runtimes ?? [...RUNTIMES];
  const cacheDir = imageCacheDir();
  const progress = (msg: string) => {
    opts.logger.info({ images: true }, msg);
    opts.onProgress?.(msg);
  };

  const firstTry = await planAll(runtimes, prefix, cacheDir, progress, false);
  let present = await listImages(prefix);
  if (firstTry && firstTry.every((p) => present.has(p.ref))) return finish(firstTry, new Set(), new Map(), present);

  return withCacheLock(
    cacheDir,
    async () => {
      present = await listImages(prefix);
      const plans = (await planAll(runtimes, prefix, cacheDir, progress, true))!;
      const built = new Set<string>();
      const buildMs = new Map<string, number>();
      const missing = plans.filter((p) => !present.has(p.ref));
      if (missing.length > 0) await ensureBaseImage({ prefix, cacheDir, present, report: { progress } });
      for (const plan of missing) {
        const started = Date.now();
        progress(`building ${plan.ref}${plan.node ? ` (Node.js ${plan.node.version})` : ''}`);
        await buildRuntimeImage(plan, cacheDir, progress);
        buildMs.set(plan.runtime, Date.now() - started);
        built.add(plan.runtime);
        await pruneOldTags(plan.repository, plan.ref);
      }
      present = await listImages(prefix);
      return finish(plans, built, buildMs, present);
    },
    (pid) => progress(`waiting for process ${pid}, which is building images`),
  );

  async function finish(plans: RuntimeImagePlan[], built: Set<string>, buildMs: Map<string, number>, images: Map<string, ImageRow>) {
    const out: RuntimeImageInfo[] = [];
    for (const plan of plans) {
      const row = images.get(plan.ref);
      const latest = images.get(`${plan.repository}:latest`);
      // Another checkout may have moved `latest`; point it back at what this one runs.
      if (row && latest?.id !== row.id) await runCommand('docker', ['tag', plan.ref, `${plan.repository}:latest`]);
      lastRefs.set(`${prefix}/${plan.runtime}`, plan.ref);
      out.push({
        runtime: plan.runtime,
        ref: plan.ref,
        built: built.has(plan.runtime),
        buildMs: buildMs.get(plan.runtime) ?? 0,
        sizeBytes: row?.size ?? 0,
        nodeVersion: plan.node?.version,
      });
    }
    return out;
  }
}

/** Plans all images. With `fetch` false, returns undefined when a Node.js binary would need downloading. */
async function planAll(
  runtimes: Runtime[],
  prefix: string,
  cacheDir: string,
  progress: (msg: string) => void,
  fetch: boolean,
): Promise<RuntimeImagePlan[] | undefined> {
  const baseRef = baseImageRef(prefix);
  const plans: RuntimeImagePlan[] = [];
  for (const runtime of runtimes) {
    const major = nodeMajorOf(runtime);
    let node: NodeBinary | undefined;
    if (major !== undefined) {
      if (!fetch && !hasCachedNode(cacheDir, major)) return undefined;
      node = await ensureNodeBinary({ cacheDir, major, progress });
    }
    plans.push(planRuntimeImage({ runtime, prefix, baseRef, node }));
  }
  return plans;
}

function hasCachedNode(cacheDir: string, major: number): boolean {
  if (process.env.STRATUS_REFRESH_NODE === '1') return false;
  try {
    return fs.readdirSync(path.join(cacheDir, 'node')).some((n) => n.startsWith(`node-${major}.`) && !n.includes('.tmp-'));
  } catch {
    return false;
  }
}

interface ImageRow {
  id: string;
  size: number;
  created: string;
}

/** Docker's images under the prefix, by `repository:tag`. */
async function listImages(prefix: string): Promise<Map<string, ImageRow>> {
  const res = await runCommand('docker', ['image', 'ls', '--no-trunc', '--format', '{{.Repository}}:{{.Tag}}\t{{.ID}}\t{{.CreatedAt}}', `${prefix}/*`]);
  const rows = new Map<string, ImageRow>();
  for (const line of res.stdout.split('\n')) {
    const [ref, id, created] = line.split('\t');
    if (ref && id) rows.set(ref, { id, size: 0, created: created ?? '' });
  }
  if (rows.size > 0) {
    // `docker image ls` prints rounded sizes; inspect gives bytes.
    const ids = [...new Set([...rows.values()].map((r) => r.id))];
    const inspect = await runCommand('docker', ['image', 'inspect', '--format', '{{.Id}} {{.Size}}', ...ids], { check: false });
    const sizes = new Map(inspect.stdout.split('\n').filter(Boolean).map((l) => l.split(' ') as [string, string]));
    for (const row of rows.values()) row.size = Number(sizes.get(row.id) ?? 0);
  }
  return rows;
}

/**
 * Removes old content-hash tags of a repository: beyond the five newest and older than two hours,
 * so an agent of another checkout still running an earlier version keeps its image. Tags that
 * containers use are refused by Docker and stay.
 */
async function pruneOldTags(repository: string, keep: string): Promise<void> {
  const res = await runCommand('docker', ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}\t{{.CreatedAt}}', repository], { check: false });
  const cutoff = Date.now() - 2 * 3600_000;
  const tags = res.stdout
    .split('\n')
    .map((l) => l.split('\t') as [string, string])
    .filter(([t]) => t && !t.endsWith(':latest') && !t.endsWith(':<none>') && t !== keep);
  // `docker image ls` lists newest first; CreatedAt looks like "2026-11-27 04:46:10 +0000 UTC".
  for (const [old, created] of tags.slice(4)) {
    const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d) ([+-]\d\d)(\d\d)/.exec(created ?? '');
    const at = m ? Date.parse(`${m[1]}T${m[2]}${m[3]}:${m[4]}`) : NaN;
    if (Number.isFinite(at) && at < cutoff) await runCommand('docker', ['rmi', old], { check: false });
  }
}
