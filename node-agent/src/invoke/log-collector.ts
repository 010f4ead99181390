// Splits a container's output into per-invocation logs using the bootstrap's sentinel lines
// (`\u001eSTRATUS_END <request-id>\u001e`, one on stdout and one on stderr after each invocation; see
// docs/runtime-protocol.md). Output before the first invocation (module loading) belongs to the first
// one. Bounded: an invocation's logs are cut at maxBytes with a marker.
import type { Readable } from 'node:stream';

const SENTINEL = '\u001eSTRATUS_END ';
export const TRUNCATION_MARKER = '\n[stratus] logs truncated at 256 KB\n';

type StreamName = 'stdout' | 'stderr';
const BOTH: readonly StreamName[] = ['stdout', 'stderr'];

export interface InvocationLogs { text: string; truncated: boolean }

export class LogCollector {
  private chunks: string[] = [];
  private bytes = 0;
  private truncated = false;
  private readonly done = new Map<StreamName, string>(); // stream -> request id of its sentinel
  private readonly deferred: Record<StreamName, string[]> = { stdout: [], stderr: [] };
  private readonly carry: Record<StreamName, string> = { stdout: '', stderr: '' };
  private readonly ended = new Set<StreamName>();
  private readonly waiters = new Map<string, { resolve: (logs: InvocationLogs) => void; timer: NodeJS.Timeout; streams: readonly StreamName[] }>();
  private readonly completed = new Map<string, InvocationLogs>();

  constructor(streams: { stdout: Readable; stderr: Readable }, private readonly maxBytes: number) {
    for (const name of ['stdout', 'stderr'] as const) {
      const s = streams[name];
      s.setEncoding('utf8');
      s.on('data', (chunk: string) => this.onData(name, chunk));
      s.on('end', () => this.onEnd(name));
      s.on('error', () => this.onEnd(name));
    }
  }

  /**
   * Resolves with the logs of `requestId` once the streams that carry its sentinel passed it, the
   * container's output ended, or `graceMs` passed (a `provided` runtime writes no sentinels: then
   * whatever came so far is that invocation's). `streams` are the streams the runtime said it marked
   * (default both). None means the invocation wrote nothing: its logs are empty, and whatever is
   * buffered stays for the invocation still waiting for it (output written below the runtime's
   * streams, e.g. by a child process, goes to the next invocation that marks its end).
   */
  take(requestId: string, graceMs: number, streams: readonly StreamName[] = BOTH): Promise<InvocationLogs> {
    if (streams.length === 0) return Promise.resolve({ text: '', truncated: false });
    const ready = this.completed.get(requestId);
    if (ready) { this.completed.delete(requestId); return Promise.resolve(ready); }
    if (this.ended.size === 2 || this.passed(requestId, streams)) return Promise.resolve(this.cut());
    return new Promise((resolve) => {
      const timer = setTimeout(() => { this.waiters.delete(requestId); resolve(this.cut()); }, graceMs);
      this.waiters.set(requestId, { resolve, timer, streams });
    });
  }

  /** Everything collected so far, without waiting (an invocation that ended with its container). */
  takeNow(): InvocationLogs {
    for (const name of ['stdout', 'stderr'] as const) {
      if (this.carry[name]) { this.append(name, this.carry[name]); this.carry[name] = ''; }
    }
    return this.cut();
  }

  private onData(name: StreamName, chunk: string): void {
    let data = this.carry[name] + chunk;
    let nl: number;
    while ((nl = data.indexOf('\n')) !== -1) {
      const line = data.slice(0, nl + 1);
      data = data.slice(nl + 1);
      const at = line.indexOf(SENTINEL);
      if (at === -1) {
        this.append(name, line);
      } else {
        if (at > 0) this.append(name, `${line.slice(0, at)}\n`);
        const id = line.slice(at + SENTINEL.length).replace(/[\u001e\r\n]+$/g, '').trim();
        this.streamDone(name, id);
      }
    }
    // Keep a partial line for later, but not without bound.
    if (data.length > 64 * 1024) { this.append(name, data); data = ''; }
    this.carry[name] = data;
  }

  private onEnd(name: StreamName): void {
    if (this.carry[name]) { this.append(name, this.carry[name]); this.carry[name] = ''; }
    this.ended.add(name);
    if (this.ended.size === 2) {
      for (const [id, w] of this.waiters) { clearTimeout(w.timer); this.waiters.delete(id); w.resolve(this.cut()); }
    }
  }

  private append(name: StreamName, text: string): void {
    if (this.done.has(name)) { this.deferred[name].push(text); return; }
    if (this.truncated) return;
    const len = Buffer.byteLength(text);
    if (this.bytes + len > this.maxBytes) {
      const room = Math.max(0, this.maxBytes - this.bytes);
      this.chunks.push(Buffer.from(text).subarray(0, room).toString('utf8'));
      this.bytes = this.maxBytes;
      this.truncated = true;
      return;
    }
    this.chunks.push(text);
    this.bytes += len;
  }

  private streamDone(name: StreamName, id: string): void {
    this.done.set(name, id);
    const w = this.waiters.get(id);
    if (w) {
      if (!this.passed(id, w.streams)) return;
      clearTimeout(w.timer);
      this.waiters.delete(id);
      w.resolve(this.cut());
    } else if (this.done.size === 2) {
      this.completed.set(id, this.cut());
      if (this.completed.size > 8) this.completed.delete(this.completed.keys().next().value!); // nobody asked: bounded
    }
  }

  /** Every one of `streams` passed the sentinel of `id`. */
  private passed(id: string, streams: readonly StreamName[]): boolean {
    return streams.every((s) => this.done.get(s) === id);
  }

  private cut(): InvocationLogs {
    const logs = { text: this.chunks.join('') + (this.truncated ? TRUNCATION_MARKER : ''), truncated: this.truncated };
    this.chunks = [];
    this.bytes = 0;
    this.truncated = false;
    this.done.clear();
    for (const name of ['stdout', 'stderr'] as const) {
      const pending = this.deferred[name];
      this.deferred[name] = [];
      for (const t of pending) this.append(name, t);
    }
    return logs;
  }
}
