// A hand-made SVG chart: three panels of horizontal bars — cold start p50 (Stratus vs docker run,
// log scale), warm p50/p99, and throughput per concurrency against the raw HTTP ceiling.
import type { BenchResult, ResultRow } from '../types.ts';

interface Bar { label: string; value: number; color: string; text: string }
interface Panel { title: string; unit: string; log: boolean; bars: Bar[] }

const COLORS: Record<string, string> = { docker: '#2563eb', gvisor: '#db2777', 'docker-run docker': '#93c5fd', 'docker-run gvisor': '#f9a8d4', raw: '#6b7280' };
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function colorOf(r: ResultRow): string {
  if (r.target === 'raw-http') return COLORS.raw;
  if (r.target === 'docker-run') return COLORS[`docker-run ${r.backend}`] ?? '#999';
  return COLORS[r.backend] ?? '#999';
}

function panels(result: BenchResult): Panel[] {
  const rows = result.rows;
  const out: Panel[] = [];
  const cold: Bar[] = [];
  for (const c of rows.filter((r) => r.scenario === 'cold' || r.scenario === 'baseline').sort((a, b) => a.fn.localeCompare(b.fn) || a.backend.localeCompare(b.backend) || a.scenario.localeCompare(b.scenario))) {
    cold.push({ label: `${c.fn} ${c.backend} ${c.target === 'stratus' ? 'Stratus' : 'docker run'}`, value: c.latency.p50, color: colorOf(c), text: `${c.latency.p50.toFixed(1)} ms` });
  }
  if (cold.length) out.push({ title: 'Cold start: first invocation, p50 (ms, log scale)', unit: 'ms', log: true, bars: cold });
  const warm: Bar[] = [];
  for (const w of rows.filter((r) => r.scenario === 'warm').sort((a, b) => a.fn.localeCompare(b.fn) || a.backend.localeCompare(b.backend) || a.metrics.localeCompare(b.metrics))) {
    warm.push({ label: `${w.fn} ${w.backend}${w.metrics === 'off' ? ' (metrics off)' : ''}`, value: w.latency.p50, color: colorOf(w), text: `p50 ${w.latency.p50.toFixed(2)} / p99 ${w.latency.p99.toFixed(2)} ms` });
  }
  if (warm.length) out.push({ title: 'Warm invocation, sequential, p50 (ms)', unit: 'ms', log: false, bars: warm });
  const tp: Bar[] = [];
  for (const t of rows.filter((r) => r.scenario === 'throughput' && r.metrics !== 'off').sort((a, b) => a.concurrency - b.concurrency || a.target.localeCompare(b.target) || a.fn.localeCompare(b.fn) || a.backend.localeCompare(b.backend))) {
    tp.push({ label: `c=${t.concurrency} ${t.target === 'raw-http' ? 'raw node:http' : `${t.fn} ${t.backend}`}`, value: t.rps, color: colorOf(t), text: `${Math.round(t.rps)} req/s${t.errors ? `, ${t.errors} errors` : ''}` });
  }
  if (tp.length) out.push({ title: 'Throughput (requests/s, autocannon)', unit: 'req/s', log: false, bars: tp });
  return out;
}

export function renderSvg(result: BenchResult): string {
  const width = 980;
  const labelW = 300;
  const barMax = width - labelW - 200;
  const barH = 16;
  const gap = 4;
  let y = 56;
  const parts: string[] = [];
  for (const p of panels(result)) {
    parts.push(`<text x="20" y="${y}" font-size="15" font-weight="bold">${esc(p.title)}</text>`);
    y += 12;
    const max = Math.max(...p.bars.map((b) => b.value), 1e-9);
    const min = Math.max(Math.min(...p.bars.map((b) => b.value).filter((v) => v > 0)), 0.01);
    const scale = (v: number) => {
      if (!(v > 0)) return 0;
      if (!p.log) return (v / max) * barMax;
      const lo = Math.log10(min) - 0.3;
      return ((Math.log10(v) - lo) / (Math.log10(max) - lo)) * barMax;
    };
    for (const b of p.bars) {
      const w = Math.max(1, scale(b.value));
      parts.push(`<text x="${labelW - 8}" y="${y + barH - 4}" font-size="12" text-anchor="end">${esc(b.label)}</text>`);
      parts.push(`<rect x="${labelW}" y="${y}" width="${w.toFixed(1)}" height="${barH}" fill="${b.color}"/>`);
      parts.push(`<text x="${(labelW + w + 6).toFixed(1)}" y="${y + barH - 4}" font-size="12">${esc(b.text)}</text>`);
      y += barH + gap;
    }
    y += 28;
  }
  const legend = [['docker', 'Stratus on Docker (runc)'], ['gvisor', 'Stratus on gVisor (runsc)'], ['docker-run docker', 'docker run --rm (runc)'], ['docker-run gvisor', 'docker run --rm (runsc)'], ['raw', 'raw node:http']];
  let lx = 20;
  const legendParts = legend.map(([k, text]) => {
    const s = `<rect x="${lx}" y="${y}" width="12" height="12" fill="${COLORS[k]}"/><text x="${lx + 16}" y="${y + 11}" font-size="12">${esc(text)}</text>`;
    lx += 190;
    return s;
  });
  y += 30;
  const title = `Stratus benchmark ${result.startedAt.slice(0, 16).replace('T', ' ')} UTC: ${result.machine.nproc} CPUs, ${result.machine.memoryGiB} GiB, kernel ${result.machine.kernel}`;
  return [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="20" y="28" font-size="17" font-weight="bold">${esc(title)}</text>`,
    ...parts, ...legendParts, '</svg>', ''].join('\n');
}
