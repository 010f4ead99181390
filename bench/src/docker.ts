// Thin helpers over the docker CLI (the benchmark measures what a user of the CLI would see).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BenchBackend } from './options.ts';

export interface ExecResult { stdout: string; stderr: string; code: number }

export function run(cmd: string, args: string[], opts: { timeoutMs?: number } = {}): Promise<ExecResult> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: opts.timeoutMs ?? 120_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as NodeJS.ErrnoException & { code?: unknown }).code === 'number' ? Number((err as { code?: unknown }).code) : 1) : 0;
      resolve({ stdout: String(stdout), stderr: String(stderr) || (err && !stderr ? String(err.message) : ''), code });
    });
  });
}

export async function docker(args: string[], timeoutMs?: number): Promise<string> {
  const r = await run('docker', args, { timeoutMs });
  if (r.code !== 0) throw new Error(`docker ${args.slice(0, 3).join(' ')}... failed: ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}

/** Names of the containers attached to a network now (none when it does not exist). */
export async function networkContainerNames(network: string): Promise<string[]> {
  const r = await run('docker', ['network', 'inspect', '--format', '{{range .Containers}}{{.Name}} {{end}}', network], { timeoutMs: 15_000 });
  return r.code === 0 ? r.stdout.split(/\s+/).filter(Boolean) : [];
}

/**
 * Removes a network if it exists; returns why it could not, or undefined. A container removed a
 * moment before can still hold an endpoint on it ("has active endpoints"): a CI run's bench left its
 * network behind with one try (2026-11-28). So it retries for up to 15 s, and after 5 s it
 * disconnects by force the containers the network listed before the platform stopped (`attached`):
 * how Docker lets go of an endpoint whose container is gone.
 */
export async function removeNetwork(network: string, attached: string[] = []): Promise<string | undefined> {
  const started = Date.now();
  let forced = false;
  for (;;) {
    const r = await run('docker', ['network', 'rm', network], { timeoutMs: 15_000 });
    const message = (r.stderr || r.stdout).trim();
    if (r.code === 0 || /no such network|not found/i.test(message)) return undefined;
    if (Date.now() - started > 15_000) return `docker network rm ${network}: ${message}`;
    if (!forced && Date.now() - started > 5_000) {
      forced = true;
      for (const name of attached) await run('docker', ['network', 'disconnect', '--force', network, name], { timeoutMs: 15_000 });
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The OCI runtime name Docker knows each backend by. */
export function ociRuntime(backend: BenchBackend): string {
  return backend === 'gvisor' ? 'runsc' : 'runc';
}

/**
 * The runtime image of a Lambda runtime: the local tag the image build leaves
 * (stratus/runtime-<runtime>:latest); builds the images through helper A's node-agent/src/images
 * when the tag is missing.
 */
export async function runtimeImages(runtimes: string[], repoRoot: string, onProgress: (msg: string) => void): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const missing: string[] = [];
  for (const rt of runtimes) {
    const ref = `stratus/runtime-${rt}:latest`;
    const r = await run('docker', ['image', 'inspect', '--format', '{{.Id}}', ref]);
    if (r.code === 0) out[rt] = ref;
    else missing.push(rt);
  }
  if (missing.length > 0) {
    const mod = path.join(repoRoot, 'node-agent/src/images/index.ts');
    if (!fs.existsSync(mod)) throw new Error(`runtime images ${missing.join(', ')} are missing and node-agent/src/images is not there to build them`);
    const images = (await import(pathToFileURL(mod).href)) as {
      ensureRuntimeImages: (opts: { logger: unknown; runtimes?: string[]; onProgress?: (m: string) => void }) => Promise<Record<string, string>>;
    };
    const { createLogger } = await import('@stratus/common');
    const built = await images.ensureRuntimeImages({ logger: createLogger('bench'), runtimes: missing, onProgress });
    for (const rt of missing) out[rt] = built[rt];
  }
  return out;
}

/** Containers carrying a label (any state), with all their labels. */
export async function containersWithLabel(label: string): Promise<Array<{ id: string; state: string; labels: Record<string, string> }>> {
  const ids = (await docker(['ps', '-a', '-q', '--no-trunc', '--filter', `label=${label}`])).split('\n').filter(Boolean);
  if (ids.length === 0) return [];
  const raw = JSON.parse(await docker(['inspect', ...ids])) as Array<{ Id: string; State: { Status: string }; Config: { Labels: Record<string, string> | null } }>;
  return raw.map((c) => ({ id: c.Id, state: c.State.Status, labels: c.Config.Labels ?? {} }));
}

export async function removeContainers(ids: string[]): Promise<void> {
  if (ids.length > 0) await run('docker', ['rm', '-f', ...ids]);
}

export async function versions(): Promise<{ docker: string; runsc: string; runscPlatform: string; containerd: string; runc: string }> {
  const [d, info, rt] = await Promise.all([
    run('docker', ['version', '--format', '{{.Server.Version}}']),
    run('docker', ['info', '--format', '{{.ContainerdCommit.ID}} {{.RuncCommit.ID}}']),
    run('docker', ['info', '--format', '{{json .Runtimes}}']),
  ]);
  const [containerd = '', runc = ''] = info.stdout.trim().split(' ');
  // The runsc the engine runs (set-up registers its own, not necessarily the one on PATH).
  let registered: { path?: string; runtimeArgs?: string[] } = {};
  try { registered = (JSON.parse(rt.stdout) as Record<string, typeof registered>).runsc ?? {}; } catch { /* none registered */ }
  const runscPath = registered.path ?? 'runsc';
  const [s, flags] = await Promise.all([run(runscPath, ['--version']), run(runscPath, ['flags'])]);
  const platformArg = registered.runtimeArgs?.find((a) => a.startsWith('--platform='))?.slice('--platform='.length);
  return { docker: d.stdout.trim(), runsc: s.stdout.split('\n')[0]?.trim() ?? '', runscPlatform: platformArg ?? runscDefaultPlatform(flags.stdout + flags.stderr), containerd, runc };
}

/** runsc's default platform, from the help text of `runsc flags` ("... (default \"systrap\")"). */
export function runscDefaultPlatform(flagsText: string): string {
  return /-platform string\s+[^\n]*\(default "([a-z]+)"\)/.exec(flagsText)?.[1] ?? 'unknown';
}
