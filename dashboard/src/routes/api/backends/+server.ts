// Live traffic per backend for the Backends page: summary and cost over the last hour.
import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { attempt, platform } from '$lib/server/platform.ts';

export const GET: RequestHandler = async () => {
  const to = new Date(Date.now() + 10_000).toISOString();
  const from = new Date(Date.now() - 3600_000).toISOString();
  const [summary, cost] = await Promise.all([attempt(platform.getSummary({ from, to, groupBy: 'backend' })), attempt(platform.getCost({ from, to }))]);
  return json({ from, to, summary, cost });
};
