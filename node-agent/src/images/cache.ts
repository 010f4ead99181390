// The image build cache (base root file systems, Node.js binaries) and the lock that keeps two
// processes (say `npm start` and a test run) from building the same image at once.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** STRATUS_IMAGE_CACHE, else /var/cache/stratus when writable, else ~/.cache/stratus. */
export function imageCacheDir(): string {
  const configured = process.env.STRATUS_IMAGE_CACHE;
  if (configured) return path.resolve(configured);
  const system = '/var/cache/stratus';
  try {
    fs.mkdirSync(system, { recursive: true });
    fs.accessSync(system, fs.constants.W_OK);
    return system;
  } catch {
    return path.join(os.homedir(), '.cache', 'stratus');
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Runs `fn` holding an exclusive lock (a directory with the holder's pid). A lock whose holder died
 * is taken over. `onWait` is told once when another process holds it.
 */
export async function withCacheLock<T>(dir: string, fn: () => Promise<T>, onWait?: (holderPid: number) => void): Promise<T> {
  fs.mkdirSync(dir, { recursive: true });
  const lockDir = path.join(dir, '.build.lock');
  const pidFile = path.join(lockDir, 'pid');
  let told = false;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(pidFile, String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let holder = NaN;
      try {
        holder = Number(fs.readFileSync(pidFile, 'utf8'));
      } catch {
        // the holder may be between mkdir and writing its pid
      }
      if (Number.isInteger(holder) && holder > 0 && !processAlive(holder)) {
        fs.rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Number.isNaN(holder)) {
        const age = Date.now() - safeMtime(lockDir);
        if (age > 10_000) fs.rmSync(lockDir, { recursive: true, force: true });
      } else if (!told) {
        told = true;
        onWait?.(holder);
      }
      await sleep(250);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

function safeMtime(p: string): number {
  try {
    return fs.statSync(p).mtimeMs;
  } catch {
    return Date.now();
  }
}
