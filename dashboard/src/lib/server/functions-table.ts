// The functions table: every function's latest version, its last hour from MetricsService, and its
// recent traffic from the live hub (per minute, last 30 minutes).
import { platform } from './platform.ts';
import { liveHub } from './live.ts';

export interface FunctionRow {
  name: string;
  version: number;
  runtime: string;
  backend: string;
  handler: string;
  memoryMb: number;
  description: string;
  updatedAt: string;
  invocations: number | null; // last hour
  errors: number | null;
  p50: number | null;
  lastAt: string;
  spark: number[];
  sparkStart: number;
}

export async function functionsTable(): Promise<{ rows: FunctionRow[]; summaryError?: string }> {
  const hub = liveHub();
  const to = new Date(Date.now() + 10_000).toISOString();
  const from = new Date(Date.now() - 3600_000).toISOString();
  const [functions, summary] = await Promise.all([
    platform.listFunctions(),
    platform.getSummary({ from, to, groupBy: 'function' }).catch((err: Error) => err),
  ]);
  const byName = new Map(summary instanceof Error ? [] : summary.rows.map((r) => [r.key, r]));
  const nowSec = Math.floor(Date.now() / 1000);
  const rows = functions.map((f): FunctionRow => {
    const s = byName.get(f.name);
    const live = hub.stats.functionLive(f.name, 30, nowSec);
    return {
      name: f.name,
      version: f.version,
      runtime: f.runtime,
      backend: f.backend,
      handler: f.handler,
      memoryMb: f.memoryMb,
      description: f.description,
      updatedAt: f.updatedAt,
      invocations: summary instanceof Error ? null : (s?.invocations ?? 0),
      errors: summary instanceof Error ? null : (s?.errors ?? 0),
      p50: s && s.invocations ? s.p50Ms : null,
      lastAt: live?.lastAt ?? '',
      spark: live?.perMinute ?? new Array(30).fill(0),
      sparkStart: live?.minuteStart ?? (Math.floor(nowSec / 60) - 29) * 60,
    };
  });
  return { rows, ...(summary instanceof Error ? { summaryError: summary.message } : {}) };
}
