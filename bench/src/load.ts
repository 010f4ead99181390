// Throughput with a real load generator (autocannon), and its figures as a result row.
import autocannon from 'autocannon';
import { summarize, type LatencyStats } from './stats.ts';

export interface LoadResult {
  latency: LatencyStats;     // exact, from every response's time (autocannon's histogram rounds to 1 ms)
  rps: number;               // successful (2xx) responses per second
  requests: number;
  errors: number;            // non-2xx + connection errors + timeouts
  non2xx: number;
  timeouts: number;
  statusCodes: Record<string, number>;
}

export interface LoadOptions {
  urls: string[];             // one or several function URLs; each connection cycles through them
  connections: number;
  durationSec: number;
  body?: string;
  onTick?: (requestsSoFar: number) => void;
}

export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const first = new URL(opts.urls[0]);
  const body = opts.body ?? '{}';
  let count = 0;
  const samples: number[] = [];
  const r = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({
      url: `${first.protocol}//${first.host}`,
      connections: opts.connections,
      duration: opts.durationSec,
      timeout: 30,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      requests: opts.urls.map((u) => ({ method: 'POST' as const, path: new URL(u).pathname, body, headers: { 'content-type': 'application/json' } })),
    }, (err, result) => (err ? reject(err) : resolve(result)));
    instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
      count++;
      samples.push(responseTime);
      if (opts.onTick && count % 500 === 0) opts.onTick(count);
    });
  });
  const statusCodes: Record<string, number> = {};
  const raw = r as unknown as Record<string, number>;
  for (const k of ['1xx', '2xx', '3xx', '4xx', '5xx']) if (raw[k]) statusCodes[k] = raw[k];
  const ok = raw['2xx'] ?? 0;
  const seconds = r.duration || opts.durationSec;
  return {
    latency: summarize(samples),
    rps: Math.round((ok / seconds) * 10) / 10,
    requests: r.requests.total,
    errors: r.errors + r.non2xx + r.timeouts,
    non2xx: r.non2xx,
    timeouts: r.timeouts,
    statusCodes,
  };
}
