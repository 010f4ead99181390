// The live hub: one NATS subscription per dashboard server to the agents' invocation events and
// gauges (subjects in @stratus/common events.ts), aggregated per second (LiveStats) and pushed to
// browsers as one Server-Sent Event per second. Bounded everywhere: history ring, recent events ring,
// at most MAX_PER_TICK invocations per tick (the rest counted as dropped).
import { connect, type NatsConnection, type Subscription } from 'nats';
import { SUBJECTS, loadConfig, createLogger, frameLambdaLogs, invocationEventsOf } from '@stratus/common';
import { LiveStats, type GaugeSnapshot, type LiveInvocation, type LiveTick, type SecondStats } from '../live-stats.ts';
import { RingBuffer } from '../ring.ts';
import { SseParser } from '../sse.ts';
import { gatewayUrl, platform } from './platform.ts';

const MAX_PER_TICK = 250;
const LOG_CAP = 16 * 1024;
const GAUGE_STALE_MS = 30_000;

export type TickListener = (tick: LiveTick) => void;

export class LiveHub {
  readonly stats = new LiveStats({ historySeconds: 900 });
  readonly recent = new RingBuffer<LiveInvocation>(1000);
  private pending: LiveInvocation[] = [];
  private dropped = 0;
  private gauges = new Map<string, GaugeSnapshot>();
  private listeners = new Set<TickListener>();
  private nc: NatsConnection | null = null;
  private subs: Subscription[] = [];
  private timer: ReturnType<typeof setInterval> | null = null;
  private closed = false;
  private log = createLogger('dashboard');
  connected = false;

  /**
   * source 'nats' (default): subscribe to the agents' subjects directly (every event counted).
   * 'gateway': follow the gateway's live stream (GET /api/v1/live), for a dashboard that reaches
   * the gateway but not NATS; invocations the gateway leaves out at high rates count as `dropped`.
   */
  constructor(private natsUrl: string, private source: 'nats' | 'gateway' = 'nats') {}

  async start(): Promise<void> {
    this.timer = setInterval(() => this.tick(), 1000);
    this.timer.unref?.();
    void this.seed();
    if (this.source === 'gateway') void this.gatewayLoop();
    else void this.connectLoop();
  }

  private abort = new AbortController();

  private async gatewayLoop(): Promise<void> {
    const decoder = new TextDecoder();
    while (!this.closed) {
      try {
        const res = await fetch(`${gatewayUrl()}/api/v1/live?logs=1`, { signal: this.abort.signal, headers: { accept: 'text/event-stream' } });
        if (!res.ok || !res.body) throw new Error(`live stream answered ${res.status}`);
        this.connected = true;
        const parser = new SseParser();
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          for (const ev of parser.push(decoder.decode(chunk, { stream: true }))) {
            if (ev.event !== 'batch') continue;
            const batch = JSON.parse(ev.data) as { invocations?: unknown[]; gauges?: GaugeSnapshot[]; dropped?: number };
            for (const inv of batch.invocations ?? []) this.onInvocationObject(inv);
            for (const g of batch.gauges ?? []) if (g && typeof g.agentId === 'string') this.gauges.set(g.agentId, g);
            if (batch.dropped) this.stats.addDropped(batch.dropped);
          }
        }
        throw new Error('live stream ended');
      } catch (err) {
        this.connected = false;
        if (this.closed) return;
        this.log.warn({ err: (err as Error).message }, 'gateway live stream unavailable, retrying');
        await new Promise((r) => setTimeout(r, 2000));
      }
    }
  }

  private async connectLoop(): Promise<void> {
    while (!this.closed && !this.nc) {
      try {
        const nc = await connect({ servers: this.natsUrl, name: 'stratus-dashboard', maxReconnectAttempts: -1, reconnectTimeWait: 1000, waitOnFirstConnect: true });
        this.nc = nc;
        this.connected = true;
        this.subs.push(nc.subscribe(SUBJECTS.invocationsAll, { callback: (err, msg) => !err && this.onInvocation(msg.data) }));
        this.subs.push(nc.subscribe(SUBJECTS.gaugesAll, { callback: (err, msg) => !err && this.onGauge(msg.data) }));
        void (async () => {
          for await (const s of nc.status()) {
            if (s.type === 'disconnect') this.connected = false;
            if (s.type === 'reconnect') this.connected = true;
          }
        })();
      } catch (err) {
        this.log.warn({ err: (err as Error).message }, 'cannot reach NATS, retrying');
        await new Promise((r) => setTimeout(r, 2000));
      }
    }
  }

  /** Last hour's stored records fill the per-function traffic (the per-second charts start empty). */
  private async seed(): Promise<void> {
    try {
      const from = new Date(Date.now() - 3600_000).toISOString();
      const records = await platform.listInvocations({ from, limit: 1000 });
      for (const r of records) this.stats.trackFunction(r);
      for (const r of [...records].sort((a, b) => a.endedAt.localeCompare(b.endedAt)).slice(-200)) this.recent.push(toLive(r));
    } catch {
      /* control plane not up yet: live data only */
    }
  }

  private decoder = new TextDecoder();

  private onInvocation(data: Uint8Array): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(this.decoder.decode(data));
    } catch {
      return;
    }
    for (const raw of invocationEventsOf(parsed).events) this.onInvocationObject(raw); // any wire form
  }

  private onInvocationObject(raw: unknown): void {
    if (!raw || typeof raw !== 'object') return;
    const ev = toLive(raw as Partial<LiveInvocation> & { logsBare?: boolean; billedMs?: number });
    this.stats.add(ev);
    this.recent.push(ev);
    if (this.pending.length < MAX_PER_TICK) this.pending.push(ev);
    else this.dropped++;
  }

  private onGauge(data: Uint8Array): void {
    try {
      const g = JSON.parse(this.decoder.decode(data)) as GaugeSnapshot;
      if (g && typeof g.agentId === 'string') this.gauges.set(g.agentId, g);
    } catch {
      /* ignore malformed */
    }
  }

  currentGauges(): GaugeSnapshot[] {
    const now = Date.now();
    for (const [id, g] of this.gauges) if (now - Date.parse(g.at) > GAUGE_STALE_MS * 10) this.gauges.delete(id);
    return [...this.gauges.values()].sort((a, b) => a.agentId.localeCompare(b.agentId));
  }

  private tick(): void {
    const seconds = this.stats.flush();
    const tick: LiveTick = {
      seconds,
      invocations: this.pending,
      dropped: this.dropped,
      gauges: this.currentGauges(),
      connected: this.connected,
    };
    this.pending = [];
    this.dropped = 0;
    for (const l of this.listeners) {
      try {
        l(tick);
      } catch {
        /* a broken listener is removed by its stream */
      }
    }
  }

  hello(): LiveTick {
    return {
      seconds: this.stats.seconds.toArray(),
      invocations: this.recent.latest(200).reverse(),
      dropped: 0,
      gauges: this.currentGauges(),
      connected: this.connected,
    };
  }

  history(): SecondStats[] {
    return this.stats.seconds.toArray();
  }

  subscribe(l: TickListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.abort.abort();
    if (this.timer) clearInterval(this.timer);
    await this.nc?.drain().catch(() => undefined);
  }
}

