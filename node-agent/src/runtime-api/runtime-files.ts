// Where the container-side code of each runtime lives, and the log sentinel it writes. The image
// builder copies the contents of runtimeSourceDir(runtime) to /var/runtime in the image;
// /var/runtime/bootstrap (executable) is the entrypoint.
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { Runtime } from '@stratus/common';

const RUNTIMES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../runtimes');

/** Absolute path of node-agent/runtimes/<runtime>/ (self-contained: every file the runtime needs). */
export function runtimeSourceDir(runtime: Runtime): string {
  return path.join(RUNTIMES_DIR, runtime);
}

/**
 * Every bootstrap writes `\u001eSTRATUS_END <request-id>\u001e\n` to stdout and to stderr after an
 * invocation's output and before posting its result: everything before it belongs to that invocation.
 */
export const RUNTIME_SENTINEL_PREFIX = '\u001eSTRATUS_END ';

/** The exact sentinel line for one request id. */
export function logSentinel(requestId: string): string {
  return `${RUNTIME_SENTINEL_PREFIX}${requestId}\u001e\n`;
}

/**
 * Splits accumulated output at the sentinel of `requestId`: `before` is the invocation's output (sentinel
 * stripped), `after` what followed it; undefined while the sentinel has not arrived.
 */
export function splitLogSentinel(output: string, requestId: string): { before: string; after: string } | undefined {
  const s = logSentinel(requestId);
  const i = output.indexOf(s);
  if (i < 0) return undefined;
  return { before: output.slice(0, i), after: output.slice(i + s.length) };
}
