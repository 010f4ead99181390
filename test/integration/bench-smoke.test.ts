// Smoke test of `npm run bench` on its quickest setting: it runs end to end against a real
// platform and writes well-formed results (JSON, markdown, SVG). No timing assertions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function runBench(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'bench', '--', ...args], { cwd: root, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => { output += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { output += c.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

const benchNetworks = (): string[] =>
  execFileSync('docker', ['network', 'ls', '--format', '{{.Name}}', '--filter', 'name=stratus-bench-']).toString().split('\n').filter(Boolean);

test('npm run bench on its quickest setting writes well-formed JSON, markdown and SVG results', { timeout: 600_000 }, async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'stratus-bench-smoke-'));
  const networksBefore = benchNetworks();
  try {
    const { code, output } = await runBench([
      '--quick', '--scenarios', 'warm,throughput', '--backends', 'docker', '--functions', 'noop-py',
      '--warm', '20', '--concurrency', '4', '--duration', '2', '--out', out,
    ]);
    assert.equal(code, 0, `npm run bench failed:\n${output.slice(-3000)}`);

    const files = fs.readdirSync(out);
    for (const f of ['latest.json', 'latest.md', 'latest.svg']) assert.ok(files.includes(f), `${f} is missing from ${files.join(', ')}`);
    assert.ok(files.some((f) => /^\d{4}-\d{2}-\d{2}T.*\.json$/.test(f)), 'the timestamped JSON is missing');

    const result = JSON.parse(fs.readFileSync(path.join(out, 'latest.json'), 'utf8'));
    assert.equal(result.schema, 'stratus.bench/v1');
    assert.deepEqual(result.failures, []);
    assert.equal(typeof result.machine.nproc, 'number');
    assert.equal(result.leakedContainers, 0);
    assert.deepEqual(benchNetworks().filter((n) => !networksBefore.includes(n)), [], 'the benchmark removed its function networks');
    const warm = result.rows.find((r: any) => r.scenario === 'warm' && r.target === 'stratus' && r.fn === 'noop-py' && r.backend === 'docker');
    assert.ok(warm, 'no warm row for noop-py on docker');
    assert.equal(warm.requests, 20);
    assert.equal(warm.errors, 0);
    for (const k of ['p50', 'p95', 'p99', 'max', 'mean']) assert.ok(Number.isFinite(warm.latency[k]) && warm.latency[k] > 0, `warm latency.${k} is not a positive number`);
    const tp = result.rows.find((r: any) => r.scenario === 'throughput' && r.target === 'stratus' && r.concurrency === 4);
    assert.ok(tp && tp.requests > 0 && Number.isFinite(tp.rps), 'no throughput row at concurrency 4');
    assert.ok(result.rows.some((r: any) => r.scenario === 'throughput' && r.target === 'raw-http'), 'no raw HTTP ceiling row');
    assert.ok(Array.isArray(result.cost) && result.cost.some((c: any) => c.target === 'stratus' && c.backend === 'docker'), 'no cost row');

    const md = fs.readFileSync(path.join(out, 'latest.md'), 'utf8');
    assert.match(md, /^# Stratus benchmark/);
    assert.match(md, /\| scenario \| target \| backend \|/);
    const svg = fs.readFileSync(path.join(out, 'latest.svg'), 'utf8');
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(svg, /<\/svg>\s*$/);
    assert.ok((svg.match(/<rect /g) ?? []).length > 2, 'the chart has no bars');
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});
