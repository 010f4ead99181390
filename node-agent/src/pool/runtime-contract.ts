// What the pool and the invoke path need from the Runtime API server (helper B's
// node-agent/src/runtime-api/): the session types, and the one call the pool makes on the server.
// Narrow on purpose, so unit tests drive fake sessions.
import type { RuntimeSession } from '../runtime-api/runtime-api-server';

export type { RuntimeSession, SpecializeConfig, InvocationInput, InvocationOutcome } from '../runtime-api/runtime-api-server';
export { RuntimeInitError } from '../runtime-api/runtime-api-server';

export interface RuntimeApi {
  /** socketName: the container's own Unix socket, opened with listenUnix. */
  attach(containerIp: string, socketName?: string): RuntimeSession;
  /** Optional: a Unix socket for one container (see RuntimeApiServer.listenUnix). */
  listenUnix?(name: string, socketPath: string, owner?: { uid: number; gid: number }): Promise<void>;
  closeUnixSocket?(name: string): void;
}
