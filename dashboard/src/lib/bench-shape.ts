// Reads the benchmark results JSON (bench/results/latest.json, written by the bench tool) into the
// rows the Backends page compares. Tolerant of shape: it looks for each backend's object and, in it,
// the metrics by name (cold start, warm latency, throughput, memory per container, cost).

export interface BackendBench {
  backend: string;
  coldStartMs: { p50: number | null; p99: number | null };
  warmLatencyMs: { p50: number | null; p99: number | null };
  throughputRps: number | null;
  memoryPerContainerMb: number | null;
  costPerMillion: number | null;
}

export interface BenchSummary {
  at: string;
  quick: boolean | null;
  backends: BackendBench[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function pick(o: Obj, patterns: RegExp[], avoid?: RegExp): unknown {
  for (const p of patterns) {
    for (const [k, v] of Object.entries(o)) if (p.test(k) && !(avoid && avoid.test(k))) return v;
  }
  return undefined;
}

function percentiles(v: unknown): { p50: number | null; p99: number | null } {
  if (typeof v === 'number') return { p50: v, p99: null };
  if (!isObj(v)) return { p50: null, p99: null };
  return {
    p50: num(pick(v, [/^p50/i, /^median/i, /^med$/i, /^mean/i, /^avg/i])),
    p99: num(pick(v, [/^p99/i, /^max/i])),
  };
}

function findBackendObjects(root: unknown, depth = 0): Map<string, Obj> {
  const out = new Map<string, Obj>();
  if (depth > 4) return out;
  if (Array.isArray(root)) {
    for (const item of root) {
      if (isObj(item) && typeof item.backend === 'string' && !out.has(item.backend)) out.set(item.backend, item);
    }
    if (out.size) return out;
    for (const item of root) for (const [k, v] of findBackendObjects(item, depth + 1)) if (!out.has(k)) out.set(k, v);
    return out;
  }
  if (!isObj(root)) return out;
  for (const name of ['docker', 'gvisor', 'runc', 'runsc']) {
    const v = root[name];
    if (isObj(v)) out.set(name === 'runc' ? 'docker' : name === 'runsc' ? 'gvisor' : name, v);
  }
  if (out.size) return out;
  for (const v of Object.values(root)) {
    for (const [k, o] of findBackendObjects(v, depth + 1)) if (!out.has(k)) out.set(k, o);
    if (out.size) return out;
  }
  return out;
}

function deepPick(o: Obj, patterns: RegExp[], avoid?: RegExp, depth = 0): unknown {
  const direct = pick(o, patterns, avoid);
  if (direct !== undefined) return direct;
  if (depth > 2) return undefined;
  for (const v of Object.values(o)) {
    if (isObj(v)) {
      const found = deepPick(v, patterns, avoid, depth + 1);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

interface V1Row {
  scenario: string;
  target: string;
  backend: string;
  runtime?: string;
  metrics?: string;
  concurrency?: number;
  latency?: { p50?: number; p99?: number };
  rps?: number;
}

/** The bench tool's own format (schema "stratus.bench/v1", bench/src/types.ts). */
function parseV1(root: Obj): BenchSummary {
  const rows = (Array.isArray(root.rows) ? root.rows : []).filter(isObj) as unknown as V1Row[];
  const memory = (Array.isArray(root.memory) ? root.memory : []).filter(isObj) as { backend?: string; idleBytes?: number; busyBytes?: number }[];
  const cost = (Array.isArray(root.cost) ? root.cost : []).filter(isObj) as { backend?: string; target?: string; usdPerMillion?: number; usdPerMillionWithRequests?: number }[];
  const backends = [...new Set(rows.filter((r) => r.target === 'stratus' && r.backend && r.backend !== '-').map((r) => r.backend))];
  for (const m of memory) if (m.backend && !backends.includes(m.backend)) backends.push(m.backend);
  // one representative row: Python first (the reference function), lowest concurrency, metrics on
  const pickRow = (scenario: string, backend: string): V1Row | undefined =>
    rows
      .filter((r) => r.scenario === scenario && r.target === 'stratus' && r.backend === backend)
      .sort(
        (a, b) =>
          Number(b.runtime === 'python3.11') - Number(a.runtime === 'python3.11') ||
          (a.concurrency ?? 1) - (b.concurrency ?? 1) ||
          Number(b.metrics !== 'off') - Number(a.metrics !== 'off'),
      )[0];
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
  return {
    at: String(root.finishedAt ?? root.startedAt ?? ''),
    quick: isObj(root.options) && typeof root.options.quick === 'boolean' ? root.options.quick : null,
    backends: backends
      .map((backend) => {
        const cold = pickRow('cold', backend);
        const warm = pickRow('warm', backend);
        const thr = rows.filter((r) => r.scenario === 'throughput' && r.target === 'stratus' && r.backend === backend).map((r) => r.rps ?? 0);
        const mem = mean(memory.filter((m) => m.backend === backend && typeof m.idleBytes === 'number').map((m) => (m.idleBytes as number) / 1024 / 1024));
        const c = cost.find((x) => x.backend === backend && (x.target ?? 'stratus') === 'stratus');
        return {
          backend,
          coldStartMs: { p50: num(cold?.latency?.p50), p99: num(cold?.latency?.p99) },
          warmLatencyMs: { p50: num(warm?.latency?.p50), p99: num(warm?.latency?.p99) },
          throughputRps: thr.length ? Math.max(...thr) : null,
          memoryPerContainerMb: mem,
          costPerMillion: num(c?.usdPerMillionWithRequests) ?? num(c?.usdPerMillion),
        };
      })
      .sort((a, b) => (a.backend === 'docker' ? -1 : b.backend === 'docker' ? 1 : a.backend.localeCompare(b.backend))),
  };
}

export function parseBench(json: unknown): BenchSummary | null {
  if (!isObj(json) && !Array.isArray(json)) return null;
  if (isObj(json) && json.schema === 'stratus.bench/v1') return parseV1(json);
  const root = json as Obj;
  const backends = findBackendObjects(json);
  if (!backends.size) return null;
  const at = String((isObj(root) && (root.finishedAt ?? root.at ?? root.date ?? root.startedAt ?? root.timestamp)) || '');
  const quick = isObj(root) && typeof root.quick === 'boolean' ? root.quick : null;
  const rows: BackendBench[] = [];
  for (const [backend, o] of backends) {
    const thr = deepPick(o, [/throughput/i, /rps/i, /req.*per.*s/i]);
    const mem = deepPick(o, [/mem.*per.*container/i, /memory.*overhead/i, /container.*mem/i, /^memory/i, /mem/i]);
    const cost = deepPick(o, [/cost.*million/i, /per.*million/i, /cost/i]);
    rows.push({
      backend,
      coldStartMs: percentiles(deepPick(o, [/^cold/i, /cold/i])),
      warmLatencyMs: percentiles(deepPick(o, [/^warm/i, /warm/i, /latency/i], /cold/i)),
      throughputRps: num(thr) ?? (isObj(thr) ? num(pick(thr, [/rps/i, /mean/i, /avg/i, /value/i, /per/i])) : null),
      memoryPerContainerMb: num(mem) ?? (isObj(mem) ? num(pick(mem, [/mb/i, /mean/i, /avg/i, /p50/i, /median/i])) : null),
      costPerMillion: num(cost) ?? (isObj(cost) ? num(pick(cost, [/million/i, /total/i, /value/i])) : null),
    });
  }
  rows.sort((a, b) => (a.backend === 'docker' ? -1 : b.backend === 'docker' ? 1 : a.backend.localeCompare(b.backend)));
  return { at, quick, backends: rows };
}
