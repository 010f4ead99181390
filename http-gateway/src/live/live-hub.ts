// One NATS subscription per gateway (not per browser): events are decoded once and fanned out to the
// connected clients, each of which filters and batches for itself. Subscribed while at least one
// client follows; attaches to the gateway's connection as soon as it exists.
import type { NatsConnection, Subscription } from 'nats';
import { SUBJECTS, invocationEventsOf, type GaugeEvent, type InvocationEvent, type Logger } from '@stratus/common';

export interface LiveListener {
  invocation(e: InvocationEvent): void;
  gauges(e: GaugeEvent): void;
}

export class LiveHub {
  private listeners = new Set<LiveListener>();
  private subs: Subscription[] = [];
  private nc: NatsConnection | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly getNats: () => NatsConnection | null | undefined, private readonly logger: Logger) {}

  get size(): number {
    return this.listeners.size;
  }

  add(l: LiveListener): () => void {
    this.listeners.add(l);
    this.ensureSubscribed();
    if (!this.timer) {
      // the gateway may connect to NATS later, or reconnect with a new connection object
      this.timer = setInterval(() => this.ensureSubscribed(), 1_000);
      this.timer.unref();
    }
    return () => {
      this.listeners.delete(l);
      if (this.listeners.size === 0) this.unsubscribe();
    };
  }

  close(): void {
    this.listeners.clear();
    this.unsubscribe();
  }

  private ensureSubscribed(): void {
    const nc = this.getNats() ?? undefined;
    if (!nc || nc.isClosed()) return;
    if (nc === this.nc && this.subs.length > 0) return;
    this.unsubscribeSubs();
    this.nc = nc;
    this.subs = [
      nc.subscribe(SUBJECTS.invocationsAll, {
        callback: (err, msg) => {
          if (err) return;
          let events: InvocationEvent[];
          try {
            events = invocationEventsOf(msg.json<unknown>()).events; // one event or a batch
          } catch {
            return;
          }
          for (const e of events) for (const l of this.listeners) l.invocation(e);
        },
      }),
      nc.subscribe(SUBJECTS.gaugesAll, {
        callback: (err, msg) => {
          if (err) return;
          let g: GaugeEvent;
          try {
            g = msg.json<GaugeEvent>();
          } catch {
            return;
          }
          for (const l of this.listeners) l.gauges(g);
        },
      }),
    ];
    this.logger.debug('live stream subscribed to NATS');
  }

  private unsubscribeSubs(): void {
    for (const s of this.subs) {
      try {
        s.unsubscribe();
      } catch {
        // connection already closed
      }
    }
    this.subs = [];
  }

  private unsubscribe(): void {
    this.unsubscribeSubs();
    this.nc = undefined;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
