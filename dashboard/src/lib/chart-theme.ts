// Shared uPlot options so every chart looks the same and follows the light/dark palette.
import type uPlot from 'uplot';
import { formatDuration, formatCount, formatPercent } from './format.ts';

export const PALETTE = ['#5b7cfa', '#2fb5a3', '#f5a524', '#e5484d', '#a371f7', '#3fb1e3', '#8f9bb3'];

export type Unit = 'count' | 'rate' | 'ms' | 'percent' | 'mb';

export function fmtUnit(unit: Unit, v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  switch (unit) {
    case 'ms':
      return formatDuration(v);
    case 'percent':
      return formatPercent(v);
    case 'mb':
      return `${Math.round(v)} MB`;
    case 'rate':
      return `${formatCount(Math.round(v * 10) / 10)}/s`;
    default:
      return formatCount(Math.round(v * 100) / 100);
  }
}

function cssVar(name: string, fallback: string): string {
  if (typeof document === 'undefined') return fallback;
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

export interface SeriesSpec {
  label: string;
  color?: string;
  fill?: boolean;
  dash?: number[];
  /** Draw across missing points (latencies: a quiet second has no latency, not a zero one). */
  spanGaps?: boolean;
}

export function buildOptions(opts: { width: number; height: number; series: SeriesSpec[]; unit: Unit; sparkline?: boolean; yMin?: number; bars?: boolean }): uPlot.Options {
  const grid = cssVar('--grid', 'rgba(128,128,128,0.15)');
  const axis = cssVar('--muted', '#8a94a6');
  const spark = !!opts.sparkline;
  return {
    width: opts.width,
    height: opts.height,
    pxAlign: false,
    cursor: spark ? { show: false } : { drag: { x: false, y: false }, points: { size: 6 } },
    legend: { show: !spark, live: true },
    padding: spark ? [2, 0, 2, 0] : [10, 8, 0, 0],
    scales: {
      x: {
        time: true,
        // One point (or none): a minute either side of it. uPlot widens a single time point itself
        // before asking (by 86,400,000 s when x is in seconds, so the axis read 2027, 2028, 2029),
        // hence the look at the data rather than at min and max.
        range: (u, min, max) => {
          const xs = u.data?.[0] ?? [];
          if (xs.length === 0 || xs[0] === xs[xs.length - 1] || min === null || max === null) {
            const at = xs[0] ?? Date.now() / 1000;
            return [at - 60, at + 60];
          }
          return [min, max];
        },
      },
      y: { range: (_u, min, max) => [opts.yMin ?? Math.min(0, min ?? 0), Math.max(max ?? 1, opts.unit === 'percent' ? 0.01 : 1) * 1.1] },
    },
    axes: spark
      ? [{ show: false }, { show: false }]
      : [
          { stroke: axis, grid: { stroke: grid, width: 1 }, ticks: { show: false }, font: '11px system-ui, sans-serif' },
          {
            stroke: axis,
            grid: { stroke: grid, width: 1 },
            ticks: { show: false },
            size: 56,
            font: '11px system-ui, sans-serif',
            values: (_u, splits) => splits.map((v) => fmtUnit(opts.unit, v)),
          },
        ],
    series: [
      { value: (_u, v) => (v === null ? '—' : new Date(v * 1000).toLocaleTimeString('en-GB', { hour12: false })) },
      ...opts.series.map((s, i) => {
        const color = s.color ?? PALETTE[i % PALETTE.length];
        return {
          label: s.label,
          stroke: color,
          width: spark ? 1.25 : 1.75,
          dash: s.dash,
          fill: s.fill ? color + '22' : undefined,
          ...(spark ? { points: { show: false } } : { points: { size: 5 } }),
          spanGaps: !!s.spanGaps,
          value: (_u: uPlot, v: number | null) => fmtUnit(opts.unit, v),
        } satisfies uPlot.Series;
      }),
    ],
  };
}
