// RuntimeApiServer driven by fake containers: HTTP clients bound to distinct loopback addresses
// (127.0.0.x), so each one looks like a different container. No Docker.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '@stratus/common';
import { RuntimeApiServer, RuntimeInitError, type InvocationInput, type SpecializeConfig } from '../src/runtime-api/index';

interface Reply { status: number; headers: http.IncomingHttpHeaders; body: string }

let server: RuntimeApiServer;
let port = 0;
let nextIp = 10;
const logger = createLogger('runtime-api-test');
logger.level = 'silent';

before(async () => {
  server = new RuntimeApiServer({ host: '127.0.0.1', logger, maxResponseBytes: 1024, attachGraceMs: 2000 });
  ({ port } = await server.listen());
});
after(async () => {
  await server.close();
});

/** One request with the whole answer. */
function send(options: http.RequestOptions, body?: string | Buffer): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

// Long polls still open when a test detaches its container end with "socket hang up": expected.
const quiet = (p: Promise<Reply>) => { p.catch(() => undefined); return p; };

/** A fake container: one keep-alive connection from its own loopback address. */
function fakeContainer() {
  const ip = `127.0.0.${nextIp++}`;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const request = (conn: http.Agent | false, method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<Reply> =>
    send({ host: '127.0.0.1', port, method, path, agent: conn, localAddress: ip, headers }, body);
  const call = (method: string, path: string, body?: string | Buffer, headers?: Record<string, string>) => quiet(request(agent, method, path, body, headers));
  /** The same address on a connection of its own (while the keep-alive one holds a long poll). */
  const callAside = (method: string, path: string, body?: string | Buffer, headers?: Record<string, string>) => quiet(request(false, method, path, body, headers));
  return { ip, call, callAside };
}

const config = (over: Partial<SpecializeConfig> = {}): SpecializeConfig => ({
  functionName: 'hello', functionVersion: '3', handler: 'app.handler', memoryMb: 128, timeoutSec: 30,
  env: { USER_VAR: 'x' }, logGroupName: '/stratus/hello', logStreamName: 'stream', ...over,
});
const input = (requestId: string, over: Partial<InvocationInput> = {}): InvocationInput => ({
  requestId, payload: Buffer.from('{"a":1}'), deadlineMs: 1_900_000_000_000,
  invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:hello:3', ...over,
});

/** A container that is specialized and polling /next. */
async function readyContainer() {
  const c = fakeContainer();
  return { c, ...(await specialized(c, server.attach(c.ip))) };
}

/** Specializes the attached container c; returns its session and its first /next poll. */
async function specialized(c: { call: (method: string, path: string) => Promise<Reply> }, session: ReturnType<RuntimeApiServer['attach']>) {
  const poll = c.call('GET', '/2018-06-01/stratus/specialize');
  await session.waitUntilPrewarmed();
  const init = session.specialize(config());
  assert.equal((await poll).status, 200);
  const next = c.call('GET', '/2018-06-01/runtime/invocation/next');
  await init;
  return { session, next };
}

test('hands the configuration to a pre-warmed container and resolves init at its first /next', async () => {
  // Arrange
  const c = fakeContainer();
  const session = server.attach(c.ip);
  const poll = c.call('GET', '/2018-06-01/stratus/specialize');
  await session.waitUntilPrewarmed();

  // Act
  const init = session.specialize(config());
  const answer = await poll;
  void c.call('GET', '/2018-06-01/runtime/invocation/next');
  const { initMs } = await init;

  // Assert
  assert.equal(answer.status, 200);
  assert.deepEqual(JSON.parse(answer.body), config());
  assert.ok(initMs >= 0);
  session.detach();
});

test('answers a /specialize poll that arrives after specialize() was called', async () => {
  const c = fakeContainer();
  const session = server.attach(c.ip);
  const init = session.specialize(config({ functionName: 'late' }));

  const answer = await c.call('GET', '/2018-06-01/stratus/specialize');
  void c.call('GET', '/2018-06-01/runtime/invocation/next');
  await init;

  assert.equal(JSON.parse(answer.body).functionName, 'late');
  session.detach();
});

test('delivers an invocation with the Lambda-Runtime headers and resolves with the posted response', async () => {
  const { c, session, next } = await readyContainer();

  const outcome = session.invoke(input('req-1', { traceId: 'Root=1-abc', clientContext: '{"custom":{}}', cognitoIdentity: '{"cognitoIdentityId":"i"}' }));
  const event = await next;
  const posted = await c.call('POST', '/2018-06-01/runtime/invocation/req-1/response', '{"ok":true}');

  assert.equal(event.status, 200);
  assert.equal(event.body, '{"a":1}');
  assert.equal(event.headers['lambda-runtime-aws-request-id'], 'req-1');
  assert.equal(event.headers['lambda-runtime-deadline-ms'], '1900000000000');
  assert.equal(event.headers['lambda-runtime-invoked-function-arn'], 'arn:aws:lambda:local:000000000000:function:hello:3');
  assert.equal(event.headers['lambda-runtime-trace-id'], 'Root=1-abc');
  assert.equal(event.headers['lambda-runtime-client-context'], '{"custom":{}}');
  assert.equal(event.headers['lambda-runtime-cognito-identity'], '{"cognitoIdentityId":"i"}');
  assert.equal(posted.status, 202);
  const result = await outcome;
  assert.equal(result.kind, 'response');
  assert.equal(result.payload.toString(), '{"ok":true}');
  session.detach();
});

test('answers a response post that asks for it (Stratus-Next) with the next invocation, not 202', async () => {
  const { c, session, next } = await readyContainer();
  const first = session.invoke(input('req-n1'));
  await next;

  // The post waits: no invocation is queued yet.
  const posted = c.call('POST', '/2018-06-01/runtime/invocation/req-n1/response', '"one"', { 'Stratus-Next': '1' });
  assert.equal((await first).kind, 'response');
  const second = session.invoke(input('req-n2', { payload: Buffer.from('{"b":2}') }));
  const event = await posted;
  assert.equal(event.status, 200);
  assert.equal(event.headers['lambda-runtime-aws-request-id'], 'req-n2');
  assert.equal(event.headers['lambda-runtime-deadline-ms'], '1900000000000');
  assert.equal(event.body, '{"b":2}');

  // An invocation made as the post settles (the pool hands the container straight to a queued
  // caller) goes out on the same post; an error post asks the same way.
  const errorPosted = c.call('POST', '/2018-06-01/runtime/invocation/req-n2/error', JSON.stringify({ errorType: 'E', errorMessage: 'm' }), { 'Stratus-Next': '1' });
  const second2 = await second;
  assert.equal(second2.kind === 'error' && second2.errorType, 'E');
  const third = session.invoke(input('req-n3'));
  assert.equal((await errorPosted).headers['lambda-runtime-aws-request-id'], 'req-n3');
  // Without the header (a standard runtime): 202, then its own /next.
  assert.equal((await c.call('POST', '/2018-06-01/runtime/invocation/req-n3/response', '3')).status, 202);
  assert.equal((await third).kind, 'response');
  const again = c.call('GET', '/2018-06-01/runtime/invocation/next');
  const fourth = session.invoke(input('req-n4'));
  assert.equal((await again).headers['lambda-runtime-aws-request-id'], 'req-n4');
  // A refused post (over the size limit) is answered at once, even when it asked for the next one.
  const big = await c.call('POST', '/2018-06-01/runtime/invocation/req-n4/response', Buffer.alloc(2048, 0x31), { 'Stratus-Next': '1' });
  assert.equal(big.status, 413);
  const fourth2 = await fourth;
  assert.equal(fourth2.kind === 'error' && fourth2.errorType, 'Function.ResponseSizeTooLarge');
  session.detach();
});

test('a post held as the next poll ends when the container is detached', async () => {
  const { c, session, next } = await readyContainer();
  const outcome = session.invoke(input('req-d'));
  await next;
  const posted = c.call('POST', '/2018-06-01/runtime/invocation/req-d/response', '1', { 'Stratus-Next': '1' });
  assert.equal((await outcome).kind, 'response');
  session.detach();
  await assert.rejects(posted);
});

test('queues an invocation made before the container polls /next', async () => {
  const c = fakeContainer();
  const session = server.attach(c.ip);
  const poll = c.call('GET', '/2018-06-01/stratus/specialize');
  await session.waitUntilPrewarmed();
  const init = session.specialize(config());
  await poll;

  const outcome = session.invoke(input('req-q'));
  const event = await c.call('GET', '/2018-06-01/runtime/invocation/next');
  await init;
  await c.call('POST', '/2018-06-01/runtime/invocation/req-q/response', '1');

  assert.equal(event.headers['lambda-runtime-aws-request-id'], 'req-q');
  assert.equal((await outcome).payload.toString(), '1');
  session.detach();
});

test('refuses with 403 a container answering a request id that was handed to another container', async () => {
  const a = await readyContainer();
  const b = await readyContainer();
  const outcomeA = a.session.invoke(input('req-a'));
  await a.next;

  const stolen = await b.c.callAside('POST', '/2018-06-01/runtime/invocation/req-a/response', '"stolen"');
  const guessed = await a.c.call('POST', '/2018-06-01/runtime/invocation/req-other/response', '"x"');
  await a.c.call('POST', '/2018-06-01/runtime/invocation/req-a/response', '"mine"');

  assert.equal(stolen.status, 403);
  assert.equal(JSON.parse(stolen.body).errorType, 'Forbidden');
  assert.equal(guessed.status, 403);
  assert.equal((await outcomeA).payload.toString(), '"mine"');
  a.session.detach();
  b.session.detach();
});

test('refuses requests from an address that is not attached', async () => {
  const c = fakeContainer();

  const next = await c.call('GET', '/2018-06-01/runtime/invocation/next');
  const post = await c.call('POST', '/2018-06-01/runtime/invocation/x/response', '{}');
  const initError = await c.call('POST', '/2018-06-01/runtime/init/error', '{}');

  assert.equal(next.status, 403);
  assert.equal(post.status, 403);
  assert.equal(initError.status, 403);
});

test('holds a /specialize poll from an address until it is attached', async () => {
  const c = fakeContainer();
  const poll = c.call('GET', '/2018-06-01/stratus/specialize');
  await new Promise((r) => setTimeout(r, 50));

  const session = server.attach(c.ip);
  await session.waitUntilPrewarmed();
  const init = session.specialize(config());
  const answer = await poll;
  void c.call('GET', '/2018-06-01/runtime/invocation/next');
  await init;

  assert.equal(answer.status, 200);
  session.detach();
});

test('refuses a response over the size limit with 413 and fails the invocation as Function.ResponseSizeTooLarge', async () => {
  const { c, session, next } = await readyContainer();
  const outcome = session.invoke(input('req-big'));
  await next;

  const posted = await c.call('POST', '/2018-06-01/runtime/invocation/req-big/response', Buffer.alloc(2048, 0x31));

  assert.equal(posted.status, 413);
  const result = await outcome;
  assert.equal(result.kind, 'error');
  assert.equal(result.kind === 'error' && result.errorType, 'Function.ResponseSizeTooLarge');
  assert.equal(JSON.parse(result.payload.toString()).errorType, 'Function.ResponseSizeTooLarge');
  // The connection is still usable for the next invocation.
  const again = c.call('GET', '/2018-06-01/runtime/invocation/next');
  const second = session.invoke(input('req-after'));
  assert.equal((await again).headers['lambda-runtime-aws-request-id'], 'req-after');
  await c.call('POST', '/2018-06-01/runtime/invocation/req-after/response', '2');
  assert.equal((await second).kind, 'response');
  session.detach();
});

test('reports a function error with its type, message and stack trace', async () => {
  const { c, session, next } = await readyContainer();
  const outcome = session.invoke(input('req-err'));
  await next;

  const posted = await c.call('POST', '/2018-06-01/runtime/invocation/req-err/error',
    JSON.stringify({ errorType: 'ValueError', errorMessage: 'bad', stackTrace: ['  File "app.py", line 2'], requestId: 'req-err' }),
    { 'Lambda-Runtime-Function-Error-Type': 'ValueError' });

  assert.equal(posted.status, 202);
  const result = await outcome;
  assert.equal(result.kind, 'error');
  if (result.kind !== 'error') return;
  assert.equal(result.errorType, 'ValueError');
  assert.equal(result.errorMessage, 'bad');
  assert.deepEqual(result.stackTrace, ['  File "app.py", line 2']);
  assert.deepEqual(JSON.parse(result.payload.toString()), { errorType: 'ValueError', errorMessage: 'bad', stackTrace: ['  File "app.py", line 2'] });
  session.detach();
});

test('takes the error type from the header when the error body is not JSON', async () => {
  const { c, session, next } = await readyContainer();
  const outcome = session.invoke(input('req-raw'));
  await next;

  await c.call('POST', '/2018-06-01/runtime/invocation/req-raw/error', 'plain text', { 'Lambda-Runtime-Function-Error-Type': 'Custom.Thing' });

  const result = await outcome;
  assert.equal(result.kind === 'error' && result.errorType, 'Custom.Thing');
  assert.equal(result.kind === 'error' && result.errorMessage, 'plain text');
  session.detach();
});

test('rejects specialize with a RuntimeInitError when the runtime posts an init error', async () => {
  const c = fakeContainer();
  const session = server.attach(c.ip);
  const poll = c.call('GET', '/2018-06-01/stratus/specialize');
  await session.waitUntilPrewarmed();
  const init = session.specialize(config());
  await poll;

  const posted = await c.call('POST', '/2018-06-01/runtime/init/error',
    JSON.stringify({ errorType: 'Runtime.ImportModuleError', errorMessage: "Unable to import module 'app'", stackTrace: [] }),
    { 'Lambda-Runtime-Function-Error-Type': 'Runtime.ImportModuleError' });

  assert.equal(posted.status, 202);
  await assert.rejects(init, (err: unknown) => {
    assert.ok(err instanceof RuntimeInitError);
    assert.equal(err.errorType, 'Runtime.ImportModuleError');
    assert.equal(JSON.parse(err.payload.toString()).errorMessage, "Unable to import module 'app'");
    return true;
  });
  session.detach();
});

test('refuses an init error once init is over', async () => {
  const { c, session } = await readyContainer();

  const posted = await c.callAside('POST', '/2018-06-01/runtime/init/error', '{"errorType":"X","errorMessage":"y"}');

  assert.equal(posted.status, 403);
  session.detach();
});

test('fail() rejects the pending invocation and every later call', async () => {
  const { session, next } = await readyContainer();
  const outcome = session.invoke(input('req-dies'));
  await next;

  session.fail(new Error('container exited with status 137'));

  await assert.rejects(outcome, /exited with status 137/);
  await assert.rejects(session.invoke(input('req-later')), /exited with status 137/);
  session.detach();
});

test('waitUntilPrewarmed stops waiting when its signal aborts', async () => {
  const c = fakeContainer();
  const session = server.attach(c.ip);
  const ac = new AbortController();

  const waiting = session.waitUntilPrewarmed(ac.signal);
  ac.abort(new Error('gave up'));

  await assert.rejects(waiting, /gave up/);
  session.detach();
});

test('detach closes the container connections and refuses its address afterwards', async () => {
  const { c, session, next } = await readyContainer();

  session.detach();

  await assert.rejects(next);
  const later = await c.call('GET', '/2018-06-01/runtime/invocation/next');
  assert.equal(later.status, 403);
});

test('fails an invocation the runtime abandons by asking for the next one', async () => {
  const { c, session, next } = await readyContainer();
  const outcome = session.invoke(input('req-abandoned'));
  await next;

  void c.call('GET', '/2018-06-01/runtime/invocation/next').catch(() => undefined);

  const result = await outcome;
  assert.equal(result.kind === 'error' && result.errorType, 'Runtime.InvalidStateTransition');
  session.detach();
});

test('answers malformed paths with 404 or 403 without failing the server', async () => {
  const { c, session } = await readyContainer();

  const badEscape = await c.callAside('POST', '/2018-06-01/runtime/invocation/%E0%A4%A/response', '{}');
  const unknown = await c.callAside('GET', '/2018-06-01/runtime/whatever');
  const noAction = await c.callAside('POST', '/2018-06-01/runtime/invocation/abc', '{}');

  assert.equal(badEscape.status, 403);
  assert.equal(unknown.status, 404);
  assert.equal(noAction.status, 404);
  session.detach();
});

test('refuses to specialize a container twice', async () => {
  const c = fakeContainer();
  const session = server.attach(c.ip);
  const first = session.specialize(config());

  await assert.rejects(session.specialize(config({ functionName: 'other' })), /already specialized/);

  const answer = await c.call('GET', '/2018-06-01/stratus/specialize');
  assert.equal(JSON.parse(answer.body).functionName, 'hello');
  void c.call('GET', '/2018-06-01/runtime/invocation/next');
  await first;
  session.detach();
});

/** A fake container on a Unix socket of its own (listenUnix), as the Stratus bootstraps connect. */
async function unixContainer(name: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rt-sock-'));
  const socketPath = path.join(dir, 'runtime.sock');
  await server.listenUnix(name, socketPath, { uid: process.getuid!(), gid: process.getgid!() });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const call = (method: string, urlPath: string, body?: string) => quiet(send({ socketPath, method, path: urlPath, agent }, body));
  return { dir, socketPath, call };
}

test('serves a container on its own Unix socket, known by the socket and not by any address', async () => {
  const c = await unixContainer('unix-a');
  const st = fs.statSync(c.socketPath);
  assert.equal(st.mode & 0o777, 0o600, 'only its owner (the function user) and root may connect');
  assert.equal(st.uid, process.getuid!());
  const { session, next } = await specialized(c, server.attach('10.9.9.9', 'unix-a'));

  const outcome = session.invoke(input('req-unix'));
  assert.equal((await next).body, '{"a":1}');
  assert.equal((await c.call('POST', '/2018-06-01/runtime/invocation/req-unix/response', '{"via":"unix"}')).status, 202);
  assert.equal((await outcome).payload.toString(), '{"via":"unix"}');

  session.detach();
  assert.equal(fs.existsSync(c.socketPath), false, 'detach closes and removes the socket');
  fs.rmSync(c.dir, { recursive: true, force: true });
});

test("a container's Unix socket cannot act for another container", async () => {
  const a = await unixContainer('unix-b');
  const other = await readyContainer();
  const outcome = other.session.invoke(input('req-other'));
  await other.next;

  const posted = await a.call('POST', '/2018-06-01/runtime/invocation/req-other/response', '{"stolen":true}');

  assert.equal(posted.status, 403, 'the socket of an unattached container is refused');
  await other.c.call('POST', '/2018-06-01/runtime/invocation/req-other/response', '{"mine":true}');
  assert.equal((await outcome).payload.toString(), '{"mine":true}');
  other.session.detach();
  server.closeUnixSocket('unix-b');
  assert.equal(fs.existsSync(a.socketPath), false);
  fs.rmSync(a.dir, { recursive: true, force: true });
});
