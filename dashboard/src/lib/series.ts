// Time windows and the alignment of several metric series into one uPlot data set.

export const WINDOWS = {
  '5m': { label: '5 min', seconds: 300, stepSec: 10 },
  '1h': { label: '1 h', seconds: 3600, stepSec: 10 },
  '24h': { label: '24 h', seconds: 86_400, stepSec: 300 },
  '7d': { label: '7 d', seconds: 604_800, stepSec: 1800 },
} as const;

export type WindowKey = keyof typeof WINDOWS;

export function isWindowKey(v: unknown): v is WindowKey {
  return typeof v === 'string' && v in WINDOWS;
}

export function windowRange(key: WindowKey, now: number = Date.now()): { from: string; to: string; stepSec: number } {
  const w = WINDOWS[key];
  const end = Math.floor(now / 1000 / w.stepSec) * w.stepSec + w.stepSec;
  return { from: new Date((end - w.seconds) * 1000).toISOString(), to: new Date(end * 1000).toISOString(), stepSec: w.stepSec };
}

export interface RawSeries {
  timestamps: number[];
  values: number[];
}

/**
 * Joins series on their timestamps (sorted union); a series without a point at a timestamp gets
 * null there, or 0 for counters when `zeroFill` names it (a missing bucket means no invocations).
 */
export function alignSeries(series: Record<string, RawSeries>, zeroFill: string[] = []): { xs: number[]; columns: Record<string, (number | null)[]> } {
  const xsSet = new Set<number>();
  for (const s of Object.values(series)) for (const t of s.timestamps) xsSet.add(t);
  const xs = [...xsSet].sort((a, b) => a - b);
  const index = new Map(xs.map((t, i) => [t, i]));
  const columns: Record<string, (number | null)[]> = {};
  for (const [name, s] of Object.entries(series)) {
    const fill = zeroFill.includes(name) ? 0 : null;
    const col: (number | null)[] = new Array(xs.length).fill(fill);
    for (let i = 0; i < s.timestamps.length; i++) {
      const v = s.values[i];
      col[index.get(s.timestamps[i]) as number] = Number.isFinite(v) ? v : fill;
    }
    columns[name] = col;
  }
  return { xs, columns };
}

/** Fills missing steps of a regular series between from and to so counters draw as zeros. */
export function regularize(xs: number[], columns: Record<string, (number | null)[]>, fromSec: number, toSec: number, stepSec: number, zeroFill: string[]): { xs: number[]; columns: Record<string, (number | null)[]> } {
  const start = Math.ceil(fromSec / stepSec) * stepSec;
  const out: number[] = [];
  for (let t = start; t < toSec; t += stepSec) out.push(t);
  if (out.length > 5000) return { xs, columns };
  const index = new Map(xs.map((t, i) => [t, i]));
  const cols: Record<string, (number | null)[]> = {};
  for (const [name, col] of Object.entries(columns)) {
    const fill = zeroFill.includes(name) ? 0 : null;
    cols[name] = out.map((t) => {
      const i = index.get(t);
      return i === undefined ? fill : col[i];
    });
  }
  return { xs: out, columns: cols };
}
