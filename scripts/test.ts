// `npm test`: set-up (Chromium included), the type check, then every unit, integration and browser
// test with node's test runner, one file at a time. Afterwards, containers that tests left behind
// fail the run.
//
//   npm test                         everything
//   npm test -- node-agent           files whose path contains "node-agent" (or under that folder)
//   npm test -- --unit | --integration | --browser
//   npm test -- --test-name-pattern="warm"   (any --test-* flag goes to node's test runner)
//   npm test -- --skip-setup --skip-typecheck --list
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import pc from 'picocolors';
import { runCommand } from '@stratus/node-agent/images/host-tools.ts';
import { filterTestFiles, findTestFiles, parseTestArgs } from './lib/test-files';
import { runSetup, type SetupResult } from './setup';
import { formatMs } from './setup/report';

const ROOT = path.resolve(import.meta.dirname, '..');
/** Tests make the agents they start label containers `stratus.managed=stratus-test…`. */
export const TEST_CONTAINER_LABEL = 'stratus-test';

function portAnswers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    s.setTimeout(1000, () => s.destroy());
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
    s.once('close', () => resolve(false));
  });
}

interface LeftContainer {
  id: string;
  name: string;
  label: string;
}

/** Containers carrying a test label: `stratus.managed=stratus-test…` or a `stratus.test` label. */
async function testContainers(): Promise<LeftContainer[]> {
  const res = await runCommand('docker', ['ps', '-a', '--no-trunc', '--format', '{{.ID}}\t{{.Names}}\t{{.Label "stratus.managed"}}\t{{.Label "stratus.test"}}'], {
    check: false,
  });
  if (res.code !== 0) return [];
  return res.stdout
    .split('\n')
    .map((l) => l.split('\t'))
    .filter(([id, , managed, test]) => id && ((managed ?? '').startsWith(TEST_CONTAINER_LABEL) || !!test))
    .map(([id, name, managed, test]) => ({ id, name, label: test ? `stratus.test=${test}` : `stratus.managed=${managed}` }));
}

/**
 * Test-labelled containers that appeared during the run and are still there. Labels that carry
 * this run's id are ours at once; others may belong to another test run on the same engine, so
 * they count only if still there after a grace period (a live run removes its own soon).
 */
async function leftContainers(before: Set<string>, runId: string): Promise<LeftContainer[]> {
  const fresh = async () => (await testContainers()).filter((c) => !before.has(c.id));
  let left = await fresh();
  const deadline = Date.now() + 60_000;
  while (left.some((c) => !c.label.includes(runId)) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 3000));
    left = await fresh();
  }
  return left;
}

function runNode(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'inherit', 'inherit'] });
    const forward = (sig: NodeJS.Signals) => child.kill(sig);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code ?? (signal ? 130 : 1));
    });
  });
}

async function main(): Promise<number> {
  const args = parseTestArgs(process.argv.slice(2));
  const files = filterTestFiles(findTestFiles(ROOT, args.kinds), args.filters, ROOT);
  if (args.list) {
    for (const f of files) console.log(`${f.kind.padEnd(12)} ${f.file}`);
    return 0;
  }

  let setup: SetupResult | undefined;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    STRATUS_CONTAINER_LABEL: process.env.STRATUS_CONTAINER_LABEL ?? TEST_CONTAINER_LABEL,
    // Test helpers may put this in their container labels so leftovers are attributed exactly.
    STRATUS_TEST_RUN_ID: process.env.STRATUS_TEST_RUN_ID ?? `r${randomBytes(3).toString('hex')}`,
  };
  try {
    if (!args.skipSetup) {
      console.log(pc.bold('Stratus tests: setting up'));
      setup = await runSetup({ role: 'all', browser: args.kinds.includes('browser'), prometheus: args.kinds.some((k) => k !== 'browser') });
      console.log(pc.dim(`set-up took ${formatMs(setup.ms)}`));
      if (setup.nats) env.NATS_URL = setup.nats.url;
      if (setup.chromiumPath) env.STRATUS_CHROMIUM_PATH = setup.chromiumPath;
    }
    // The integration suite runs once per backend in this list.
    if (!env.STRATUS_TEST_BACKENDS) env.STRATUS_TEST_BACKENDS = setup && !setup.gvisor.available ? 'docker' : 'docker,gvisor';
    // Store tests run against this machine's PostgreSQL too, when there is one.
    if (!env.STRATUS_TEST_DATABASE_URL && (await portAnswers('127.0.0.1', 5432))) env.STRATUS_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
    console.log(
      pc.dim(
        `backends: ${env.STRATUS_TEST_BACKENDS}; PostgreSQL: ${env.STRATUS_TEST_DATABASE_URL ?? 'none (PGlite only)'}; NATS: ${env.NATS_URL ?? 'default'}; container label: ${env.STRATUS_CONTAINER_LABEL}`,
      ),
    );

    let typecheckFailed = false;
    if (!args.skipTypecheck) {
      console.log(pc.bold('\nType check: tsc -p tsconfig.json --noEmit'));
      const started = Date.now();
      const code = await runNode([path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit'], env);
      typecheckFailed = code !== 0;
      console.log(typecheckFailed ? pc.red(`type check failed (${formatMs(Date.now() - started)})`) : pc.green(`✓ type check (${formatMs(Date.now() - started)})`));
    }

    if (files.length === 0) {
      console.log(pc.yellow(`no test files${args.filters.length ? ` match ${args.filters.join(' ')}` : ''}`));
      return typecheckFailed ? 1 : 0;
    }
    const before = new Set((await testContainers()).map((c) => c.id));
    const counts = (['unit', 'integration', 'browser'] as const).map((k) => `${files.filter((f) => f.kind === k).length} ${k}`).join(', ');
    console.log(pc.bold(`\nTests: ${files.length} files (${counts})`));
    // A hung test must not hang CI; the timeout also bounds each file, so it is generous (20 min).
    const nodeFlags = args.nodeFlags.some((f) => f.startsWith('--test-timeout')) ? args.nodeFlags : ['--test-timeout=1200000', ...args.nodeFlags];
    const testCode = await runNode(
      ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...nodeFlags, ...files.map((f) => f.file)],
      env,
    );

    const left = await leftContainers(before, env.STRATUS_TEST_RUN_ID!);
    if (left.length > 0) {
      // Not removed here: on a shared machine another test run may own them. A test that leaks
      // containers is the bug to fix; this makes it visible.
      console.log(pc.red(`\n${left.length} container(s) with test labels appeared during the run and are still there:`));
      for (const c of left) console.log(pc.red(`  ${c.id.slice(0, 12)} ${c.name} (${c.label})`));
      console.log(pc.dim(`unless another test run is going on, remove them: docker rm -f ${left.map((c) => c.id.slice(0, 12)).join(' ')}`));
    }
    if (typecheckFailed) console.log(pc.red('the type check failed (see above)'));
    return testCode !== 0 || typecheckFailed || left.length > 0 ? 1 : 0;
  } finally {
    await setup?.nats?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(pc.red((err as Error).message));
    process.exit(1);
  },
);
