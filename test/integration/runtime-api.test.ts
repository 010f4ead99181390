// The container bootstraps (node-agent/runtimes/) against the agent's RuntimeApiServer, in real
// containers (runc, and gVisor where runsc is registered), on an internal Docker network whose gateway
// address the server listens on. Containers carry the label stratus.test=runtime-api and are removed.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Runtime } from '@stratus/common';
import { RuntimeInitError, type InvocationOutcome, type SpecializeConfig } from '../../node-agent/src/runtime-api/index';
import { startHarness, functionConfig, arnOf, runscAvailable, type Harness, type TestContainer } from '../../node-agent/test/runtime-api/containers';

type Files = Record<string, string | { content: string; mode: number }>;
const OCI: Array<'runc' | 'runsc'> = ['runc', 'runsc'];

let seq = 0;
const requestId = () => `it-${process.pid}-${++seq}`;

for (const oci of OCI) {
  describe(`runtime bootstraps under ${oci}`, async () => {
    const skip = oci === 'runsc' && !(await runscAvailable()) ? 'runsc is not registered with Docker here' : false;
    let h: Harness;

    before(async () => { if (!skip) h = await startHarness('runtime-api'); });
    after(async () => { if (!skip) await h.close(); });

    /** A pre-warmed container of `runtime` that then becomes the function made of `files`. */
    async function fn(runtime: Runtime, files: Files, handler: string, extra: Partial<SpecializeConfig> = {}) {
      const c = await h.start(runtime, { ociRuntime: oci });
      await c.session.waitUntilPrewarmed();
      await c.writeCode(files);
      const name = `f${seq}`;
      const init = c.session.specialize(functionConfig(name, handler, extra));
      return { c, name, init };
    }
    async function invoke(c: TestContainer, name: string, event: unknown, id = requestId()): Promise<InvocationOutcome> {
      return c.session.invoke({ requestId: id, payload: Buffer.from(JSON.stringify(event)), deadlineMs: Date.now() + 30_000, invokedFunctionArn: arnOf(name) });
    }
    const json = (o: InvocationOutcome) => JSON.parse(o.payload.toString());
    async function initError(runtime: Runtime, files: Files, handler: string): Promise<RuntimeInitError> {
      const { c, init } = await fn(runtime, files, handler);
      try {
        const err = await init.then(() => assert.fail('init succeeded'), (e: unknown) => e);
        assert.ok(err instanceof RuntimeInitError, `expected a RuntimeInitError, got ${String(err)}`);
        assert.equal(await c.wait(), 1);
        return err;
      } finally {
        await c.remove();
      }
    }
    /** Invokes, expects the process to exit, and reports the exit code (as the agent core would, via fail()). */
    async function invokeUntilExit(c: TestContainer, name: string): Promise<number> {
      const outcome = invoke(c, name, {});
      const code = await c.wait();
      c.session.fail(new Error(`container exited with status ${code}`));
      await assert.rejects(outcome, /exited/);
      return code;
    }

    // ------------------------------------------------------------------ Python

    test('runs a Python handler with the Lambda context, keeping module state across invocations', { skip }, async () => {
      const { c, name, init } = await fn('python3.11', {
        'app.py': [
          'import os, logging',
          'logging.getLogger().setLevel(logging.INFO)',
          'count = 0',
          'def handler(event, context):',
          '    global count',
          '    count += 1',
          '    print("call", count)',
          '    logging.getLogger("app").info("via logging %d", count)',
          '    cc = context.client_context',
          '    return {"count": count, "event": event, "name": context.function_name, "version": context.function_version,',
          '            "arn": context.invoked_function_arn, "memory": context.memory_limit_in_mb, "id": context.aws_request_id,',
          '            "group": context.log_group_name, "stream": context.log_stream_name, "remaining": context.get_remaining_time_in_millis(),',
          '            "identity": context.identity.cognito_identity_id, "clientContext": cc and {"custom": cc.custom, "app": cc.client.app_title},',
          '            "trace": os.environ.get("_X_AMZN_TRACE_ID"),',
          '            "env": {k: os.environ.get(k) for k in ("USER_VAR", "AWS_LAMBDA_FUNCTION_NAME", "_HANDLER", "AWS_EXECUTION_ENV")}, "cwd": os.getcwd()}',
        ].join('\n'),
      }, 'app.handler', { env: { USER_VAR: 'hello' } });
      try {
        const { initMs } = await init;
        const id = requestId();
        const first = json(await invoke(c, name, { a: 1 }, id));
        const second = json(await c.session.invoke({
          requestId: requestId(), payload: Buffer.from('{"a":2}'), deadlineMs: Date.now() + 30_000, invokedFunctionArn: arnOf(name),
          traceId: 'Root=1-5759e988-bd862e3fe1be46a994272793', cognitoIdentity: '{"cognitoIdentityId":"id-1","cognitoIdentityPoolId":"pool-1"}',
          clientContext: '{"client":{"app_title":"demo"},"custom":{"k":"v"},"env":{}}',
        }));

        assert.ok(initMs >= 0);
        // One GET /next ended init; each answer's post asked for the next invocation (Stratus-Next).
        assert.equal(c.session.nextPolls, 1);
        assert.equal(second.identity, 'id-1');
        assert.deepEqual(second.clientContext, { custom: { k: 'v' }, app: 'demo' });
        assert.equal(second.trace, 'Root=1-5759e988-bd862e3fe1be46a994272793');
        assert.equal(first.count, 1);
        assert.equal(second.count, 2);
        assert.deepEqual(first.event, { a: 1 });
        assert.equal(first.name, name);
        assert.equal(first.version, '1');
        assert.equal(first.arn, arnOf(name));
        assert.equal(first.memory, '128');
        assert.equal(first.id, id);
        assert.equal(first.group, `/stratus/${name}`);
        assert.ok(first.remaining > 0 && first.remaining <= 30_000);
        assert.equal(first.identity, null);
        assert.equal(first.clientContext, null);
        assert.deepEqual(first.env, { USER_VAR: 'hello', AWS_LAMBDA_FUNCTION_NAME: name, _HANDLER: 'app.handler', AWS_EXECUTION_ENV: 'AWS_Lambda_python3.11' });
        assert.equal(first.cwd, '/var/task');
        const logs = await c.logs();
        assert.match(logs, new RegExp(`call 1\\n\\[INFO\\]\\t[0-9T:.-]+Z\\t${id}\\tvia logging 1\\n\\u001eSTRATUS_END ${id}\\u001e\\n`));
      } finally {
        await c.remove();
      }
    });

    test('reports a Python exception with its class name, message and stack trace', { skip }, async () => {
      const { c, name, init } = await fn('python3.11', {
        'lib/app.py': 'def handler(event, context):\n    raise ValueError("bad value " + str(event["n"]))\n',
      }, 'lib/app.handler');
      try {
        await init;
        const out = await invoke(c, name, { n: 7 });

        assert.equal(out.kind, 'error');
        if (out.kind !== 'error') return;
        assert.equal(out.errorType, 'ValueError');
        assert.equal(out.errorMessage, 'bad value 7');
        assert.equal(out.stackTrace.length, 1);
        assert.match(out.stackTrace[0], /File "\/var\/task\/lib\/app.py", line 2, in handler/);
      } finally {
        await c.remove();
      }
    });

    test('reports a Python result that is not JSON as Runtime.MarshalError and keeps serving', { skip }, async () => {
      const { c, name, init } = await fn('python3.11', {
        'app.py': 'import decimal\ndef handler(event, context):\n    return {1, 2} if event.get("set") else {"d": decimal.Decimal("1.5")}\n',
      }, 'app.handler');
      try {
        await init;
        const bad = await invoke(c, name, { set: true });
        const good = await invoke(c, name, {});

        assert.equal(bad.kind === 'error' && bad.errorType, 'Runtime.MarshalError');
        assert.deepEqual(json(good), { d: 1.5 });
      } finally {
        await c.remove();
      }
    });

    test('fails a response over 6 MB as Function.ResponseSizeTooLarge and keeps the container serving', { skip }, async () => {
      const { c, name, init } = await fn('python3.11', {
        'app.py': 'def handler(event, context):\n    return "x" * event["size"]\n',
      }, 'app.handler');
      try {
        await init;
        const big = await invoke(c, name, { size: 7 * 1024 * 1024 });
        const small = await invoke(c, name, { size: 3 });

        assert.equal(big.kind === 'error' && big.errorType, 'Function.ResponseSizeTooLarge');
        assert.equal(small.payload.toString(), '"xxx"');
      } finally {
        await c.remove();
      }
    });

    test('loads a Python handler module named like a module the runtime preloaded', { skip }, async () => {
      const { c, name, init } = await fn('python3.11', { 'uuid.py': 'def handler(event, context):\n    return "own uuid module"\n' }, 'uuid.handler');
      try {
        await init;
        assert.equal((await invoke(c, name, {})).payload.toString(), '"own uuid module"');
      } finally {
        await c.remove();
      }
    });

    test('reports Python init errors: missing module, missing handler, syntax error, exception at import', { skip }, async () => {
      const [missing, noHandler, syntax, raising] = await Promise.all([
        initError('python3.11', { 'other.py': 'x = 1\n' }, 'app.handler'),
        initError('python3.11', { 'app.py': 'def other(e, c):\n    return 1\n' }, 'app.handler'),
        initError('python3.11', { 'app.py': 'def handler(e, c)\n    return 1\n' }, 'app.handler'),
        initError('python3.11', { 'app.py': 'raise RuntimeError("no config")\n' }, 'app.handler'),
      ]);

      assert.equal(missing.errorType, 'Runtime.ImportModuleError');
      assert.match(missing.errorMessage, /Unable to import module 'app'/);
      assert.equal(noHandler.errorType, 'Runtime.HandlerNotFound');
      assert.equal(syntax.errorType, 'Runtime.UserCodeSyntaxError');
      assert.equal(raising.errorType, 'RuntimeError');
      assert.equal(raising.errorMessage, 'no config');
    });

    test('lets a Python sys.exit end the process instead of swallowing it', { skip }, async () => {
      const { c, name, init } = await fn('python3.11', { 'app.py': 'import sys\ndef handler(e, c):\n    print("leaving")\n    sys.exit(3)\n' }, 'app.handler');
      try {
        await init;
        assert.equal(await invokeUntilExit(c, name), 3);
        assert.match(await c.logs(), /leaving\n\u001eSTRATUS_END /);
      } finally {
        await c.remove();
      }
    });

    test('refuses a container that answers the request id of another container', { skip }, async () => {
      const owner = await fn('python3.11', { 'app.py': 'import time\ndef handler(e, c):\n    time.sleep(1)\n    return "mine"\n' }, 'app.handler');
      const thief = await fn('python3.11', {
        'app.py': [
          'import http.client, os',
          'def handler(event, context):',
          '    host, port = os.environ["AWS_LAMBDA_RUNTIME_API"].rsplit(":", 1)',
          '    conn = http.client.HTTPConnection(host, int(port))',
          '    conn.request("POST", "/2018-06-01/runtime/invocation/%s/response" % event["steal"], body=b\'"stolen"\')',
          '    resp = conn.getresponse()',
          '    return {"status": resp.status, "body": resp.read().decode()}',
        ].join('\n'),
      }, 'app.handler');
      try {
        await Promise.all([owner.init, thief.init]);
        const ownerId = requestId();
        const owned = invoke(owner.c, owner.name, {}, ownerId);
        const theft = json(await invoke(thief.c, thief.name, { steal: ownerId }));

        assert.equal(theft.status, 403);
        assert.equal(JSON.parse(theft.body).errorType, 'Forbidden');
        assert.equal((await owned).payload.toString(), '"mine"');
      } finally {
        await owner.c.remove();
        await thief.c.remove();
      }
    });

    // ------------------------------------------------------------------ Node

    for (const runtime of ['nodejs20.x', 'nodejs22.x'] as const) {
      test(`runs ${runtime} handlers in every form: async, callback, sync, ESM, nested .cjs`, { skip }, async (t) => {
        if (!(await h.supports(runtime))) return t.skip(`no image or node binary for ${runtime}`);
        const { c, name, init } = await fn(runtime, {
          'index.js': [
            'let count = 0;',
            'exports.asyncForm = async (event, context) => {',
            '  count += 1;',
            '  console.log("call", count);',
            '  return { count, event, name: context.functionName, version: context.functionVersion, arn: context.invokedFunctionArn,',
            '    memory: context.memoryLimitInMB, id: context.awsRequestId, group: context.logGroupName, stream: context.logStreamName,',
            '    remaining: context.getRemainingTimeInMillis(), waits: context.callbackWaitsForEmptyEventLoop,',
            '    identity: context.identity ?? null, clientContext: context.clientContext ?? null, trace: process.env._X_AMZN_TRACE_ID ?? null,',
            '    env: { USER_VAR: process.env.USER_VAR, fn: process.env.AWS_LAMBDA_FUNCTION_NAME, exec: process.env.AWS_EXECUTION_ENV }, cwd: process.cwd() };',
            '};',
          ].join('\n'),
        }, 'index.asyncForm', { env: { USER_VAR: 'hi' } });
        try {
          await init;
          const id = requestId();
          const first = json(await invoke(c, name, { a: 1 }, id));
          const second = json(await c.session.invoke({
            requestId: requestId(), payload: Buffer.from('{"a":2}'), deadlineMs: Date.now() + 30_000, invokedFunctionArn: arnOf(name),
            traceId: 'Root=1-abc', cognitoIdentity: '{"cognitoIdentityId":"id-1"}', clientContext: '{"custom":{"k":"v"}}',
          }));

          assert.equal(c.session.nextPolls, 1); // the posts asked for the next invocation (Stratus-Next)
          assert.equal(first.identity, null);
          assert.equal(first.clientContext, null);
          assert.deepEqual(second.identity, { cognitoIdentityId: 'id-1' });
          assert.deepEqual(second.clientContext, { custom: { k: 'v' } });
          assert.equal(second.trace, 'Root=1-abc');
          assert.equal(first.count, 1);
          assert.equal(second.count, 2);
          assert.deepEqual(first.event, { a: 1 });
          assert.equal(first.name, name);
          assert.equal(first.version, '1');
          assert.equal(first.arn, arnOf(name));
          assert.equal(first.memory, '128');
          assert.equal(first.id, id);
          assert.equal(first.group, `/stratus/${name}`);
          assert.ok(first.remaining > 0 && first.remaining <= 30_000);
          assert.equal(first.waits, true);
          assert.deepEqual(first.env, { USER_VAR: 'hi', fn: name, exec: `AWS_Lambda_${runtime}` });
          assert.equal(first.cwd, '/var/task');
          assert.match(await c.logs(), new RegExp(`\\t${id}\\tINFO\\tcall 1\\n\\u001eSTRATUS_END ${id}\\u001e\\n`));
        } finally {
          await c.remove();
        }

        const forms: Array<[string, Files, string, unknown]> = [
          ['callback', { 'cb.js': 'exports.handler = (event, context, callback) => { setTimeout(() => callback(null, { via: "callback", event }), 5); };' }, 'cb.handler', { via: 'callback', event: { x: 1, v: 21 } }],
          ['callback waiting for the event loop', {
            'wait.js': 'exports.handler = (event, context, callback) => { setTimeout(() => console.log("timer fired"), 50); callback(null, "done"); };',
          }, 'wait.handler', 'done'],
          ['sync (Lambda answers null)', { 'sync.js': 'exports.handler = (event) => ({ ignored: true });' }, 'sync.handler', null],
          ['ESM .mjs', { 'esm.mjs': 'import os from "node:os";\nconst started = await Promise.resolve("tla");\nexport const handler = async (event) => ({ esm: true, started, arch: typeof os.arch() });' }, 'esm.handler', { esm: true, started: 'tla', arch: 'string' }],
          ['ESM .js under "type": "module"', { 'package.json': '{"type":"module"}', 'mod.js': 'export const handler = async () => "esm-js";' }, 'mod.handler', 'esm-js'],
          ['nested .cjs with a nested property', { 'src/lib/h.cjs': 'module.exports = { api: { handler: async (e) => e.v * 2 } };' }, 'src/lib/h.api.handler', 42],
        ];
        for (const [label, files, handler, expected] of forms) {
          const f = await fn(runtime, files, handler);
          try {
            await f.init;
            const out = await invoke(f.c, f.name, { x: 1, v: 21 });
            assert.equal(out.kind, 'response', `${label}: ${out.payload.toString()}`);
            assert.deepEqual(json(out), expected, label);
            // Lambda posts a callback's result only once the event loop is empty: the timer ran first.
            if (handler === 'wait.handler') assert.match(await f.c.logs(), /INFO\ttimer fired\n\u001eSTRATUS_END /);
          } finally {
            await f.c.remove();
          }
        }
      });

      test(`reports ${runtime} errors: thrown, callback(err), unhandled rejection, and init errors`, { skip }, async (t) => {
        if (!(await h.supports(runtime))) return t.skip(`no image or node binary for ${runtime}`);
        const thrown = await fn(runtime, { 'app.js': 'class Oops extends Error { constructor(m) { super(m); this.name = "Oops"; } }\nexports.handler = async (e) => { throw new Oops("bad " + e.n); };' }, 'app.handler');
        try {
          await thrown.init;
          const out = await invoke(thrown.c, thrown.name, { n: 1 });
          assert.equal(out.kind, 'error');
          if (out.kind !== 'error') return;
          assert.equal(out.errorType, 'Oops');
          assert.equal(out.errorMessage, 'bad 1');
          assert.equal(out.stackTrace[0], 'Oops: bad 1');
          assert.match(out.stackTrace[1], /\/var\/task\/app\.js:2/);
          // The container keeps serving after a handled error.
          assert.equal((await invoke(thrown.c, thrown.name, { n: 2 })).kind, 'error');
        } finally {
          await thrown.c.remove();
        }

        const cb = await fn(runtime, { 'app.js': 'exports.handler = (e, c, callback) => callback(new TypeError("nope"));' }, 'app.handler');
        try {
          await cb.init;
          const out = await invoke(cb.c, cb.name, {});
          assert.equal(out.kind === 'error' && out.errorType, 'TypeError');
          assert.equal(out.kind === 'error' && out.errorMessage, 'nope');
        } finally {
          await cb.c.remove();
        }

        const rejection = await fn(runtime, { 'app.js': 'exports.handler = (e, c, callback) => { Promise.reject(new Error("lost")); setTimeout(() => callback(null, 1), 1000); };' }, 'app.handler');
        try {
          await rejection.init;
          const out = await invoke(rejection.c, rejection.name, {});
          assert.equal(out.kind === 'error' && out.errorType, 'Runtime.UnhandledPromiseRejection');
          assert.match(out.kind === 'error' ? out.errorMessage : '', /lost/);
          assert.equal(await rejection.c.wait(), 128);
        } finally {
          await rejection.c.remove();
        }

        const [missing, noHandler, notFn, syntax] = await Promise.all([
          initError(runtime, { 'other.js': '' }, 'app.handler'),
          initError(runtime, { 'app.js': 'exports.other = () => 1;' }, 'app.handler'),
          initError(runtime, { 'app.mjs': 'export const handler = 5;' }, 'app.handler'),
          initError(runtime, { 'app.js': 'exports.handler = async () => {' }, 'app.handler'),
        ]);
        assert.equal(missing.errorType, 'Runtime.ImportModuleError');
        assert.equal(noHandler.errorType, 'Runtime.HandlerNotFound');
        assert.equal(noHandler.errorMessage, 'app.handler is undefined or not exported');
        assert.equal(notFn.errorType, 'Runtime.HandlerNotFound');
        assert.equal(syntax.errorType, 'Runtime.UserCodeSyntaxError');
      });

      test(`lets ${runtime} process.exit end the process`, { skip }, async (t) => {
        if (!(await h.supports(runtime))) return t.skip(`no image or node binary for ${runtime}`);
        const { c, name, init } = await fn(runtime, { 'app.js': 'exports.handler = async () => { console.log("bye"); process.exit(2); };' }, 'app.handler');
        try {
          await init;
          assert.equal(await invokeUntilExit(c, name), 2);
          assert.match(await c.logs(), /INFO\tbye\n\u001eSTRATUS_END /);
        } finally {
          await c.remove();
        }
      });
    }

    // ------------------------------------------------------------------ provided

    test('runs a provided function whose own bootstrap speaks the Runtime API', { skip }, async () => {
      const bootstrap = [
        '#!/usr/bin/env python3',
        'import http.client, json, os',
        'host, port = os.environ["AWS_LAMBDA_RUNTIME_API"].rsplit(":", 1)',
        'conn = http.client.HTTPConnection(host, int(port))',
        'while True:',
        '    conn.request("GET", "/2018-06-01/runtime/invocation/next")',
        '    r = conn.getresponse(); event = json.loads(r.read())',
        '    rid = r.headers["Lambda-Runtime-Aws-Request-Id"]',
        '    body = json.dumps({"echo": event, "handler": os.environ["_HANDLER"], "fn": os.environ["AWS_LAMBDA_FUNCTION_NAME"]})',
        '    conn.request("POST", "/2018-06-01/runtime/invocation/%s/response" % rid, body=body.encode())',
        '    conn.getresponse().read()',
      ].join('\n');
      const { c, name, init } = await fn('provided', { bootstrap: { content: bootstrap, mode: 0o755 } }, 'function.handler');
      try {
        await init;
        const out = json(await invoke(c, name, { hi: 1 }));

        assert.deepEqual(out, { echo: { hi: 1 }, handler: 'function.handler', fn: name });
      } finally {
        await c.remove();
      }
    });

    test('reports a provided function without an executable bootstrap as Runtime.InvalidEntrypoint', { skip }, async () => {
      const [missing, notExecutable] = await Promise.all([
        initError('provided', { 'main.sh': 'echo hi' }, 'x.handler'),
        initError('provided', { bootstrap: { content: '#!/bin/sh\necho hi\n', mode: 0o644 } }, 'x.handler'),
      ]);

      assert.equal(missing.errorType, 'Runtime.InvalidEntrypoint');
      assert.equal(notExecutable.errorType, 'Runtime.InvalidEntrypoint');
    });
  });
}
