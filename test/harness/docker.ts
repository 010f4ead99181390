// Docker queries for tests, through the docker CLI (what a person would type).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

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
 * Removes a network. A container removed a moment before can still hold an endpoint on it ("has
 * active endpoints"): a CI run left one network behind when this tried once. So it retries for up
 * to 10 s, then throws (the harness logs it as a failed cleanup step).
 */
export async function removeNetwork(name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await run('docker', ['network', 'rm', name]);
      return;
    } catch (err) {
      const message = String((err as { stderr?: string }).stderr || (err as Error).message);
      if (/no such network|not found/i.test(message)) return;
      if (attempt >= 40) throw new Error(`docker network rm ${name} still fails after 10 s: ${message.trim()}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
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
