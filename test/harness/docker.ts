// Docker queries for tests, through the docker CLI (what a person would type).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { removeNetwork as removeNetworkRetrying } from '../../bench/src/docker.ts';

const run = promisify(execFile);

/** Ids of containers (running or not) carrying every given label (key=value). */
export async function containersWithLabels(labels: string[]): Promise<string[]> {
  const args = ['ps', '-aq', '--no-trunc', ...labels.flatMap((l) => ['--filter', `label=${l}`])];
  const { stdout } = await run('docker', args);
  return stdout.split('\n').map((s) => s.trim()).filter(Boolean);
}

export async function removeContainers(ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await run('docker', ['rm', '-f', ...ids]).catch(() => undefined);
}

/**
 * Removes a network, retrying while a container removed a moment before still holds an endpoint on it
 * (the bench's removeNetwork); throws when it still cannot (the harness logs a failed cleanup step).
 */
export async function removeNetwork(name: string): Promise<void> {
  const left = await removeNetworkRetrying(name);
  if (left) throw new Error(left);
}

export async function dockerAvailable(): Promise<boolean> {
  try {
    await run('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/** Which backends the engine can run here: docker always when it answers, gvisor when runsc is registered. */
export async function availableBackends(): Promise<string[]> {
  if (!(await dockerAvailable())) return [];
  const { stdout } = await run('docker', ['info', '--format', '{{json .Runtimes}}']);
  const runtimes = Object.keys(JSON.parse(stdout || '{}'));
  return runtimes.includes('runsc') ? ['docker', 'gvisor'] : ['docker'];
}

/** Docker `run --rm` of an image, for the naive baseline. */
export async function dockerRunRm(image: string, cmd: string[], runtime?: string, extraArgs: string[] = []): Promise<void> {
  await run('docker', ['run', '--rm', ...(runtime ? ['--runtime', runtime] : []), '--network', 'none', '--label', 'stratus.test=baseline', ...extraArgs, image, ...cmd]);
}
