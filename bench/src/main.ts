// `npm run bench`: runs the benchmark matrix (baselines, raw HTTP ceiling, then Stratus itself with
// metrics on, then metrics on against off), prints the table and writes bench/results/.
//
// Order of a full run, each step reported by the progress display:
//  1. `docker run --rm` baselines: bare container start and one invocation per container, per backend.
//  2. The raw HTTP ceiling: a plain node:http server, sequential and under autocannon.
//  3. A fresh platform (control plane, agent, gateway as separate processes, metrics on): per function
//     and backend warm latency, container memory and throughput; then cold starts, the burst, the
//     mixed load; then it is stopped and its containers counted (leaks).
//  4. Three more platforms side by side, metrics on, STRATUS_METRICS=false, and false again (the
//     noise floor): warm latency and throughput of the no-op functions in alternating rounds
//     (scenarios/metrics-cost.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRawHttpServer } from './baselines/raw-http.ts';
import { containerStart, dockerRunBaseline } from './baselines/docker-run.ts';
import { costRows, ratios, targets } from './analysis.ts';
import type { BenchContext, PlatformContext } from './context.ts';
import { containersWithLabel, removeContainers, runtimeImages } from './docker.ts';
import { selectFixtures, tempRoot, writeFixture, type Fixture } from './fixtures.ts';
import { deleteFunctions, deployFunction, setFunctionMemoryMb, waitForContainers, waitForPoolSettled } from './functions.ts';
import { closeClient, request } from './http-client.ts';
import { describeMachine } from './machine.ts';
import { HELP, parseOptions, type BenchOptions } from './options.ts';
import { combineRuns, combinedReport, readResults } from './combine.ts';
import { startBenchPlatform, type BenchPlatform } from './platform.ts';
import { Progress } from './progress.ts';
import { buildTables, machineLine, toMarkdown, toText } from './report/tables.ts';
import { renderSvg } from './report/svg.ts';
import { writeDocs } from './report/docs.ts';
import { burst } from './scenarios/burst.ts';
import { coldStart } from './scenarios/cold.ts';
import { containerMemory } from './scenarios/memory.ts';
import { pairedThroughput, pairedWarm, type Side } from './scenarios/metrics-cost.ts';
import { mixedLoad } from './scenarios/mixed.ts';
import { throughput } from './scenarios/throughput.ts';
import { warmLatency } from './scenarios/warm.ts';
import { summarize } from './stats.ts';
import type { BenchResult, ResultRow } from './types.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function has(opts: BenchOptions, ...s: BenchOptions['scenarios']): boolean {
  return s.some((x) => opts.scenarios.includes(x));
}

function countSteps(opts: BenchOptions, fixtures: Fixture[]): number {
  const fb = fixtures.length * opts.backends.length;
  const runtimes = new Set(fixtures.map((f) => f.runtime)).size;
  let n = 1; // images
  if (has(opts, 'baseline')) n += runtimes * opts.backends.length + fb;
  if (has(opts, 'raw', 'throughput')) n += 1;
  const onPlatform = has(opts, 'cold', 'warm', 'throughput', 'memory', 'burst', 'mixed');
  if (onPlatform) {
    n += 3; // start, wait for the pool, stop
    if (has(opts, 'warm', 'throughput', 'memory')) n += fb;
    if (has(opts, 'memory')) n += fb;
    if (has(opts, 'throughput')) n += fb;
    if (has(opts, 'cold')) n += fb;
    if (has(opts, 'burst')) n += opts.backends.length;
    if (has(opts, 'mixed')) n += 1;
  }
  if (onPlatform && opts.metricsCompare && has(opts, 'warm', 'throughput')) n += 6 + 2 * fixtures.filter((f) => f.noop).length * opts.backends.length;
  return n;
}

