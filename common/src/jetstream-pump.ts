// Drains an Outbox into JetStream: batches of publishes pipelined on one connection, each waiting
// for its PubAck. An item leaves the outbox only when the stream acknowledged it; anything that
// failed (NATS down, timeout, no stream) goes back to the front and is retried with backoff. The
// Nats-Msg-Id of each item makes a resend of something that did arrive a no-op (duplicate window).
import { headers, type JetStreamClient, type NatsConnection, type PubAck } from 'nats';
import type { Logger } from 'pino';
import { randomUUID } from 'node:crypto';
import type { Outbox, OutboxItem } from './jetstream-outbox';

/** NATS's default max_payload, for when the server's is not known yet. */
const DEFAULT_MAX_PAYLOAD = 1024 * 1024;
const HEADER_ROOM = 1024;

export interface PumpStats {
  published: number;
  duplicates: number;
  failures: number;
}

export class JetStreamPump {
  private nc: NatsConnection | undefined;
  private js: JetStreamClient | undefined;
  private wakeUp: (() => void) | undefined;
  private running: Promise<void> | undefined;
  private closed = false;
  private backoffMs = 0;
  private connected = false;
  private readonly encoder = new TextEncoder();
  readonly stats: PumpStats = { published: 0, duplicates: 0, failures: 0 };

  constructor(
    private readonly outbox: Outbox,
    private readonly opts: {
      logger: Logger;
      batchSize?: number;
      ackTimeoutMs?: number;
      /** Called when a publish failed as if the stream were missing ("no responders"): recreate it. */
      onNoStream?: () => Promise<void>;
      /**
       * An item whose encoded payload is larger than NATS takes in one message (the server's
       * max_payload, 1 MB by default): what to send instead (its records in smaller messages, or cut),
       * or nothing to drop it. Without it such an item is dropped. Either way it is logged: retrying
       * it would fail forever and slow down everything behind it.
       */
      oversize?: (item: OutboxItem, bytes: number, maxBytes: number) => OutboxItem[];
    },
  ) {}

  /** Attaches a connection (may be called once the first connection succeeds) and starts draining. */
  attach(nc: NatsConnection): void {
    this.nc = nc;
    this.js = nc.jetstream();
    this.connected = true;
    // while disconnected, publish nothing: the client would queue the publishes in its reconnect
    // buffer, time them out here, and send stale copies on reconnect (duplicates after the window)
    void (async () => {
      for await (const s of nc.status()) {
        if (nc !== this.nc) break;
        if (s.type === 'disconnect') this.connected = false;
        else if (s.type === 'reconnect') {
          this.connected = true;
          this.backoffMs = 0;
          this.kick();
        }
      }
    })().catch(() => undefined);
    if (!this.running) this.running = this.loop();
    this.kick();
  }

  /** Something was pushed or the connection came back: drain now. Cheap; call on every push. */
  kick(): void {
    const wake = this.wakeUp;
    if (wake) {
      this.wakeUp = undefined;
      wake();
    }
  }

  /** Waits (bounded) until the outbox is empty, then stops. */
  async close(drainTimeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + drainTimeoutMs;
    while (this.outbox.held > 0 && this.js && Date.now() < deadline && !this.nc?.isClosed()) {
      this.kick();
      await sleep(20);
    }
    this.closed = true;
    this.kick();
    await this.running;
  }

  private async loop(): Promise<void> {
    while (!this.closed) {
      if (this.outbox.length === 0 || !this.js || !this.connected || this.nc?.isClosed()) {
        await new Promise<void>((resolve) => {
          this.wakeUp = resolve;
          // a periodic look even without a kick, in case a reconnect happened silently
          setTimeout(resolve, 1_000).unref();
        });
        continue;
      }
      if (this.backoffMs > 0) {
        await sleep(this.backoffMs);
        if (this.closed) break;
      }
      await this.publishBatch();
    }
  }

  private async publishBatch(): Promise<void> {
    const js = this.js!;
    const batch = this.outbox.take(this.opts.batchSize ?? 512);
    const timeout = this.opts.ackTimeoutMs ?? 5_000;
    // room for the headers (Nats-Msg-Id, Stratus-Schema), which count towards max_payload
    const maxBytes = (this.nc?.info?.max_payload ?? DEFAULT_MAX_PAYLOAD) - HEADER_ROOM;
    const oversized: { item: OutboxItem; bytes: number }[] = [];
    const sent: OutboxItem[] = [];
    const publishes: Promise<PubAck>[] = [];
    for (const item of batch) {
      const data = this.encoder.encode(JSON.stringify(item.payload));
      if (data.length > maxBytes) {
        oversized.push({ item, bytes: data.length });
        continue;
      }
      const h = headers();
      h.set('Stratus-Schema', String((item.payload as { schema?: number } | null)?.schema ?? 1)); // the wire form (form 1 for a bare array)
      sent.push(item);
      publishes.push(js.publish(item.subject, data, { msgID: item.msgId, timeout, headers: h }));
    }
    for (const { item, bytes } of oversized) {
      const by = this.opts.oversize?.(item, bytes, maxBytes) ?? [];
      this.opts.logger[by.length ? 'warn' : 'error'](
        { subject: item.subject, msgId: item.msgId, bytes, maxBytes, records: item.records ?? 1, replacedBy: by.length },
        by.length ? 'telemetry message too large for NATS: sending it in smaller pieces' : 'telemetry message too large for NATS: dropped',
      );
      this.outbox.replace(item, by);
    }
    const results = await Promise.allSettled(publishes);
    const acked: OutboxItem[] = [];
    const failed: OutboxItem[] = [];
    let noStream = false;
    let firstError: unknown;
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') {
        acked.push(sent[i]);
        if (r.value.duplicate) this.stats.duplicates++;
      } else {
        failed.push(sent[i]);
        firstError ??= r.reason;
        if (/no responders|503/i.test(String((r.reason as Error)?.message ?? r.reason))) noStream = true;
      }
    });
    this.outbox.settle(acked);
    this.stats.published += acked.reduce((n, item) => n + (item.records ?? 1), 0);
    if (failed.length > 0) {
      this.outbox.putBack(failed);
      this.stats.failures += failed.length;
      this.backoffMs = Math.min(5_000, Math.max(200, this.backoffMs * 2));
      this.opts.logger.debug({ err: firstError, failed: failed.length, held: this.outbox.held }, 'telemetry publish failed; will retry');
      if (noStream && this.opts.onNoStream) await this.opts.onNoStream().catch(() => undefined);
    } else {
      this.backoffMs = 0;
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * For an event of many entries in one array (a gateway's overhead items, an agent's throttle
 * counts) that is too large for one message: two events of half the entries each, each with an id
 * of its own (the refused message never arrived, so nothing can be a duplicate of it). An event of
 * one entry cannot be split: nothing (dropped).
 */
export function splitEvent(item: OutboxItem, field: string): OutboxItem[] {
  const event = item.payload as Record<string, unknown> & { id?: string };
  const entries = event[field];
  if (!Array.isArray(entries) || entries.length < 2) return [];
  const half = Math.ceil(entries.length / 2);
  return [entries.slice(0, half), entries.slice(half)].map((part) => {
    const id = randomUUID();
    return { ...item, msgId: id, payload: { ...event, id, [field]: part }, bytes: Math.ceil((item.bytes * part.length) / entries.length) };
  });
}
