// Server-Sent Events: a 'hello' with the recent history, then one 'tick' per second (closed
// per-second statistics, a bounded batch of invocation events, the agents' latest gauges).
import type { RequestHandler } from './$types';
import { liveHub } from '$lib/server/live.ts';

export const GET: RequestHandler = ({ request }) => {
  const hub = liveHub();
  const enc = new TextEncoder();
  let unsubscribe: (() => void) | null = null;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (event: string, data: unknown) => {
        try {
          controller.enqueue(enc.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
        } catch {
          unsubscribe?.();
        }
      };
      controller.enqueue(enc.encode('retry: 2000\n\n'));
      send('hello', hub.hello());
      unsubscribe = hub.subscribe((tick) => send('tick', tick));
      request.signal.addEventListener('abort', () => {
        unsubscribe?.();
        try {
          controller.close();
        } catch {
          /* already closed */
        }
      });
    },
    cancel() {
      unsubscribe?.();
    },
  });
  return new Response(stream, {
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    },
  });
};
