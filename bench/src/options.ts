// Command-line options of `npm run bench`.
import { parseArgs } from 'node:util';
import path from 'node:path';

export const ALL_SCENARIOS = ['baseline', 'raw', 'cold', 'warm', 'throughput', 'memory', 'burst', 'mixed'] as const;
export type Scenario = (typeof ALL_SCENARIOS)[number];
export const ALL_BACKENDS = ['docker', 'gvisor'] as const;
export type BenchBackend = (typeof ALL_BACKENDS)[number];
export const ALL_RUNTIMES = ['python3.11', 'nodejs20.x'] as const;

/** Lambda's public x86 price per GB-second (us-east-1) and per request. */
export const LAMBDA_PRICE_GB_S = 0.0000166667;
export const LAMBDA_PRICE_PER_MILLION_REQUESTS = 0.2;

export interface BenchOptions {
  quick: boolean;
  scenarios: Scenario[];
  backends: BenchBackend[];
  runtimes: string[];
  functions: string[] | undefined;   // fixture ids; undefined = all of the selected runtimes
  durationSec: number;               // each throughput point
  warmupSec: number;                 // discarded load before each throughput point
  concurrency: number[];
  coldCount: number;                 // fresh functions per (function, backend)
  warmCount: number;                 // sequential warm calls
  metricsWarmCount: number;          // sequential warm calls per side in the metrics on/off comparison
  baselineCount: number;             // docker run --rm per (function, backend)
  burstFunctions: number;
  burstRequests: number;
  mixedDurationSec: number;
  mixedConcurrency: number;
  metricsCompare: boolean;
  priceGbS: number;
  outDir: string;
  verbose: boolean;
  writeDocs: boolean;
  memoryMb: number;                  // memory_mb of the benchmark functions (and the docker run baseline)
  metricsMemoryMb: number;           // memory_mb of the functions in the metrics on/off comparison
  metricsWarmRounds: number;         // alternating rounds of the warm metrics comparison
  metricsThroughputRounds: number;   // alternating rounds of 3 s (30% of --duration) in the throughput one
  metricsSustainedRounds: number;    // alternating rounds of 30 s in the sustained one
  combine: string[] | undefined;     // result files whose metrics comparisons are pooled (no run)
}

const HELP = `Usage: npm run bench -- [options]

  --quick                 a short run (under two minutes on a quiet machine): the no-op functions
                          only, fewer samples, 2 s points, no burst, no mixed load, no metrics-off
  --scenarios LIST        comma list of ${ALL_SCENARIOS.join(', ')} (default: all)
  --backends LIST         docker,gvisor (default: both)
  --runtimes LIST         python3.11,nodejs20.x (default: both)
  --functions LIST        fixture ids: noop-py, noop-node, cpu-py, tmp-node (default: all of the runtimes)
  --duration SEC          seconds per throughput point (default 10, quick 2)
  --concurrency LIST      throughput concurrency levels (default 1,8,32; quick 32)
  --cold N                fresh functions per function and backend for the cold start (default 10, quick 2)
  --warm N                sequential warm calls (default 500, at most 15 s; quick 50, at most 5 s)
  --metrics-warm N        sequential warm calls per side in the metrics on/off comparison (default
                          6000, quick 150): the p50s of 500 calls on two identical metrics-off
                          platforms differed by up to 25% (docs/benchmarks.md)
  --baseline N            docker run --rm samples per function and backend (default 10, quick 2)
  --burst-functions N     functions in the burst (default 20)
  --burst-requests N      concurrent first invocations in the burst (default 200)
  --mixed-duration SEC    the mixed load (default 60, quick 10)
  --mixed-concurrency N   (default 16)
  --no-metrics-compare    skip metrics on vs off (three more platforms side by side: on, off, and off again for the noise floor)
  --memory MB             memory_mb of the benchmark functions (default 128; CPU is in proportion:
                          one CPU at 1769 MB, so 128 MB gets 7% of a CPU, as on Lambda)
  --metrics-memory MB     memory_mb of the functions in the metrics on/off comparison (default 1769,
                          one CPU: at 128 MB the CFS quota throttles both platforms' containers
                          unevenly, and its noise was larger than the difference measured)
  --metrics-rounds N      alternating rounds of the metrics on/off comparison, warm and throughput
                          (default 24 warm, 20 throughput; quick 2): the 95% interval of a row's
                          round-by-round median narrows about as 1/sqrt(N), 4-8 points wide at 20
  --metrics-sustained-rounds N  its rounds of 30 s (default 4)
  --combine FILES         no run: pool the metrics on/off rounds of these result files (comma list,
                          e.g. bench/results/A.json,bench/results/B.json) into one figure per row,
                          with its 95% interval; separate runs narrow it where more rounds of one
                          run do not (docs/benchmarks.md)
  --price-gb-s USD        price per GB-second (default Lambda x86: ${LAMBDA_PRICE_GB_S})
  --out DIR               where results go (default bench/results)
  --write-docs            also update docs/benchmarks.md (generated part) and docs/benchmarks.svg
  --verbose               show the platform's logs
`;

