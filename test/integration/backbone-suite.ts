// The issue-2 suite, one body run once per backend (backbone.test.ts calls it for each). Real Docker
// (runc or runsc), NATS, the control plane's store, gRPC and HTTP, started by the harness.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { LIMITS, createClient, call } from '@stratus/common';
import { proto, type AgentServiceClient, type NodeStatus } from '@stratus/proto';
import {
  startPlatform, REPO_ROOT, fixtureFiles, fixtureDir, FIXTURES, listServices, rawZip, deflatedZip, type FixtureName, type Platform,
} from '../harness/index';

const LONG = { timeout: 180_000 };

export function backboneSuite(backend: string): void {
  describe(`the backbone on the ${backend} backend`, { timeout: 1_800_000 }, () => {
    let platform: Platform;

    /** Creates a function from a fixture over gRPC (the fastest path) and returns its spec. */
    const deploy = (name: string, fixture: FixtureName, extra: Record<string, unknown> = {}) =>
      platform.call<any>('functions', 'CreateFunction', { name, ...FIXTURES[fixture], files: fixtureFiles(fixture), backend, ...extra });

    const restPost = async (path: string, body: unknown) => {
      const res = await fetch(`${platform.gatewayUrl}${path}`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json' } });
      return { status: res.status, json: (await res.json()) as any };
    };

    before(async () => {
      // A fresh machine's default storage (PGlite); STRATUS_TEST_STORAGE=postgres runs it on PostgreSQL.
      platform = await startPlatform({ backends: [backend], config: { queueTimeoutMs: 2_000 }, storage: (process.env.STRATUS_TEST_STORAGE as 'pglite' | 'postgres' | undefined) ?? 'pglite' });
    });

    after(async () => {
      await platform?.stop();
    });

    test('deploys a Python function over REST and invokes it over HTTP with the X-Stratus headers', LONG, async () => {
      const created = await restPost('/api/v1/functions', { name: 'py-echo', ...FIXTURES['py-echo'], files: fixtureFiles('py-echo'), backend, memoryMb: 128 });
      assert.equal(created.status, 201, JSON.stringify(created.json));
      assert.equal(created.json.version, 1);
      assert.equal(created.json.backend, backend);

      const res = await platform.invoke('py-echo', { hello: 'world' });

      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.json, { event: { hello: 'world' }, runtime: 'python' });
      assert.match(res.requestId, /.+/);
      assert.equal(res.backend, backend);
      assert.ok(res.headers.get('x-stratus-duration-ms'));
      assert.equal(res.headers.get('x-stratus-cold-start'), 'true');
      // Server-Timing: where the cold start's time went, in parts that add up to the total
      const timing = Object.fromEntries((res.headers.get('server-timing') ?? '').split(', ').map((p) => { const [k, d] = p.split(';dur='); return [k, Number(d)]; }));
      assert.ok(timing.init > 0 && timing.function > 0 && timing.hop > 0, JSON.stringify(timing));
      const parts = ['gateway', 'hop', 'agent', 'queue', 'start', 'init', 'function'].reduce((sum, k) => sum + (timing[k] ?? 0), 0);
      assert.ok(Math.abs(parts - timing.total) < 0.1, JSON.stringify(timing));
    });

    test('refuses to create a function that exists with 409', async () => {
      const again = await restPost('/api/v1/functions', { name: 'py-echo', ...FIXTURES['py-echo'], files: fixtureFiles('py-echo'), backend });
      assert.equal(again.status, 409);
      assert.equal(again.json.error.code, 'ALREADY_EXISTS');
    });

    test('deploys over gRPC and runs each Node handler form: async, callback and ESM', LONG, async () => {
      await deploy('node-echo', 'node-echo');
      await deploy('node-callback', 'node-callback');
      await deploy('node-esm', 'node-esm', { handler: 'index.handler' });

      const asyncForm = await platform.invoke('node-echo', { a: 1 });
      const callbackForm = await platform.invoke('node-callback', { b: 2 });
      const callbackError = await platform.invoke('node-callback', { fail: true });
      const esmForm = await platform.invoke('node-esm', { c: 3 });

      assert.equal(asyncForm.status, 200, asyncForm.text);
      assert.deepEqual(asyncForm.json.event, { a: 1 });
      assert.match(asyncForm.json.node, /^v20\./);
      assert.equal(callbackForm.status, 200, callbackForm.text);
      assert.deepEqual(callbackForm.json, { event: { b: 2 }, form: 'callback' });
      assert.equal(callbackError.status, 502, callbackError.text);
      assert.equal(callbackError.json.errorMessage, 'callback failure');
      assert.equal(esmForm.status, 200, esmForm.text);
      assert.equal(esmForm.json.form, 'esm');
    });

    test('deploys and invokes with the CLI, and lists functions, versions and nodes', LONG, async () => {
      const deployed = await platform.cli(['deploy', fixtureDir('node-counter'), '--name', 'cli-counter', '--runtime', 'nodejs20.x', '--handler', 'index.handler', '--memory', '256', '--backend', backend, '--env', 'A=1']);
      assert.equal(deployed.code, 0, deployed.stderr);
      assert.match(deployed.stdout, /created cli-counter version 1/);

      const invoked = await platform.cli(['invoke', 'cli-counter', '--data', '{}']);
      assert.equal(invoked.code, 0, invoked.stderr);
      assert.deepEqual(JSON.parse(invoked.stdout).count, 1);
      assert.match(invoked.stderr, /HTTP 200/);

      // `stratus top` from the live stream: four frames (gauges come every 2 s) while the function is called
      const topRun = platform.cli(['top', '--iterations', '4', '--interval', '1', '--window', '10']);
      await new Promise((r) => setTimeout(r, 300));
      for (let i = 0; i < 5; i++) assert.equal((await platform.invoke('cli-counter', {})).status, 200);
      const topOut = await topRun;
      assert.equal(topOut.code, 0, topOut.stderr);
      const lastFrame = topOut.stdout.slice(topOut.stdout.lastIndexOf('stratus top'));
      // 5 calls in the 10 s window, or 6 when the CLI invoke's event reached the stream after top subscribed
      assert.match(lastFrame, new RegExp(`cli-counter\\s+${backend}\\s+0\\.[56]\\s+0\\.0\\s+`), topOut.stdout);
      assert.match(lastFrame, new RegExp(platform.agents[0].id), 'the agent and its gauges are listed');

      const redeployed = await platform.cli(['deploy', fixtureDir('node-counter'), '--name', 'cli-counter', '--runtime', 'nodejs20.x', '--handler', 'index.handler', '--backend', backend]);
      assert.match(redeployed.stdout, /updated cli-counter version 2/);
      const ls = await platform.cli(['ls']);
      assert.match(ls.stdout, /cli-counter\s+2\s+nodejs20\.x/);
      const versions = await platform.cli(['versions', 'cli-counter', '--json']);
      assert.deepEqual(JSON.parse(versions.stdout).map((v: { version: number }) => v.version).sort(), [1, 2]);
      const nodes = await platform.cli(['nodes']);
      assert.match(nodes.stdout, new RegExp(platform.agents[0].id));
      const grpcInvoke = await platform.cli(['invoke', 'cli-counter', '--grpc', '--version', '1']);
      assert.equal(grpcInvoke.code, 0, grpcInvoke.stderr);

      const removed = await platform.cli(['rm', 'cli-counter']);
      assert.equal(removed.code, 0, removed.stderr);
      const gone = await platform.cli(['invoke', 'cli-counter']);
      assert.equal(gone.code, 1);
      assert.match(gone.stderr, /HTTP 404/);
      const missingDir = await platform.cli(['deploy', '/nonexistent-dir-for-test']);
      assert.equal(missingDir.code, 2);
    });

    test('runs a provided bootstrap that speaks the Runtime API itself', LONG, async () => {
      await deploy('provided-sh', 'provided-sh');
      const res = await platform.invoke('provided-sh', { x: 1 });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.json, { provided: true, handler: 'bootstrap.handler', event: { x: 1 } });
    });

    for (const fixture of ['py-counter', 'node-counter'] as const) {
      test(`reuses a warm container for the second call of ${fixture}: the counter grows and the call is warm`, LONG, async () => {
        await deploy(fixture, fixture);
        const first = await platform.invoke(fixture);
        const second = await platform.invoke(fixture);
        assert.equal(first.status, 200, first.text);
        assert.equal(first.json.count, 1);
        assert.equal(first.coldStart, true);
        assert.equal(second.json.count, 2);
        assert.equal(second.coldStart, false);
        assert.equal(second.json.pid, first.json.pid);
      });
    }

    test('gives Python and Node handlers their context and remaining time', LONG, async () => {
      await deploy('py-context', 'py-context', { timeoutSec: 7, memoryMb: 256 });
      await deploy('node-context', 'node-context', { timeoutSec: 7, memoryMb: 256 });

      const py = await platform.invoke('py-context');
      const node = await platform.invoke('node-context');

      assert.equal(py.status, 200, py.text);
      assert.equal(py.json.function_name, 'py-context');
      assert.equal(py.json.function_version, '1');
      assert.equal(Number(py.json.memory_limit_in_mb), 256); // a string in AWS's Python runtime, as is the env var
      assert.equal(py.json.aws_request_id, py.requestId);
      assert.match(py.json.invoked_function_arn, /^arn:aws:lambda:[^:]+:\d+:function:py-context/);
      assert.ok(py.json.remaining_before <= 7000 && py.json.remaining_before > 5000, String(py.json.remaining_before));
      assert.ok(py.json.remaining_after < py.json.remaining_before);
      assert.equal(node.status, 200, node.text);
      assert.equal(node.json.functionName, 'node-context');
      assert.equal(node.json.memoryLimitInMB, '256');
      assert.equal(node.json.awsRequestId, node.requestId);
      assert.ok(node.json.remainingBefore <= 7000 && node.json.remainingBefore > 5000, String(node.json.remainingBefore));
      assert.ok(node.json.remainingAfter < node.json.remainingBefore);
    });

    test('passes the function\'s environment variables and Lambda\'s own', LONG, async () => {
      await deploy('py-env', 'py-env', { env: { GREETING: 'hello', EMPTY: '' } });
      const res = await platform.invoke('py-env', { names: ['GREETING', 'EMPTY', 'AWS_LAMBDA_FUNCTION_NAME', 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', '_HANDLER', 'NOT_SET'] });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.json, { GREETING: 'hello', EMPTY: '', AWS_LAMBDA_FUNCTION_NAME: 'py-env', AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '128', _HANDLER: 'app.handler', NOT_SET: null });
    });

    test('lets a function write /tmp but not /, /etc or its code, as a non-root user', LONG, async () => {
      await deploy('py-tmp', 'py-tmp');
      const res = await platform.invoke('py-tmp');
      assert.equal(res.status, 200, res.text);
      assert.equal(res.json.tmp.ok, true);
      assert.equal(res.json.etc.ok, false);
      assert.equal(res.json.root.ok, false);
      assert.equal(res.json.task.ok, false);
      assert.notEqual(res.json.uid, 0);
    });

    test('answers a handler exception with 502 and the Lambda error shape', LONG, async () => {
      await deploy('py-raise', 'py-raise');
      await deploy('node-raise', 'node-raise');
      const py = await platform.invoke('py-raise', { why: 'testing' });
      const node = await platform.invoke('node-raise');
      assert.equal(py.status, 502, py.text);
      assert.equal(py.json.errorType, 'ValueError');
      assert.equal(py.json.errorMessage, 'fixture failure: testing');
      assert.ok(Array.isArray(py.json.stackTrace));
      assert.equal(node.status, 502, node.text);
      assert.equal(node.json.errorType, 'FixtureError');
      assert.equal(node.json.errorMessage, 'fixture failure');
      assert.ok(py.requestId && py.headers.get('x-stratus-backend') === backend);
    });

    for (const fixture of ['py-exit', 'node-exit'] as const) {
      test(`answers ${fixture === 'py-exit' ? 'sys.exit' : 'process.exit'} with 502 and serves the next call`, LONG, async () => {
        await deploy(fixture, fixture);
        const exited = await platform.invoke(fixture, { exit: true });
        const next = await platform.invoke(fixture);
        assert.equal(exited.status, 502, exited.text);
        assert.match(exited.json.errorType, /Runtime\.ExitError/);
        assert.equal(next.status, 200, next.text);
        assert.deepEqual(next.json, { alive: true });
      });
    }

    test('ends an invocation at its timeout with 504 and serves the next call in a fresh container', LONG, async () => {
      await deploy('py-sleep-t', 'py-sleep', { timeoutSec: 1 });
      const first = await platform.invoke('py-sleep-t', { seconds: 0 });
      const timedOut = await platform.invoke('py-sleep-t', { seconds: 5 });
      const next = await platform.invoke('py-sleep-t', { seconds: 0 });
      assert.equal(timedOut.status, 504, timedOut.text);
      assert.match(timedOut.json.errorMessage, /Task timed out after 1\.\d\d seconds/);
      assert.equal(next.status, 200, next.text);
      assert.notEqual(next.json.host, first.json.host);
      assert.equal(next.coldStart, true);
    });

    test('kills a function that exceeds its memory with 502 out-of-memory and serves the next call', LONG, async () => {
      await deploy('py-memhog', 'py-memhog', { memoryMb: 128 });
      const hog = await platform.invoke('py-memhog', { hog: true, mb: 400 });
      const next = await platform.invoke('py-memhog');
      assert.equal(hog.status, 502, hog.text);
      if (backend === 'docker') assert.equal(hog.json.errorType, 'Runtime.OutOfMemory');
      else assert.match(hog.json.errorType, /Runtime\.(OutOfMemory|ExitError)/);
      assert.equal(next.status, 200, next.text);
    });

    test('stops a fork bomb at the pids limit', { timeout: 300_000 }, async (t) => {
      // Forks are slow under gVisor's ptrace platform, and at 128 MB a function gets 7% of a core: CI
      // once saw runc time out at 30 s before reaching the limit, and on a slower machine gVisor at
      // 128 MB did not reach it in 240 s (with and without the boot allowance). The limit is what is
      // tested, not the speed: give it 1024 MB (58% of a core) and time on both backends.
      await deploy('py-forkbomb', 'py-forkbomb', { timeoutSec: 200, memoryMb: 1024 });
      const res = await platform.invoke('py-forkbomb', { max: 1000 });
      t.diagnostic(`fork bomb: HTTP ${res.status} ${res.text.slice(0, 200)}`);
      // Either the handler saw fork fail, or the sandbox died: both are the limit working.
      if (res.status === 200) {
        assert.ok(res.json.started < 1000, JSON.stringify(res.json));
        assert.ok(res.json.error);
      } else assert.equal(res.status, 502, res.text);
    });

    test('runs two concurrent calls of one function in two containers', LONG, async () => {
      await deploy('py-sleep-c', 'py-sleep', { maxConcurrency: 5 });
      const [a, b] = await Promise.all([platform.invoke('py-sleep-c', { seconds: 1.5 }), platform.invoke('py-sleep-c', { seconds: 1.5 })]);
      assert.equal(a.status, 200, a.text);
      assert.equal(b.status, 200, b.text);
      // The second call races a container started for it against the first call's container being
      // released (whichever is ready first serves it: docs/pool.md), so under a slow start both calls
      // may share one container; the function must still have scaled out to two.
      const agent = createClient(proto.AgentService as unknown as new (...args: any[]) => AgentServiceClient, platform.agents[0].address);
      try {
        let containers = 0;
        for (let tries = 0; tries < 60 && containers < 2; tries++) {
          const status = await call<object, NodeStatus>(agent as never, agent.GetStatus as never, {});
          containers = status.containers.filter((c) => c.function === 'py-sleep-c' && c.state !== 'removing').length;
          if (containers < 2) await new Promise((r) => setTimeout(r, 500));
        }
        assert.equal(containers, 2, `containers of py-sleep-c after two concurrent calls (hosts ${a.json.host}, ${b.json.host})`);
      } finally {
        (agent as unknown as { close(): void }).close();
      }
    });

    test('throttles calls beyond max concurrency with 429 and Retry-After', LONG, async () => {
      await deploy('py-sleep-1', 'py-sleep', { maxConcurrency: 1 });
      await platform.invoke('py-sleep-1', { seconds: 0 });
      const results = await Promise.all([
        platform.invoke('py-sleep-1', { seconds: 5 }),
        new Promise((r) => setTimeout(r, 300)).then(() => platform.invoke('py-sleep-1', { seconds: 0 })),
      ]);
      const throttled = results[1];
      assert.equal(results[0].status, 200, results[0].text);
      assert.equal(throttled.status, 429, throttled.text);
      assert.equal(throttled.json.error.code, 'THROTTLED');
      assert.ok(Number(throttled.headers.get('retry-after')) >= 1);
    });

    test('refuses a request body over 6 MB with 413 and a response over 6 MB with an error', LONG, async () => {
      await deploy('py-bigresponse', 'py-bigresponse', { memoryMb: 512 });
      const bigEvent = JSON.stringify({ pad: 'x'.repeat(LIMITS.payloadBytes) });
      const tooBig = await platform.invoke('py-echo', undefined, { raw: bigEvent });
      const bigResponse = await platform.invoke('py-bigresponse', { bytes: 7 * 1024 * 1024 });
      const fine = await platform.invoke('py-bigresponse', { bytes: 1024 });
      assert.equal(tooBig.status, 413, tooBig.text.slice(0, 200));
      assert.equal(tooBig.json.error.code, 'PAYLOAD_TOO_LARGE');
      assert.ok(bigResponse.status === 502 || bigResponse.status === 413, `${bigResponse.status} ${bigResponse.text.slice(0, 200)}`);
      assert.match(bigResponse.text, /ResponseSizeTooLarge|too large|exceeded|6 MB|larger/i);
      assert.equal(fine.status, 200, fine.text.slice(0, 200));
    });

    test('refuses malformed JSON, unknown runtimes, bad names and bad handlers with 400 naming the field', async () => {
      const malformedEvent = await platform.invoke('py-echo', undefined, { raw: '{"a":' });
      assert.equal(malformedEvent.status, 400);
      assert.equal(malformedEvent.json.error.code, 'INVALID_JSON');

      const malformedBody = await restPost('/api/v1/functions', '{"name": ');
      assert.equal(malformedBody.status, 400);
      assert.equal(malformedBody.json.error.code, 'INVALID_JSON');

      const runtime = await restPost('/api/v1/functions', { name: 'bad-runtime', runtime: 'cobol85', handler: 'app.handler', files: { 'app.py': '' } });
      assert.equal(runtime.status, 400);
      assert.equal(runtime.json.error.field, 'runtime');
      assert.match(runtime.json.error.message, /cobol85/);

      for (const name of ['has space', 'x'.repeat(65), 'dot.name', '']) {
        const res = await restPost('/api/v1/functions', { name, ...FIXTURES['py-echo'], files: fixtureFiles('py-echo') });
        assert.equal(res.status, 400, `${name}: ${JSON.stringify(res.json)}`);
        assert.equal(res.json.error.field, 'name');
      }

      const handler = await restPost('/api/v1/functions', { name: 'bad-handler', runtime: 'python3.11', handler: 'nodot', files: fixtureFiles('py-echo') });
      assert.equal(handler.status, 400);
      assert.equal(handler.json.error.field, 'handler');
      const missingFile = await restPost('/api/v1/functions', { name: 'bad-handler', runtime: 'python3.11', handler: 'missing.handler', files: fixtureFiles('py-echo') });
      assert.equal(missingFile.status, 400);

      const unknownField = await restPost('/api/v1/functions', { name: 'x', runtime: 'python3.11', memory: 128 });
      assert.equal(unknownField.status, 400);
      assert.equal(unknownField.json.error.field, 'memory');
      const wrongType = await restPost('/api/v1/functions', { name: 'x', runtime: 'python3.11', memoryMb: 'big' });
      assert.equal(wrongType.status, 400);
      assert.equal(wrongType.json.error.field, 'memoryMb');
      const memory = await restPost('/api/v1/functions', { name: 'x', ...FIXTURES['py-echo'], files: fixtureFiles('py-echo'), memoryMb: 64 });
      assert.equal(memory.status, 400);
      assert.equal(memory.json.error.field, 'memoryMb');
      const badInvokeName = await platform.invoke('bad.name');
      assert.equal(badInvokeName.status, 400);
      const unknownFn = await platform.invoke('no-such-function');
      assert.equal(unknownFn.status, 404);
    });

    test('refuses zips that escape the code folder or unpack too large', LONG, async () => {
      const traversal = rawZip([{ name: 'app.py', data: 'def handler(e, c):\n  return 1\n' }, { name: '../evil.py', data: 'x' }]);
      const absolute = rawZip([{ name: 'app.py', data: 'def handler(e, c):\n  return 1\n' }, { name: '/etc/evil', data: 'x' }]);
      const huge = await deflatedZip({ 'app.py': Buffer.from('def handler(e, c):\n  return 1\n'), 'zeros.bin': Buffer.alloc(LIMITS.codeUnpackedBytes + 1024 * 1024) });
      for (const [what, zip] of [['traversal', traversal], ['absolute', absolute], ['too large', huge]] as const) {
        const res = await restPost('/api/v1/functions', { name: 'bad-zip', runtime: 'python3.11', handler: 'app.handler', zip: zip.toString('base64') });
        assert.equal(res.status, 400, `${what}: ${JSON.stringify(res.json)}`);
        assert.equal(res.json.error.code, 'INVALID_CODE', what);
      }
    });

    test('lists the gRPC services through server reflection as grpcurl list does', async () => {
      const control = await listServices(platform.controlAddress);
      const agent = await listServices(platform.agents[0].address);
      for (const s of ['stratus.v1.FunctionService', 'stratus.v1.InvocationService', 'stratus.v1.NodeService']) assert.ok(control.includes(s), `${s} in ${control}`);
      assert.ok(agent.includes('stratus.v1.InvocationService'), String(agent));
    });

    test('stores each invocation with its logs framed by START, END and REPORT', LONG, async () => {
      await deploy('py-raise-logs', 'py-raise');
      const res = await platform.invoke('py-raise-logs');
      assert.equal(res.status, 502);
      let record: any;
      for (let i = 0; i < 100; i++) {
        const r = await fetch(`${platform.gatewayUrl}/api/v1/invocations/${res.requestId}`);
        if (r.status === 200) {
          record = await r.json();
          break;
        }
        await new Promise((r2) => setTimeout(r2, 200));
      }
      assert.ok(record, 'the invocation record arrived');
      assert.equal(record.function, 'py-raise-logs');
      assert.equal(record.status, 'function_error');
      assert.equal(record.errorType, 'ValueError');
      assert.equal(record.backend, backend);
      assert.match(record.logs, new RegExp(`START RequestId: ${res.requestId}`));
      assert.match(record.logs, /about to fail/);
      assert.match(record.logs, new RegExp(`END RequestId: ${res.requestId}`));
      assert.match(record.logs, new RegExp(`REPORT RequestId: ${res.requestId}`));
      const list = await fetch(`${platform.gatewayUrl}/api/v1/functions/py-raise-logs/invocations`);
      assert.ok(((await list.json()) as any).invocations.some((i: { id: string }) => i.id === res.requestId));
      const logs = await platform.cli(['logs', 'py-raise-logs']);
      assert.match(logs.stdout, /about to fail/);
    });

    test('cuts the logs of a function that floods its output at 256 KB with a marker', LONG, async () => {
      await deploy('py-flood', 'py-flood');
      const res = await platform.invoke('py-flood', { kb: 2048 });
      assert.equal(res.status, 200, res.text);
      let record: any;
      for (let i = 0; i < 100 && !record; i++) {
        const r = await fetch(`${platform.gatewayUrl}/api/v1/invocations/${res.requestId}`);
        if (r.status === 200) record = await r.json();
        else await new Promise((r2) => setTimeout(r2, 200));
      }
      assert.ok(record, 'the invocation record arrived');
      assert.equal(record.logsTruncated, true);
      assert.ok(Buffer.byteLength(record.logs) <= LIMITS.logBytes + 4096, String(Buffer.byteLength(record.logs)));
      const next = await platform.invoke('py-echo', { after: 'flood' });
      assert.equal(next.status, 200, next.text);
    });

    test('follows new invocations live with `stratus logs --follow` (the bin script, as npx runs it)', LONG, async () => {
      const child = spawn(process.execPath, [path.join(REPO_ROOT, 'cli/bin/stratus.js'), 'logs', 'py-raise-logs', '--follow', '--limit', '1'], {
        cwd: REPO_ROOT,
        env: { ...process.env, STRATUS_CONTROL_ADDRESS: platform.controlAddress, STRATUS_GATEWAY_URL: platform.gatewayUrl },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout!.on('data', (d) => { out += d; });
      child.stderr!.on('data', (d) => { out += d; });
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      try {
        // the first page printed means it is following
        for (let i = 0; i < 100 && !out.includes('---'); i++) await new Promise((r) => setTimeout(r, 100));
        await new Promise((r) => setTimeout(r, 500));
        const res = await platform.invoke('py-raise-logs');
        for (let i = 0; i < 150 && !out.includes(res.requestId); i++) await new Promise((r) => setTimeout(r, 100));
        assert.ok(out.includes(res.requestId), out);
      } finally {
        child.kill('SIGINT');
      }
      assert.equal(await exited, 0, out);
    });

    test('reports the gateway, control plane, agents with their backends, NATS and Docker on /healthz', async () => {
      const res = await fetch(`${platform.gatewayUrl}/healthz`);
      const body = (await res.json()) as any;
      assert.equal(res.status, 200, JSON.stringify(body));
      assert.equal(body.controlPlane.status, 'up');
      assert.equal(body.nats.status, 'up');
      assert.equal(body.docker.status, 'up');
      assert.equal(body.agents.nodes[0].backends[backend].available, true);
      const pool = await fetch(`${platform.gatewayUrl}/api/v1/pool`);
      assert.equal(pool.status, 200);
      const nodes = await fetch(`${platform.gatewayUrl}/api/v1/nodes`);
      assert.equal(((await nodes.json()) as any).nodes[0].id, platform.agents[0].id);
    });

    test('keeps serving warm invocations when the control plane stops, and says so on /healthz', LONG, async () => {
      await deploy('survivor', 'py-counter');
      const before = await platform.invoke('survivor');
      assert.equal(before.status, 200, before.text);

      await platform.stopControlPlane();
      const during = await platform.invoke('survivor');
      const health = await fetch(`${platform.gatewayUrl}/healthz`);

      assert.equal(during.status, 200, during.text);
      assert.equal(during.coldStart, false);
      assert.equal(during.json.count, before.json.count + 1);
      assert.equal(health.status, 503);
      assert.equal(((await health.json()) as any).controlPlane.status, 'down');
    });
  });
}
