// The result tables, rendered as aligned text (terminal) or markdown (latest.md, docs).
import type { BenchResult } from '../types.ts';

export interface Table { title: string; header: string[]; rows: string[][] }

const f = (v: number | undefined, digits = 2): string => (v === undefined || !Number.isFinite(v) ? '-' : Number(v.toFixed(digits)).toString());
const mib = (b: number): string => (b / 1024 / 1024).toFixed(1);

const SCENARIO_ORDER = ['container-start', 'baseline', 'cold', 'warm', 'throughput', 'burst', 'mixed', 'metrics-warm', 'metrics-throughput', 'metrics-sustained'];

export function buildTables(r: BenchResult): Table[] {
  const rows = [...r.rows].sort((a, b) =>
    SCENARIO_ORDER.indexOf(a.scenario) - SCENARIO_ORDER.indexOf(b.scenario) || a.target.localeCompare(b.target) ||
    a.fn.localeCompare(b.fn) || a.backend.localeCompare(b.backend) || a.metrics.localeCompare(b.metrics) || a.concurrency - b.concurrency);
  const tables: Table[] = [{
    title: 'Latency (ms) and throughput',
    header: ['scenario', 'target', 'backend', 'function', 'metrics', 'conc.', 'n', 'p50', 'p95', 'p99', 'max', 'req/s', 'errors', 'cold', 'note'],
    rows: rows.map((x) => [x.scenario, x.target, x.backend, x.fn, x.metrics, String(x.concurrency), String(x.requests),
      f(x.latency.p50), f(x.latency.p95), f(x.latency.p99), f(x.latency.max), x.rps ? f(x.rps, 1) : '-', String(x.errors),
      x.coldStarts === undefined ? '-' : String(x.coldStarts), [x.overheadP50 !== undefined ? `platform overhead p50 ${f(x.overheadP50)} ms` : '', x.note ?? ''].filter(Boolean).join('; ')]),
  }];
  if (r.memory.length) tables.push({
    title: 'One warm container: memory (cgroup v1 memory.usage_in_bytes) and CPU throttling during sequential calls (cpu.stat)',
    header: ['backend', 'function', 'idle MiB', 'busy MiB', 'limit MiB', 'CPU quota', 'busy calls', 'throttled periods', 'throttled ms', 'container'],
    rows: r.memory.map((m) => [m.backend, m.fn, mib(m.idleBytes), mib(m.busyBytes), mib(m.limitBytes),
      m.cpuQuotaPct < 0 ? 'none' : `${m.cpuQuotaPct}%`, String(m.busyInvocations), `${m.throttledPeriods}/${m.periods}`, f(m.throttledMs, 1), m.containerId]),
  });
  if (r.cost.length) tables.push({
    title: `Cost per million invocations (GB-seconds at $${String(r.options.priceGbS)}/GB-s; requests at $0.20/M)`,
    header: ['target', 'backend', 'function', 'memory MiB', '+overhead MiB', 'billed ms', 'GB-s per M', '$ per M', '$ per M + requests'],
    rows: r.cost.map((c) => [c.target, c.backend, c.fn, String(c.memoryMb), f(c.overheadMb, 1), String(c.billedMs), f(c.gbSecondsPerMillion, 1), f(c.usdPerMillion, 4), f(c.usdPerMillionWithRequests, 4)]),
  });
  if (r.ratios.length) tables.push({
    title: 'Ratios', header: ['ratio', 'value', 'from'],
    rows: r.ratios.map((x) => [x.name, f(x.value), x.detail]),
  });
  if (r.targets.length) tables.push({
    title: 'Targets (issues 4 and 5)', header: ['issue', 'target', 'goal', 'measured', 'result'],
    rows: r.targets.map((t) => [`#${t.issue}`, t.name, t.goal, t.measured, t.pass === null ? 'not measured' : t.pass ? 'PASS' : 'MISS']),
  });
  return tables;
}

export function toText(tables: Table[]): string {
  return tables.map((t) => {
    const widths = t.header.map((h, i) => Math.max(h.length, ...t.rows.map((r) => (r[i] ?? '').length)));
    const line = (cells: string[]) => cells.map((c, i) => (c ?? '').padEnd(widths[i])).join('  ').trimEnd();
    return [`== ${t.title}`, line(t.header), line(widths.map((w) => '-'.repeat(w))), ...t.rows.map(line)].join('\n');
  }).join('\n\n');
}

export function toMarkdown(tables: Table[]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return tables.map((t) => [`### ${t.title}`, '', `| ${t.header.map(esc).join(' | ')} |`, `|${t.header.map(() => '---').join('|')}|`,
    ...t.rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n')).join('\n\n');
}

export function machineLine(r: BenchResult): string {
  const m = r.machine;
  return `${m.os}, kernel ${m.kernel}, ${m.nproc} × ${m.cpuModel}, ${m.memoryGiB} GiB, Docker ${m.docker} (containerd ${m.containerd}, runc ${m.runc}), ${m.runsc} (${m.runscPlatform} platform), cgroup ${m.cgroup}, Node.js ${m.node}; load average (1 min) ${m.loadAvg1AtStart ?? '?'} at start, ${m.loadAvg1AtEnd ?? '?'} at end`;
}