export async function main(argv: string[]): Promise<number> {
  let opts: BenchOptions;
  try {
    const parsed = parseOptions(argv, repoRoot);
    if (parsed === 'help') { process.stdout.write(HELP); return 0; }
    opts = parsed;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (opts.combine) {
    try {
      process.stdout.write(combinedReport(combineRuns(readResults(opts.combine))));
      return 0;
    } catch (err) {
      process.stderr.write(`${(err as Error).message}\n`);
      return 2;
    }
  }
  setFunctionMemoryMb(opts.memoryMb);
  const gvisorMissing = process.env.STRATUS_BENCH_GVISOR_UNAVAILABLE;
  if (gvisorMissing && opts.backends.includes('gvisor')) {
    process.stderr.write(`gVisor is not available here (${gvisorMissing}): benchmarking docker only\n`);
    opts.backends = opts.backends.filter((b) => b !== 'gvisor');
    if (opts.backends.length === 0) return 2;
  }
  const fixtures = selectFixtures(opts.runtimes, opts.functions);
  if (fixtures.length === 0) { process.stderr.write('no benchmark function matches --runtimes/--functions\n'); return 2; }
  const startedAt = new Date();
  const runId = Date.now().toString(36);
  const workDir = tempRoot();
  const progress = new Progress(countSteps(opts, fixtures));
  const ctx: BenchContext = {
    opts, runId, fixtures, backends: opts.backends, progress, rows: [], memory: [], failures: [], workDir, images: {},
  };
  const dockerRunLabel = `stratus.bench=${runId}`;
  const platforms: BenchPlatform[] = [];
  let leaked: number | null = null;

  const cleanup = async () => {
    for (const p of platforms.splice(0)) await p.stop().catch(() => undefined);
    const left = await containersWithLabel(dockerRunLabel).catch(() => []);
    await removeContainers(left.map((c) => c.id));
  };
  const onSignal = () => {
    progress.stop();
    process.stderr.write('\ninterrupted: stopping the benchmark platform and removing its containers\n');
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  /** Runs one step; a failure is recorded and the run goes on. */
  const step = async <T>(label: string, fn: () => Promise<T>, summary: (v: T) => string): Promise<T | undefined> => {
    progress.step(label);
    try {
      const v = await fn();
      progress.done(summary(v));
      return v;
    } catch (err) {
      const msg = (err as Error).message.split('\n')[0];
      ctx.failures.push(`${label}: ${(err as Error).message}`);
      progress.fail(msg);
      return undefined;
    }
  };
  const latencyText = (r: { latency: { p50: number; p99: number }; errors: number; rps?: number }) =>
    `p50 ${r.latency.p50.toFixed(2)} ms, p99 ${r.latency.p99.toFixed(2)} ms${r.rps ? `, ${r.rps} req/s` : ''}${r.errors ? `, ${r.errors} errors` : ''}`;

  progress.log(`Stratus benchmark ${runId}: scenarios ${opts.scenarios.join(',')}; backends ${opts.backends.join(',')}; functions ${fixtures.map((f) => f.id).join(',')}${opts.quick ? ' (quick)' : ''}`);
  const machine = await describeMachine();
  machine.loadAvg1AtStart = Math.round(os.loadavg()[0] * 100) / 100;
  try {
    const images = await step('runtime images', () => runtimeImages([...new Set(fixtures.map((f) => f.runtime))], repoRoot, (m) => progress.update(m)),
      (v) => Object.values(v).join(', '));
    if (!images) throw new Error('the runtime images are needed for everything else');
    ctx.images = images;

    // 1. The naive platform: docker run --rm.
    if (has(opts, 'baseline')) {
      for (const runtime of new Set(fixtures.map((f) => f.runtime))) {
        for (const backend of opts.backends) {
          const row = await step(`container start ${runtime} ${backend} (docker run /bin/true) ×${opts.baselineCount}`,
            () => containerStart(images[runtime], runtime, opts.baselineCount, { image: images[runtime], backend, label: dockerRunLabel, memoryMb: opts.memoryMb, onSample: (i) => progress.update(`${i + 1}/${opts.baselineCount}`) }), latencyText);
          if (row) ctx.rows.push(row);
        }
      }
      for (const fixture of fixtures) {
        const dir = writeFixture(fixture, workDir);
        for (const backend of opts.backends) {
          const row = await step(`docker run --rm ${fixture.id} ${backend} ×${opts.baselineCount}`,
            () => dockerRunBaseline(fixture, dir, opts.baselineCount, { image: images[fixture.runtime], backend, label: dockerRunLabel, memoryMb: opts.memoryMb, onSample: (i) => progress.update(`${i + 1}/${opts.baselineCount}`) }), latencyText);
          if (row) ctx.rows.push(row);
        }
      }
    }

    // 2. The raw HTTP ceiling.
    if (has(opts, 'raw', 'throughput')) {
      await step('raw HTTP ceiling (node:http, same request, autocannon)', async () => {
        const server = await startRawHttpServer();
        try {
          const samples: number[] = [];
          for (let i = 0; i < opts.warmCount + 5; i++) {
            const r = await request(server.url, { body: '{}' });
            if (i >= 5) samples.push(r.ms);
          }
          ctx.rows.push({ scenario: 'warm', target: 'raw-http', backend: '-', fn: '-', runtime: '-', metrics: '-', concurrency: 1, latency: summarize(samples), rps: 0, requests: samples.length, errors: 0 });
          const out: string[] = [];
          for (const c of opts.concurrency) {
            const row = await throughput(ctx, { target: 'raw-http', backend: '-', fn: '-', runtime: '-', metrics: '-', urls: [server.url] }, c, opts.durationSec);
            ctx.rows.push(row);
            out.push(`c=${c}: ${row.rps} req/s`);
          }
          return out.join(', ');
        } finally {
          await server.close();
        }
      }, (v) => v);
    }

    // 3. Stratus, metrics on.
    if (has(opts, 'cold', 'warm', 'throughput', 'memory', 'burst', 'mixed')) {
      leaked = await platformRun(ctx, step, latencyText, platforms);
      // 4. What metrics cost: a metrics-on and a metrics-off platform side by side, in alternating rounds.
      if (opts.metricsCompare && has(opts, 'warm', 'throughput')) {
        const l2 = await metricsComparison(ctx, step, latencyText, platforms);
        if (l2 !== null) leaked = (leaked ?? 0) + l2;
      }
    }
  } catch (err) {
    ctx.failures.push((err as Error).message);
    progress.log(`fatal: ${(err as Error).message}`);
  } finally {
    await cleanup();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    progress.stop();
    closeClient();
  }

  const finishedAt = new Date();
  machine.loadAvg1AtEnd = Math.round(os.loadavg()[0] * 100) / 100;
  const result: BenchResult = {
    schema: 'stratus.bench/v1',
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationSec: Math.round((finishedAt.getTime() - startedAt.getTime()) / 100) / 10,
    command: `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`,
    machine,
    options: { ...opts, outDir: path.relative(repoRoot, opts.outDir) || '.', fixtures: fixtures.map((f) => f.id) },
    rows: ctx.rows,
    memory: ctx.memory,
    cost: costRows(ctx.rows, ctx.memory, opts.priceGbS),
    ratios: ratios(ctx.rows),
    targets: targets(ctx.rows, leaked),
    leakedContainers: leaked,
    failures: ctx.failures,
  };
  writeResults(result, opts.outDir);
  if (opts.writeDocs) process.stderr.write(`updated ${path.relative(process.cwd(), writeDocs(result, repoRoot))} and docs/benchmarks.svg\n`);
  const tables = buildTables(result);
  process.stdout.write(`\n${toText(tables)}\n\nmachine: ${machineLine(result)}\n`);
  if (ctx.failures.length) process.stdout.write(`\nfailures:\n${ctx.failures.map((f) => `  - ${f}`).join('\n')}\n`);
  process.stdout.write(`\nresults: ${path.relative(process.cwd(), path.join(opts.outDir, 'latest.json'))} (.md, .svg), ${result.durationSec} s\n`);
  fs.rmSync(workDir, { recursive: true, force: true });
  return ctx.failures.length ? 1 : 0;
}

/** Containers of each side's function in the metrics comparison (its max_concurrency and min_warm). */
const PAIRED_CONTAINERS = 3;

type StepFn = <T>(label: string, fn: () => Promise<T>, summary: (v: T) => string) => Promise<T | undefined>;

/**
 * Warm latency and throughput of the no-op functions on three platforms at once, metrics on, off
 * and off again (the noise floor), measured in alternating rounds (bench/src/scenarios/metrics-cost.ts); returns the containers left.
 */
async function metricsComparison(ctx: BenchContext, step: StepFn, latencyText: (r: { latency: { p50: number; p99: number }; errors: number; rps?: number }) => string, platforms: BenchPlatform[]): Promise<number | null> {
  const { opts } = ctx;
  const started: BenchPlatform[] = [];
  let leaked: number | null = 0;
  try {
    // on, off, and a second metrics-off platform: the noise floor (scenarios/metrics-cost.ts)
    const roles = ['on', 'off', 'control'] as const;
    // STRATUS_BENCH_METRICS_ALL_OFF=1: the 'on' side runs with metrics off too, measured the same
    // way (an A/A/A run): what its figures then say is the procedure's own bias and noise.
    const allOff = process.env.STRATUS_BENCH_METRICS_ALL_OFF === '1';
    if (allOff) ctx.progress.log('STRATUS_BENCH_METRICS_ALL_OFF=1: the metrics-on side runs with metrics off (an A/A/A run)');
    for (const role of roles) {
      const p = await startPlatform(ctx, step, platforms, `paired-${role}`, role === 'on' && !allOff);
      if (!p) return null;
      started.push(p);
    }
    const prewarm = Number(process.env.STRATUS_PREWARM ?? 2);
    // Warm: 24 rounds (6 until 2026-12-07 14:40 UTC). With 6 rounds of 1,000 calls, the same platform
    // switched on and off said -0.5% in one run and 10.9% in the next: a round lasted under a second,
    // and a few slow seconds of the machine fell on one side. More, shorter rounds spread them.
    const rounds = opts.metricsWarmRounds;
    const c = Math.max(...opts.concurrency);
    // Throughput: more and shorter rounds than the warm rows. With six rounds of 5 s, the Python and
    // Node rows of one run (the same platforms, the same per-invocation record) said 1.3% and 11.3%:
    // the machine's drift between rounds was larger than the target. More alternations cancel more.
    const throughputRounds = opts.metricsThroughputRounds;
    const roundSec = Math.max(1, Math.round(opts.durationSec * 0.3));
    for (const fixture of ctx.fixtures.filter((f) => f.noop)) {
      for (const backend of opts.backends) {
        const platformSides = started.map((platform, i): Side => ({
          ctx: { ...ctx, platform, prewarm }, fnName: `bench-${ctx.runId}-p${roles[i]}-${fixture.id}-${backend}`, metrics: roles[i],
          // the metrics-on platform's agent is switched on for its 'on' rounds (off in an A/A/A run)
          ...(roles[i] === 'on' ? { metricsSwitch: !allOff } : {}),
        }));
        // the metrics-on platform once more, its agent's metrics switched off (scenarios/metrics-cost.ts)
        const sides: Side[] = [...platformSides, { ...platformSides[0], metrics: 'switched-off', metricsSwitch: false }];
        // Each side gets the same containers, no more and no fewer (max_concurrency = min_warm). Left to
        // scale, the pools of one run's sides were not alike (containers created for the function 2, 3
        // and 4, pre-warmed ones 12, 11 and 9; specialised pre-warmed ones carry no function label, so
        // how many served each side is not known), and the side with the fewest created was fastest.
        for (const s of platformSides) await deployFunction(s.ctx.platform, s.fnName, fixture, backend, PAIRED_CONTAINERS, opts.metricsMemoryMb, PAIRED_CONTAINERS);
        for (const s of platformSides) {
          if (!(await waitForContainers(s.ctx.platform, s.fnName, PAIRED_CONTAINERS))) ctx.progress.log(`${s.fnName}: not ${PAIRED_CONTAINERS} containers after 60 s`);
        }
        const atMemory = (rows: ResultRow[] | undefined) => rows?.map((r) => ({ ...r, memoryMb: opts.metricsMemoryMb, note: `functions at ${opts.metricsMemoryMb} MB; ${r.note ?? ''}` }));
        if (has(opts, 'warm')) {
          const rows = await step(`metrics on vs off: warm ${fixture.id} ${backend} at ${opts.metricsMemoryMb} MB ×${opts.metricsWarmCount} each, ${rounds} rounds`,
            async () => atMemory(await pairedWarm(sides, fixture, backend, opts.metricsWarmCount, rounds))!, (r) => r.map((x) => `${x.metrics} ${latencyText(x)}`).join(' | '));
          if (rows) ctx.rows.push(...rows);
        }
        if (has(opts, 'throughput')) {
          const rows = await step(`metrics on vs off: throughput ${fixture.id} ${backend} at ${opts.metricsMemoryMb} MB c=${c}, ${throughputRounds} rounds of ${roundSec} s each`,
            async () => atMemory(await pairedThroughput(sides, fixture, backend, c, roundSec, throughputRounds))!, (r) => r.map((x) => `${x.metrics} ${x.rps} req/s`).join(' | '));
          if (rows) ctx.rows.push(...rows);
        }
        // Once, for the first no-op function and backend: rounds three times longer than the control
        // plane may hold records back (STRATUS_INGEST_DEFER_MS, 10 s), so storing has to keep up.
        if (has(opts, 'throughput') && !opts.quick && fixture === ctx.fixtures.find((f) => f.noop) && backend === opts.backends[0]) {
          // Four rounds, not two: in two, two identical metrics-off platforms differed by -11% to +4% (docs/benchmarks.md).
          const sustainedSec = 30;
          const sustainedRounds = opts.metricsSustainedRounds;
          const rows = await step(`metrics on vs off: sustained throughput ${fixture.id} ${backend} at ${opts.metricsMemoryMb} MB c=${c}, ${sustainedRounds} rounds of ${sustainedSec} s each`,
            async () => atMemory(await pairedThroughput(sides, fixture, backend, c, sustainedSec, sustainedRounds, 'metrics-sustained'))!, (r) => r.map((x) => `${x.metrics} ${x.rps} req/s`).join(' | '));
          if (rows) ctx.rows.push(...rows);
        }
        for (const s of platformSides) await deleteFunctions(s.ctx.platform, [s.fnName]);
      }
    }
  } finally {
    for (const p of started) {
      const left = await stopPlatform(step, platforms, p);
      leaked = left === undefined || leaked === null ? null : leaked + left;
    }
  }
  return leaked;
}

/** Starts a platform and waits until its pre-warmed pool has settled; undefined when it did not start. */
async function startPlatform(ctx: BenchContext, step: StepFn, platforms: BenchPlatform[], name: string, metrics: boolean): Promise<BenchPlatform | undefined> {
  const { opts } = ctx;
  const platform = await step(`start Stratus (${name}: control plane, agent, gateway)`, () => startBenchPlatform({
    repoRoot, runId: ctx.runId, name, metrics, backends: opts.backends, workDir: ctx.workDir, verbose: opts.verbose, log: (m) => ctx.progress.log(m),
  }), (p) => `gateway ${p.gatewayUrl}, agent ${p.agentAddress}`);
  if (!platform) return undefined;
  platforms.push(platform);
  await step(`wait for ${name}'s pre-warmed pool`, () => waitForPoolSettled(platform), (ok) => (ok ? 'settled' : 'still starting containers after 90 s'));
  return platform;
}

/** Stops a platform and removes what it left; how many containers it left behind (undefined: the step failed). */
function stopPlatform(step: StepFn, platforms: BenchPlatform[], platform: BenchPlatform): Promise<number | undefined> {
  return step(`stop Stratus (${platform.name}) and count leftover containers`, async () => {
    platforms.splice(platforms.indexOf(platform), 1);
    await platform.stop();
    const leftover = await containersWithLabel(platform.agentLabel);
    await removeContainers(leftover.map((c) => c.id));
    return leftover.length;
  }, (n) => `${n} container(s) left behind`);
}

/** The main platform's part of the run (metrics on); returns how many of its containers were left after it stopped. */
async function platformRun(ctx: BenchContext, step: StepFn, latencyText: (r: { latency: { p50: number; p99: number }; errors: number; rps?: number }) => string, platforms: BenchPlatform[]): Promise<number | null> {
  const { opts } = ctx;
  const platform = await startPlatform(ctx, step, platforms, 'metrics-on', true);
  if (!platform) return null;
  const pctx: PlatformContext = { ...ctx, platform, prewarm: Number(process.env.STRATUS_PREWARM ?? 2) };
  const fixtures = ctx.fixtures;

  if (has(opts, 'warm', 'throughput', 'memory')) {
    for (const fixture of fixtures) {
      for (const backend of opts.backends) {
        const fnName = `bench-${ctx.runId}-w-${fixture.id}-${backend}`;
        const warm = await step(`warm ${fixture.id} ${backend} ×${opts.warmCount}`, async () => {
          await deployFunction(platform, fnName, fixture, backend);
          return warmLatency(pctx, fixture, backend, fnName, opts.warmCount, opts.quick ? 5 : 15);
        }, latencyText);
        if (!warm) { await deleteFunctions(platform, [fnName]); continue; }
        if (has(opts, 'warm')) ctx.rows.push(warm);
        if (has(opts, 'memory')) {
          const mem = await step(`memory ${fixture.id} ${backend}`, () => containerMemory(pctx, fixture, backend, fnName, opts.quick ? 1 : 2),
            (m) => `idle ${(m.idleBytes / 2 ** 20).toFixed(1)} MiB, busy ${(m.busyBytes / 2 ** 20).toFixed(1)} MiB`);
          if (mem) ctx.memory.push(mem);
        }
        if (has(opts, 'throughput')) {
          await step(`throughput ${fixture.id} ${backend} c=${opts.concurrency.join(',')} ${opts.durationSec}s`, async () => {
            const out: string[] = [];
            for (const c of opts.concurrency) {
              const row = await throughput(pctx, { target: 'stratus', backend, fn: fixture.id, runtime: fixture.runtime, metrics: 'on', urls: [`${platform.gatewayUrl}/function/${fnName}`] }, c, opts.durationSec);
              ctx.rows.push(row);
              out.push(`c=${c}: ${row.rps} req/s${row.errors ? ` (${row.errors} errors)` : ''}`);
            }
            return out.join(', ');
          }, (v) => v);
        }
        await deleteFunctions(platform, [fnName]);
      }
    }
  }

  if (has(opts, 'cold')) {
    for (const fixture of fixtures) {
      for (const backend of opts.backends) {
        const row = await step(`cold start ${fixture.id} ${backend} ×${opts.coldCount} fresh functions`, () => coldStart(pctx, fixture, backend, opts.coldCount), latencyText);
        if (row) ctx.rows.push(row);
      }
    }
  }
  if (has(opts, 'burst')) {
    for (const backend of opts.backends) {
      const row = await step(`burst ${backend}: ${opts.burstRequests} concurrent first invocations of ${opts.burstFunctions} functions`,
        () => burst(pctx, fixtures, backend, opts.burstFunctions, opts.burstRequests), latencyText);
      if (row) ctx.rows.push(row);
    }
  }
  if (has(opts, 'mixed')) {
    const row = await step(`mixed load ${opts.mixedDurationSec}s c=${opts.mixedConcurrency} over ${fixtures.length * opts.backends.length} functions`,
      () => mixedLoad(pctx, fixtures, opts.backends, opts.mixedConcurrency, opts.mixedDurationSec), latencyText);
    if (row) ctx.rows.push(row);
  }

  return (await stopPlatform(step, platforms, platform)) ?? null;
}

function writeResults(result: BenchResult, outDir: string): void {
  fs.mkdirSync(outDir, { recursive: true });
  const stamp = result.startedAt.replace(/[:.]/g, '-');
  const json = `${JSON.stringify(result, null, 2)}\n`;
  fs.writeFileSync(path.join(outDir, `${stamp}.json`), json);
  fs.writeFileSync(path.join(outDir, 'latest.json'), json);
  const md = [
    `# Stratus benchmark, ${result.startedAt.slice(0, 19).replace('T', ' ')} UTC`,
    '',
    `Command: \`${result.command}\` (${result.durationSec} s)`,
    '',
    `Machine: ${machineLine(result)}`,
    '',
    '![chart](latest.svg)',
    '',
    toMarkdown(buildTables(result)),
    '',
    result.failures.length ? `### Failures\n\n${result.failures.map((f) => `- ${f.split('\n')[0]}`).join('\n')}\n` : '',
  ].join('\n');
  fs.writeFileSync(path.join(outDir, 'latest.md'), md);
  fs.writeFileSync(path.join(outDir, 'latest.svg'), renderSvg(result));
}
