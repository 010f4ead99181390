// Several MetricsService.GetSeries calls for one chart, aligned on their timestamps.
import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { platform } from '$lib/server/platform.ts';
import { errorResponse, badRequest } from '$lib/server/http.ts';
import { alignSeries, isWindowKey, regularize, windowRange } from '$lib/series.ts';

const METRICS = new Set(['invocations', 'errors', 'throttles', 'cold_starts', 'p50', 'p95', 'p99', 'duration_avg']);
const COUNTERS = ['invocations', 'errors', 'throttles', 'cold_starts'];

export const GET: RequestHandler = async ({ url }) => {
  const q = url.searchParams;
  const metrics = (q.get('metrics') ?? 'invocations').split(',').filter(Boolean);
  for (const m of metrics) if (!METRICS.has(m)) return badRequest(`metrics: unknown metric "${m}"`, 'metrics');
  const win = q.get('window') ?? '1h';
  if (!isWindowKey(win)) return badRequest('window: must be 5m, 1h, 24h or 7d', 'window');
  const { from, to, stepSec } = windowRange(win);
  const base = { function: q.get('function') ?? '', backend: q.get('backend') ?? '', agent: q.get('agent') ?? '', from, to, stepSec };
  try {
    const results = await Promise.all(metrics.map((metric) => platform.getSeries({ ...base, metric })));
    // a bucket without invocations has no latency: 0 there is a gap, not a 0 ms percentile
    const raw = Object.fromEntries(
      results.map((r, i) => [metrics[i], { timestamps: r.timestamps, values: COUNTERS.includes(metrics[i]) ? r.values : r.values.map((v) => (v === 0 ? NaN : v)) }]),
    );
    const aligned = alignSeries(raw, COUNTERS);
    const step = results[0]?.stepSec || stepSec;
    const reg = regularize(aligned.xs, aligned.columns, Date.parse(from) / 1000, Date.parse(to) / 1000, step, COUNTERS);
    return json({ from, to, stepSec: step, xs: reg.xs, columns: reg.columns });
  } catch (err) {
    return errorResponse(err);
  }
};
