// Drains an Outbox into JetStream: batches of publishes pipelined on one connection, each waiting
// for its PubAck. An item leaves the outbox only when the stream acknowledged it; anything that
// failed (NATS down, timeout, no stream) goes back to the front and is retried with backoff. The
// Nats-Msg-Id of each item makes a resend of something that did arrive a no-op (duplicate window).
import { headers, type JetStreamClient, type NatsConnection } from 'nats';
import type { Logger } from 'pino';
import type { Outbox, OutboxItem } from './jetstream-outbox';

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
    const results = await Promise.allSettled(
      batch.map((item) => {
        const h = headers();
        h.set('Stratus-Schema', '1');
        return js.publish(item.subject, this.encoder.encode(JSON.stringify(item.payload)), { msgID: item.msgId, timeout, headers: h });
      }),
    );
    const acked: OutboxItem[] = [];
    const failed: OutboxItem[] = [];
    let noStream = false;
    let firstError: unknown;
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') {
        acked.push(batch[i]);
        if (r.value.duplicate) this.stats.duplicates++;
      } else {
        failed.push(batch[i]);
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
