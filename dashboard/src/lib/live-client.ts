// One EventSource per browser tab to the dashboard's /api/live (one message per second), shared by
// every page. Subscribers get each tick; nothing redraws per invocation.
import type { LiveTick } from './live-stats.ts';

type Listener = (tick: LiveTick, kind: 'hello' | 'tick') => void;

let source: EventSource | null = null;
const listeners = new Set<Listener>();
let lastHello: LiveTick | null = null;
let status: 'connecting' | 'open' | 'error' = 'connecting';
const statusListeners = new Set<(s: typeof status, natsConnected: boolean) => void>();
let natsConnected = false;

function setStatus(s: typeof status) {
  status = s;
  for (const l of statusListeners) l(status, natsConnected);
}

function ensure(): void {
  if (source || typeof EventSource === 'undefined') return;
  source = new EventSource('/api/live');
  source.addEventListener('open', () => setStatus('open'));
  source.addEventListener('error', () => setStatus('error'));
  const handle = (kind: 'hello' | 'tick') => (e: MessageEvent) => {
    let tick: LiveTick;
    try {
      tick = JSON.parse(e.data) as LiveTick;
    } catch {
      return;
    }
    if (kind === 'hello') lastHello = tick;
    if (tick.connected !== natsConnected) {
      natsConnected = tick.connected;
      setStatus(status === 'error' ? 'open' : status);
    }
    if (status !== 'open') setStatus('open');
    for (const l of listeners) l(tick, kind);
  };
  source.addEventListener('hello', handle('hello'));
  source.addEventListener('tick', handle('tick'));
}

/** Subscribes to the live stream; the current history arrives first as a 'hello'. */
export function subscribeLive(l: Listener): () => void {
  ensure();
  listeners.add(l);
  if (lastHello) queueMicrotask(() => listeners.has(l) && l(lastHello as LiveTick, 'hello'));
  return () => {
    listeners.delete(l);
  };
}

export function subscribeLiveStatus(l: (s: 'connecting' | 'open' | 'error', natsConnected: boolean) => void): () => void {
  ensure();
  statusListeners.add(l);
  l(status, natsConnected);
  return () => statusListeners.delete(l);
}
