// The overview's non-series numbers: the summary for the window and the pool across agents.
import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { attempt, platform } from '$lib/server/platform.ts';
import { isWindowKey, windowRange } from '$lib/series.ts';
import { badRequest } from '$lib/server/http.ts';

export const GET: RequestHandler = async ({ url }) => {
  const win = url.searchParams.get('window') ?? '1h';
  if (!isWindowKey(win)) return badRequest('window: must be 5m, 1h, 24h or 7d', 'window');
  const { from, to } = windowRange(win);
  const [summary, byBackend, pool] = await Promise.all([
    attempt(platform.getSummary({ from, to, groupBy: 'function' })),
    attempt(platform.getSummary({ from, to, groupBy: 'backend' })),
    attempt(platform.getPool()),
  ]);
  return json({ summary, byBackend, pool });
};
