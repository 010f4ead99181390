// A small client for the live stream, for the CLI (`stratus logs --follow`, `stratus top`) and tests:
// yields each batch the gateway sends. Uses fetch (Node 20) and parses Server-Sent Events by hand.
import type { LiveBatch, LiveType } from './types';

export interface FollowLiveOptions {
  function?: string;
  agent?: string;
  types?: LiveType[];
  /** Include (cut) logs with each invocation event. */
  logs?: boolean;
  signal?: AbortSignal;
}

/** The URL of the live stream on a gateway (base like http://127.0.0.1:8080). */
export function liveUrl(baseUrl: string, opts: FollowLiveOptions = {}): string {
  const u = new URL('/api/v1/live', baseUrl);
  if (opts.function) u.searchParams.set('function', opts.function);
  if (opts.agent) u.searchParams.set('agent', opts.agent);
  if (opts.types?.length) u.searchParams.set('types', opts.types.join(','));
  if (opts.logs) u.searchParams.set('logs', '1');
  return u.toString();
}

/**
 * Follows the live stream until `signal` aborts (then it ends quietly) or the server closes it.
 * Throws if the gateway answers with an error status (its JSON error message included).
 */
export async function* followLive(baseUrl: string, opts: FollowLiveOptions = {}): AsyncGenerator<LiveBatch> {
  let res: Response;
  try {
    res = await fetch(liveUrl(baseUrl, opts), { headers: { accept: 'text/event-stream' }, signal: opts.signal });
  } catch (err) {
    if (opts.signal?.aborted) return;
    throw err;
  }
  if (!res.ok || !res.body) {
    const text = await res.text().catch(() => '');
    throw new Error(`live stream: HTTP ${res.status} ${text}`);
  }
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let sep: number;
      while ((sep = buffer.indexOf('\n\n')) >= 0) {
        const raw = buffer.slice(0, sep);
        buffer = buffer.slice(sep + 2);
        let event = 'message';
        const data: string[] = [];
        for (const line of raw.split('\n')) {
          if (line.startsWith('event:')) event = line.slice(6).trim();
          else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
        }
        if (event === 'batch' && data.length) yield JSON.parse(data.join('\n')) as LiveBatch;
      }
    }
  } catch (err) {
    if (opts.signal?.aborted) return;
    throw err;
  }
}
