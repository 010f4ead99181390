import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { benchStatus, readLatestResults, startQuickBench, stopBench } from '$lib/server/bench.ts';
import { parseBench } from '$lib/bench-shape.ts';

export const GET: RequestHandler = async ({ url }) => {
  const withResults = url.searchParams.get('results') !== '0';
  const latest = withResults ? await readLatestResults() : null;
  return json({
    job: benchStatus(),
    results: latest ? { path: latest.path, mtime: latest.mtime, summary: parseBench(latest.json), raw: latest.json } : null,
  });
};

export const POST: RequestHandler = async () => json({ job: startQuickBench() }, { status: 202 });

export const DELETE: RequestHandler = async () => {
  stopBench();
  return json({ job: benchStatus() });
};