/** A live invocation from an agent's event, a stored record or the gateway's stream. */
export function toLive(r: Partial<LiveInvocation> & { logsBare?: boolean; billedMs?: number }): LiveInvocation {
  const output = typeof r.logs === 'string' ? r.logs : '';
  // An agent's event carries only the function's output: framed as the stored records are
  const logs = r.logsBare
    ? frameLambdaLogs({
      id: String(r.id ?? ''), version: Number(r.version ?? 0), status: String(r.status ?? ''), errorMessage: String(r.errorMessage ?? ''),
      coldStart: Boolean(r.coldStart), endedAt: r.endedAt ?? null, durationMs: Number(r.durationMs ?? 0), billedMs: Number(r.billedMs ?? 0),
      initMs: Number(r.initMs ?? 0), memoryMb: Number(r.memoryMb ?? 0), maxMemoryMb: Number(r.maxMemoryMb ?? 0), logs: output,
    })
    : output;
  return {
    id: String(r.id ?? ''),
    function: String(r.function ?? ''),
    version: Number(r.version ?? 0),
    agentId: String(r.agentId ?? ''),
    backend: String(r.backend ?? ''),
    runtime: String(r.runtime ?? ''),
    status: String(r.status ?? ''),
    errorType: String(r.errorType ?? ''),
    errorMessage: String(r.errorMessage ?? ''),
    coldStart: Boolean(r.coldStart),
    startedAt: String(r.startedAt ?? ''),
    endedAt: String(r.endedAt ?? new Date().toISOString()),
    durationMs: Number(r.durationMs ?? 0),
    initMs: Number(r.initMs ?? 0),
    startMs: Number(r.startMs ?? 0),
    queueMs: Number(r.queueMs ?? 0),
    maxMemoryMb: Number(r.maxMemoryMb ?? 0),
    memoryMb: Number(r.memoryMb ?? 0),
    logs: logs.length > LOG_CAP ? logs.slice(0, LOG_CAP) : logs,
    logsTruncated: Boolean(r.logsTruncated) || logs.length > LOG_CAP,
  };
}

const g = globalThis as unknown as { __stratusLiveHub?: LiveHub };

/** The process-wide hub, started on first use. */
export function liveHub(): LiveHub {
  if (!g.__stratusLiveHub) {
    const source = process.env.STRATUS_LIVE_SOURCE === 'gateway' ? 'gateway' : 'nats';
    g.__stratusLiveHub = new LiveHub(loadConfig().natsUrl, source);
    void g.__stratusLiveHub.start();
  }
  return g.__stratusLiveHub;
}
