// Starts the raw HTTP ceiling server (baselines/raw-http-server.mjs) in a child process.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export async function startRawHttpServer(): Promise<{ url: string; close(): Promise<void> }> {
  const script = fileURLToPath(new URL('./raw-http-server.mjs', import.meta.url));
  const child: ChildProcess = fork(script, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], execArgv: [] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`raw HTTP server exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}/function/raw`,
    close: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}
