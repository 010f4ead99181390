// One NATS subscription per gateway (not per browser): events are decoded once and fanned out to the
// connected clients, each of which filters and batches for itself. Invocation events are subscribed
// to while at least one client follows. Gauges (one small message per agent every 2 s) are followed
// from start() on, and the latest of each agent is handed to a client as it connects: `stratus top`
// shows the agents at once instead of after their next sample. Attaches to the gateway's connection
// as soon as it exists.
import type { NatsConnection, Subscription } from 'nats';
import { SUBJECTS, invocationEventsOf, type GaugeEvent, type InvocationEvent, type Logger } from '@stratus/common';

export interface LiveListener {
  invocation(e: InvocationEvent): void;
  gauges(e: GaugeEvent): void;
}

/** A gauge older than this is not handed to a new client: its agent stopped sampling (gone, or NATS lost). */
export const GAUGE_REPLAY_MAX_AGE_MS = 10_000;

export class LiveHub {
  private listeners = new Set<LiveListener>();
  private invocationSub: Subscription | undefined;
  private gaugeSub: Subscription | undefined;
  private nc: NatsConnection | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** The latest gauges of each agent, with when they came. */
  private readonly latestGauges = new Map<string, { gauges: GaugeEvent; receivedAt: number }>();

  constructor(private readonly getNats: () => NatsConnection | null | undefined, private readonly logger: Logger) {}

  get size(): number {
    return this.listeners.size;
  }

  /** Follows the gauges from now on (and invocations while clients follow); close() stops. */
  start(): void {
    if (this.timer) return;
    this.ensureSubscribed();
    // the gateway may connect to NATS later, or reconnect with a new connection object
    this.timer = setInterval(() => this.ensureSubscribed(), 1_000);
    this.timer.unref();
  }

  add(l: LiveListener): () => void {
    this.listeners.add(l);
    this.start();
    this.ensureSubscribed();
    const now = Date.now();
    for (const [agentId, { gauges, receivedAt }] of this.latestGauges) {
      if (now - receivedAt > GAUGE_REPLAY_MAX_AGE_MS) this.latestGauges.delete(agentId);
      else l.gauges(gauges);
    }
    return () => {
      this.listeners.delete(l);
      if (this.listeners.size === 0) this.unsubscribeInvocations();
    };
  }

  close(): void {
    this.listeners.clear();
    this.unsubscribeInvocations();
    this.unsubscribeGauges();
    this.nc = undefined;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private ensureSubscribed(): void {
    const nc = this.getNats() ?? undefined;
    if (!nc || nc.isClosed()) return;
    if (nc !== this.nc) {
      this.unsubscribeInvocations();
      this.unsubscribeGauges();
      this.nc = nc;
    }
    if (!this.gaugeSub) {
      this.gaugeSub = nc.subscribe(SUBJECTS.gaugesAll, {
        callback: (err, msg) => {
          if (err) return;
          let g: GaugeEvent;
          try {
            g = msg.json<GaugeEvent>();
          } catch {
            return;
          }
          if (typeof g?.agentId !== 'string') return;
          this.latestGauges.set(g.agentId, { gauges: g, receivedAt: Date.now() });
          for (const l of this.listeners) l.gauges(g);
        },
      });
    }
    if (this.listeners.size > 0 && !this.invocationSub) {
      this.invocationSub = nc.subscribe(SUBJECTS.invocationsAll, {
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
      });
      this.logger.debug('live stream subscribed to invocation events');
    }
  }

  private unsubscribeInvocations(): void {
    unsubscribe(this.invocationSub);
    this.invocationSub = undefined;
  }

  private unsubscribeGauges(): void {
    unsubscribe(this.gaugeSub);
    this.gaugeSub = undefined;
  }
}

function unsubscribe(s: Subscription | undefined): void {
  try {
    s?.unsubscribe();
  } catch {
    // connection already closed
  }
}
