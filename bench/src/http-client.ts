// A small keep-alive HTTP client for sequential invocations (lighter than fetch, so the client adds
// as little as possible to a sub-millisecond measurement), and JSON helpers for the REST API.
import http from 'node:http';
import { performance } from 'node:perf_hooks';

export interface TimedResponse {
  status: number;
  ms: number;                       // end to end: request written to last byte of the response read
  headers: http.IncomingHttpHeaders;
  body: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });

export function request(url: string, opts: { method?: string; body?: string; timeoutMs?: number; headers?: Record<string, string> } = {}): Promise<TimedResponse> {
  return new Promise((resolve, reject) => {
    const body = opts.body ?? '';
    const t0 = performance.now();
    const req = http.request(url, {
      method: opts.method ?? 'POST',
      agent,
      // No content-type without a body: a JSON content-type with an empty body is a 400 (INVALID_JSON).
      headers: { ...(body ? { 'content-type': 'application/json' } : {}), 'content-length': Buffer.byteLength(body), ...opts.headers },
      timeout: opts.timeoutMs ?? 60_000,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`request to ${url} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

export async function getJson<T = unknown>(url: string, timeoutMs = 10_000): Promise<{ status: number; body: T | undefined; text: string }> {
  const r = await request(url, { method: 'GET', timeoutMs });
  let parsed: T | undefined;
  try { parsed = JSON.parse(r.body) as T; } catch { parsed = undefined; }
  return { status: r.status, body: parsed, text: r.body };
}

export async function sendJson(method: string, url: string, payload: unknown, timeoutMs = 60_000): Promise<{ status: number; text: string }> {
  const r = await request(url, { method, body: JSON.stringify(payload), timeoutMs });
  return { status: r.status, text: r.body };
}

export function closeClient(): void {
  agent.destroy();
}
