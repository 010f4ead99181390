// The invoke console: calls the function through the gateway's public HTTP endpoint so the console
// shows exactly what a client gets (status, X-Stratus-* headers, Server-Timing, body).
import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { parseServerTiming } from '@stratus/common/server-timing.ts';
import { invokeViaGateway } from '$lib/server/platform.ts';
import { errorResponse } from '$lib/server/http.ts';

export const POST: RequestHandler = async ({ params, request, url }) => {
  const body = await request.text();
  const version = Number(url.searchParams.get('version') ?? 0) || undefined;
  try {
    const res = await invokeViaGateway(params.name, body, version);
    return json({
      status: res.status,
      requestId: res.headers['x-stratus-request-id'] ?? '',
      coldStart: res.headers['x-stratus-cold-start'] === 'true',
      durationMs: res.headers['x-stratus-duration-ms'] !== undefined ? Number(res.headers['x-stratus-duration-ms']) : null,
      backend: res.headers['x-stratus-backend'] ?? '',
      elapsedMs: res.elapsedMs,
      timing: parseServerTiming(res.headers['server-timing']),
      headers: res.headers,
      body: res.body,
    });
  } catch (err) {
    return errorResponse(err);
  }
};
