// NATS plumbing shared by every component: one connect helper (reconnects forever, so a NATS restart
// is a pause, not an outage) and the idempotent creation of the JetStream stream that carries
// invocation records from the agents to the control plane's consumers (see docs/metrics.md).
import {
  connect,
  DiscardPolicy,
  nanos,
  RetentionPolicy,
  StorageType,
  type NatsConnection,
  type StreamConfig,
  type StreamInfo,
} from 'nats';
import type { Logger } from 'pino';
import { INVOCATIONS_STREAM, SUBJECTS } from './events';

export type { NatsConnection } from 'nats';

export interface ConnectNatsOptions {
  /** Name shown by the server (`nats-server` monitoring, `nats server report connections`). */
  name?: string;
  logger?: Logger;
  /**
   * true (default): if the server is not up yet, keep trying instead of failing; the promise
   * resolves once connected. false: fail fast when the first connection attempt fails.
   */
  waitOnFirstConnect?: boolean;
  /** Milliseconds between reconnect attempts (default 1000). */
  reconnectTimeWait?: number;
}

/** Splits NATS_URL ("nats://a:4222,nats://b:4222") into a server list. */
export function natsServers(url: string): string[] {
  return url.split(',').map((s) => s.trim()).filter(Boolean);
}

/**
 * Connects to NATS with reconnect forever (maxReconnectAttempts -1) and a large reconnect buffer,
 * logging disconnects and reconnects. Status changes are logged in the background.
 */
export async function connectNats(url: string, opts: ConnectNatsOptions = {}): Promise<NatsConnection> {
  const nc = await connect({
    servers: natsServers(url),
    name: opts.name,
    reconnect: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: opts.reconnectTimeWait ?? 1000,
    reconnectJitter: 100,
    waitOnFirstConnect: opts.waitOnFirstConnect ?? true,
    pingInterval: 10_000,
    maxPingOut: 3,
  });
  const logger = opts.logger;
  if (logger) {
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type === 'disconnect') logger.warn({ server: s.data }, 'NATS disconnected; reconnecting');
        else if (s.type === 'reconnect') logger.info({ server: s.data }, 'NATS reconnected');
        else if (s.type === 'error') logger.warn({ err: s.data }, 'NATS error');
      }
    })().catch(() => undefined);
  }
  return nc;
}

/** Limits of the invocation stream: records wait here until the control plane's consumers take them. */
export const INVOCATION_STREAM_LIMITS = {
  maxAgeMs: 24 * 60 * 60 * 1000, // a day: consumers that were down that long lose the oldest records
  maxBytes: 1024 * 1024 * 1024, // 1 GiB on disk, oldest dropped first
  maxMsgSize: 1024 * 1024, // one record (logs cut at 256 KB) fits easily
  duplicateWindowMs: 10 * 60 * 1000, // Nats-Msg-Id dedupe: an agent resending after an outage makes no duplicates
} as const;

/** The stream configuration Stratus wants for STRATUS_INVOCATIONS. */
export function invocationStreamConfig(): Partial<StreamConfig> & { name: string; subjects: string[] } {
  return {
    name: INVOCATIONS_STREAM,
    subjects: [SUBJECTS.invocationsAll],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_age: nanos(INVOCATION_STREAM_LIMITS.maxAgeMs),
    max_bytes: INVOCATION_STREAM_LIMITS.maxBytes,
    max_msg_size: INVOCATION_STREAM_LIMITS.maxMsgSize,
    duplicate_window: nanos(INVOCATION_STREAM_LIMITS.duplicateWindowMs),
    num_replicas: 1,
  };
}

/**
 * Creates the JetStream stream STRATUS_INVOCATIONS if it is missing, or updates its limits if it
 * exists (idempotent; safe to call from every component on every start, concurrently).
 */
export async function ensureInvocationStream(nc: NatsConnection): Promise<StreamInfo> {
  const jsm = await nc.jetstreamManager();
  const cfg = invocationStreamConfig();
  for (let attempt = 0; ; attempt++) {
    try {
      const info = await jsm.streams.info(INVOCATIONS_STREAM);
      const c = info.config;
      const same =
        c.max_age === cfg.max_age &&
        c.max_bytes === cfg.max_bytes &&
        c.duplicate_window === cfg.duplicate_window &&
        c.max_msg_size === cfg.max_msg_size &&
        c.subjects?.length === 1 && c.subjects[0] === SUBJECTS.invocationsAll;
      if (same) return info;
      // storage type and name cannot change on update: send only the limits
      const { name: _name, storage: _storage, ...limits } = cfg;
      return await jsm.streams.update(INVOCATIONS_STREAM, limits);
    } catch (err) {
      const msg = String((err as Error)?.message ?? err);
      if (/stream not found/i.test(msg)) {
        try {
          return await jsm.streams.add(cfg);
        } catch (addErr) {
          // someone else created it at the same moment: go round again and read it
          if (attempt < 3 && /already in use|exists/i.test(String((addErr as Error)?.message))) continue;
          throw addErr;
        }
      }
      throw err;
    }
  }
}