function list(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

function positive(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number, got ${JSON.stringify(value)}`);
  return n;
}

/** A count of rounds: a whole number, at least 1 (a comparison needs one round of each side). */
function rounds(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a whole number of rounds, at least 1, got ${JSON.stringify(value)}`);
  return n;
}

/** --combine's files, resolved as --out is (from the repository's root); at least one. */
function combineFiles(value: string | undefined, repoRoot: string): string[] | undefined {
  const files = list(value);
  if (files === undefined) return undefined;
  if (files.length === 0) throw new Error('--combine: give one or more result files, e.g. --combine bench/results/A.json,bench/results/B.json');
  return files.map((f) => path.resolve(repoRoot, f));
}

export function parseOptions(argv: string[], repoRoot: string): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    allowPositionals: false,
    options: {
      quick: { type: 'boolean', default: false },
      scenarios: { type: 'string' },
      backends: { type: 'string' },
      runtimes: { type: 'string' },
      functions: { type: 'string' },
      duration: { type: 'string' },
      concurrency: { type: 'string' },
      cold: { type: 'string' },
      warm: { type: 'string' },
      'metrics-warm': { type: 'string' },
      baseline: { type: 'string' },
      'burst-functions': { type: 'string' },
      'burst-requests': { type: 'string' },
      'mixed-duration': { type: 'string' },
      'mixed-concurrency': { type: 'string' },
      'no-metrics-compare': { type: 'boolean', default: false },
      'price-gb-s': { type: 'string' },
      out: { type: 'string' },
      'write-docs': { type: 'boolean', default: false },
      memory: { type: 'string' },
      'metrics-memory': { type: 'string' },
      'metrics-rounds': { type: 'string' },
      'metrics-sustained-rounds': { type: 'string' },
      combine: { type: 'string' },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  const quick = values.quick ?? false;
  const scenarios = (list(values.scenarios) ??
    ALL_SCENARIOS.filter((s) => !quick || (s !== 'burst' && s !== 'mixed'))) as Scenario[];
  for (const s of scenarios) {
    if (!(ALL_SCENARIOS as readonly string[]).includes(s)) throw new Error(`--scenarios: unknown scenario ${JSON.stringify(s)} (known: ${ALL_SCENARIOS.join(', ')})`);
  }
  const backends = (list(values.backends) ?? [...ALL_BACKENDS]) as BenchBackend[];
  for (const b of backends) {
    if (!(ALL_BACKENDS as readonly string[]).includes(b)) throw new Error(`--backends: unknown backend ${JSON.stringify(b)} (known: ${ALL_BACKENDS.join(', ')})`);
  }
  const runtimes = list(values.runtimes) ?? [...ALL_RUNTIMES];
  for (const r of runtimes) {
    if (!(ALL_RUNTIMES as readonly string[]).includes(r)) throw new Error(`--runtimes: unknown runtime ${JSON.stringify(r)} (known: ${ALL_RUNTIMES.join(', ')})`);
  }
  const concurrency = (list(values.concurrency) ?? (quick ? ['32'] : ['1', '8', '32'])).map((c) => {
    const n = Number(c);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--concurrency: ${JSON.stringify(c)} is not a positive integer`);
    return n;
  });
  const durationSec = positive('duration', values.duration, quick ? 2 : 10);
  return {
    quick,
    scenarios,
    backends,
    runtimes,
    functions: list(values.functions) ?? (quick ? ['noop-py', 'noop-node'] : undefined),
    durationSec,
    warmupSec: quick ? 0.5 : 1,
    concurrency,
    coldCount: Math.floor(positive('cold', values.cold, quick ? 2 : 10)),
    warmCount: Math.floor(positive('warm', values.warm, quick ? 50 : 500)),
    metricsWarmCount: Math.floor(positive('metrics-warm', values['metrics-warm'], quick ? 150 : 6000)),
    baselineCount: Math.floor(positive('baseline', values.baseline, quick ? 2 : 10)),
    burstFunctions: Math.floor(positive('burst-functions', values['burst-functions'], quick ? 10 : 20)),
    burstRequests: Math.floor(positive('burst-requests', values['burst-requests'], quick ? 50 : 200)),
    mixedDurationSec: positive('mixed-duration', values['mixed-duration'], quick ? 10 : 60),
    mixedConcurrency: Math.floor(positive('mixed-concurrency', values['mixed-concurrency'], 16)),
    metricsCompare: !values['no-metrics-compare'] && !quick,
    priceGbS: positive('price-gb-s', values['price-gb-s'], LAMBDA_PRICE_GB_S),
    outDir: path.resolve(repoRoot, values.out ?? 'bench/results'),
    writeDocs: values['write-docs'] ?? false,
    memoryMb: Math.floor(positive('memory', values.memory, 128)),
    metricsMemoryMb: Math.floor(positive('metrics-memory', values['metrics-memory'], 1769)),
    metricsWarmRounds: rounds('metrics-rounds', values['metrics-rounds'], quick ? 2 : 24),
    metricsThroughputRounds: rounds('metrics-rounds', values['metrics-rounds'], quick ? 2 : 20),
    metricsSustainedRounds: rounds('metrics-sustained-rounds', values['metrics-sustained-rounds'], 4),
    combine: combineFiles(values.combine, repoRoot),
    verbose: values.verbose ?? false,
  };
}

export { HELP };
