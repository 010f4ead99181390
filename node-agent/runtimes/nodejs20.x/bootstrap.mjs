// Stratus runtime for Node.js functions (Node 20 and 22): Lambda's handler model over the Lambda
// Runtime API. Started before any function is known: loads Node and the usual built-in modules, then
// long-polls the agent's /specialize extension (the container is "pre-warmed" while it waits). The
// answer names the function, whose module is loaded once; then Lambda's loop: GET /next, call the
// handler, POST the result. See docs/runtime-protocol.md. No dependencies; one keep-alive connection.
import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import util from 'node:util';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
// Built-ins most functions use: loaded while the container waits, so specialization does not pay.
import 'node:http';
import 'node:crypto';
import 'node:https';
import 'node:zlib';
import 'node:stream';
import 'node:events';
import 'node:os';
import 'node:querystring';
import 'node:string_decoder';
import 'node:timers/promises';
import 'node:fs/promises';

const API = process.env.AWS_LAMBDA_RUNTIME_API ?? '127.0.0.1:9001';
const TASK_ROOT = process.env.LAMBDA_TASK_ROOT ?? '/var/task';
const sep = API.lastIndexOf(':');
const HOST = API.slice(0, sep);
const PORT = Number(API.slice(sep + 1));
const BASE = '/2018-06-01';
// The container's own Unix socket to the agent, when it has one and it answers: half the CPU per
// round trip of TCP through the bridge (docs/runtime-protocol.md). Otherwise (gVisor without
// host-uds) TCP. Tried once here, while pre-warmed.
const SOCKET_PATH = process.env.STRATUS_RUNTIME_API_SOCKET
  ? await new Promise((resolve) => {
    const s = net.connect(process.env.STRATUS_RUNTIME_API_SOCKET);
    s.once('connect', () => { s.destroy(); resolve(process.env.STRATUS_RUNTIME_API_SOCKET); });
    s.once('error', () => resolve(undefined));
  })
  : undefined;
const NEXT = `${BASE}/runtime/invocation/next`;
const JSON_HEADERS = { 'Content-Type': 'application/json' };
const require = createRequire(import.meta.url);

// The first require() and the first import() of a process each cost milliseconds (loader set-up);
// paying them now, while pre-warmed, keeps them off specialization.
require('./warm.cjs');
await import('./warm.mjs');

// The Runtime API on one keep-alive connection: a minimal HTTP/1.1 client, because the agent always
// answers with Content-Length, and node:http's client cost 123 µs of CPU per invocation (/next plus
// the response post) against 70 µs for this one, measured on loopback: CPU a 128 MB function (7% of
// a core) pays on every call. Between requests the socket is unref'd, as http.Agent does with free
// sockets, so "the event loop is empty" (callbackWaitsForEmptyEventLoop) still happens.
let sock;
let received = Buffer.alloc(0); // bytes before the end of the current response's head
let head; // { status, headers, length } of the response being read, once its head arrived
let body = []; // its body chunks so far (a 6 MB event arrives in many: concatenated once)
let bodyBytes = 0;
let pending; // { resolve, reject } of the request in flight (one at a time)

function connect() {
  const s = SOCKET_PATH ? net.connect(SOCKET_PATH) : net.connect(PORT, HOST);
  if (!SOCKET_PATH) s.setNoDelay(true);
  s.on('data', (chunk) => {
    if (s !== sock) return;
    if (head) {
      body.push(chunk);
      bodyBytes += chunk.length;
    } else {
      received = received.length ? Buffer.concat([received, chunk]) : chunk;
    }
    parseResponse();
  });
  const broken = (err) => {
    if (s !== sock) return;
    sock = undefined;
    received = Buffer.alloc(0);
    head = undefined;
    body = [];
    bodyBytes = 0;
    const p = pending;
    pending = undefined;
    p?.reject(err);
  };
  s.on('error', broken);
  s.on('close', () => broken(Object.assign(new Error('the runtime API closed the connection'), { code: 'ECONNRESET' })));
  sock = s;
}

function parseResponse() {
  if (!pending) return;
  if (!head) {
    const end = received.indexOf('\r\n\r\n');
    if (end < 0) return;
    const lines = received.toString('latin1', 0, end).split('\r\n');
    const headers = {};
    for (let i = 1; i < lines.length; i++) {
      const colon = lines[i].indexOf(':');
      if (colon > 0) headers[lines[i].slice(0, colon).trim().toLowerCase()] = lines[i].slice(colon + 1).trim();
    }
    head = { status: Number(lines[0].split(' ')[1]), headers, length: Number(headers['content-length'] ?? 0) };
    const rest = received.subarray(end + 4);
    received = Buffer.alloc(0);
    body = rest.length ? [rest] : [];
    bodyBytes = rest.length;
  }
  if (bodyBytes < head.length) return;
  const all = body.length === 1 ? body[0] : Buffer.concat(body, bodyBytes);
  const done = head;
  head = undefined;
  body = [];
  bodyBytes = 0;
  received = all.length > done.length ? all.subarray(done.length) : Buffer.alloc(0); // nothing is expected after it
  const p = pending;
  pending = undefined;
  sock.unref();
  if (done.headers.connection?.toLowerCase() === 'close') { const s = sock; sock = undefined; s.destroy(); }
  p.resolve({ status: done.status, headers: done.headers, body: all.subarray(0, done.length) });
}

/** One request on the keep-alive connection; retried once when a reused connection turned out closed. */
function request(method, urlPath, body, headers) {
  return new Promise((resolve, reject) => {
    const attempt = (mayRetry) => {
      const reused = sock !== undefined;
      if (!reused) connect();
      sock.ref();
      pending = { resolve, reject: (err) => (mayRetry && reused && err.code === 'ECONNRESET' ? attempt(false) : reject(err)) };
      let head = `${method} ${urlPath} HTTP/1.1\r\nHost: ${API}\r\n`;
      for (const name in headers) head += `${name}: ${headers[name]}\r\n`;
      if (body === undefined) return sock.write(`${head}\r\n`, 'latin1');
      const payload = typeof body === 'string' ? Buffer.from(body) : body;
      sock.write(Buffer.concat([Buffer.from(`${head}Content-Length: ${payload.length}\r\n\r\n`, 'latin1'), payload]));
    };
    attempt(true);
  });
}

// ------------------------------------------------------------------ logging

let currentId; // request id of the invocation in progress (undefined between invocations)
let sentinelWritten = true;

// Which of stdout/stderr an invocation wrote to: only those get its end mark, so an invocation that
// printed nothing sends nothing through the engine's log pipes. (Writes below the streams, e.g. a
// child process inheriting the fds, are not seen; they go to the next marked invocation.)
const written = { stdout: false, stderr: false };
const rawWrite = {};
for (const name of ['stdout', 'stderr']) {
  const stream = process[name];
  const write = stream.write;
  rawWrite[name] = (text) => write.call(stream, text);
  stream.write = function trackedWrite(...args) {
    written[name] = true;
    return write.apply(this, args);
  };
}

/**
 * Flush point of an invocation: everything written before belongs to it (the agent splits logs
 * here). Returns the streams marked, for the Stratus-Log-Sentinels header.
 */
function endOfInvocation(id, everyStream = false) {
  if (sentinelWritten) return '';
  sentinelWritten = true;
  const line = `\u001eSTRATUS_END ${id}\u001e\n`;
  const marked = [];
  // stdout/stderr are pipes here, which Node writes synchronously on Linux: order is kept.
  for (const name of ['stdout', 'stderr']) {
    if (!everyStream && !written[name]) continue;
    rawWrite[name](line);
    written[name] = false;
    marked.push(name);
  }
  return marked.join(',');
}

/** As on Lambda: console lines carry time, request id and level (all on stdout). */
function patchConsole() {
  const make = (level) => (...args) => {
    process.stdout.write(`${new Date().toISOString()}\t${currentId ?? 'undefined'}\t${level}\t${util.format(...args)}\n`);
  };
  console.log = make('INFO');
  console.info = make('INFO');
  console.warn = make('WARN');
  console.error = make('ERROR');
  console.debug = make('DEBUG');
  console.trace = (...args) => {
    const err = new Error(util.format(...args));
    err.name = 'Trace';
    make('TRACE')(err.stack);
  };
}

// ------------------------------------------------------------------ errors

/** Lambda's error shape: {errorType, errorMessage, stackTrace} from whatever was thrown. */
function toRuntimeError(error) {
  try {
    if (util.types.isNativeError(error) || (error && typeof error === 'object' && typeof error.message === 'string')) {
      return {
        errorType: error.name ?? 'Error',
        errorMessage: String(error.message),
        stackTrace: typeof error.stack === 'string' ? error.stack.split('\n') : [],
      };
    }
    return { errorType: typeof error, errorMessage: String(error), stackTrace: [] };
  } catch {
    return { errorType: 'handled', errorMessage: 'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack', stackTrace: [] };
  }
}

class RuntimeError extends Error {
  constructor(name, message, cause) {
    super(message);
    this.name = name;
    if (cause?.stack) this.stack = `${name}: ${message}\n${String(cause.stack).split('\n').slice(1).join('\n')}`;
  }
}

async function postInitError(err) {
  const e = toRuntimeError(err);
  process.stderr.write(`${new Date().toISOString()}\tundefined\tERROR\tInit Error\t${JSON.stringify(e)}\n`);
  try {
    await request('POST', `${BASE}/runtime/init/error`, JSON.stringify(e),
      { 'Content-Type': 'application/json', 'Lambda-Runtime-Function-Error-Type': e.errorType });
  } finally {
    process.exit(1);
  }
}

// ------------------------------------------------------------------ start-up

async function waitForFunction() {
  let delay = 50;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const res = await request('GET', `${BASE}/stratus/specialize`);
      if (res.status === 200) return JSON.parse(res.body.toString('utf8'));
      process.stderr.write(`stratus bootstrap: specialize answered ${res.status}: ${res.body.toString('utf8', 0, 200)}\n`);
    } catch (err) {
      process.stderr.write(`stratus bootstrap: cannot reach the runtime API at ${API}: ${err.message}\n`);
    }
    if (Date.now() > deadline) process.exit(1);
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 1000);
  }
}

function specializeEnv(fn) {
  const env = process.env;
  Object.assign(env, fn.env ?? {});
  env._HANDLER = fn.handler;
  env.AWS_LAMBDA_FUNCTION_NAME = fn.functionName;
  env.AWS_LAMBDA_FUNCTION_VERSION = String(fn.functionVersion);
  env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE = String(fn.memoryMb);
  env.AWS_LAMBDA_LOG_GROUP_NAME = fn.logGroupName;
  env.AWS_LAMBDA_LOG_STREAM_NAME = fn.logStreamName;
  env.AWS_EXECUTION_ENV = `AWS_Lambda_${env.STRATUS_RUNTIME ?? `nodejs${process.versions.node.split('.')[0]}.x`}`;
  env.AWS_LAMBDA_INITIALIZATION_TYPE = 'on-demand';
  try { process.chdir(TASK_ROOT); } catch { /* an empty task root still loads nothing */ }
}

function hasPackageJsonTypeModule(file) {
  let dir = path.dirname(file);
  for (;;) {
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj)) {
      try { return JSON.parse(fs.readFileSync(pj, 'utf8')).type === 'module'; } catch { return false; }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return false;
    dir = parent;
  }
}

/** Lambda's resolution: extensionless, then .js (CommonJS unless package.json says module), .mjs, .cjs, then node_modules. */
async function loadModule(moduleRoot, moduleName) {
  const base = path.resolve(TASK_ROOT, moduleRoot, moduleName);
  const isFile = (p) => { try { return fs.statSync(p).isFile(); } catch { return false; } };
  if (isFile(base)) return require(base);
  const esm = hasPackageJsonTypeModule(base);
  if (isFile(`${base}.js`)) return esm ? import(pathToFileURL(`${base}.js`).href) : require(`${base}.js`);
  if (isFile(`${base}.mjs`)) return import(pathToFileURL(`${base}.mjs`).href);
  if (isFile(`${base}.cjs`)) return require(`${base}.cjs`);
  return require(require.resolve(moduleName, { paths: [path.resolve(TASK_ROOT, moduleRoot), TASK_ROOT] }));
}

async function loadHandler(fullHandler) {
  if (fullHandler.includes('..')) throw new RuntimeError('Runtime.MalformedHandlerName', "'..' is not allowed in handler name.");
  const handlerString = path.basename(fullHandler);
  const moduleRoot = fullHandler.slice(0, fullHandler.length - handlerString.length);
  const match = handlerString.match(/^([^.]*)\.(.*)$/);
  if (!match) throw new RuntimeError('Runtime.MalformedHandlerName', 'Bad handler');
  const [, moduleName, handlerPath] = match;
  let app;
  try {
    app = await loadModule(moduleRoot, moduleName);
  } catch (err) {
    if (err instanceof SyntaxError) throw new RuntimeError('Runtime.UserCodeSyntaxError', String(err), err);
    if (err?.code === 'MODULE_NOT_FOUND' || err?.code === 'ERR_MODULE_NOT_FOUND') throw new RuntimeError('Runtime.ImportModuleError', String(err), err);
    throw err;
  }
  const fn = handlerPath.split('.').reduce((o, key) => (o == null ? undefined : o[key]), app);
  if (fn == null) throw new RuntimeError('Runtime.HandlerNotFound', `${fullHandler} is undefined or not exported`);
  if (typeof fn !== 'function') throw new RuntimeError('Runtime.HandlerNotFound', `${fullHandler} is not a function`);
  return fn;
}

// ------------------------------------------------------------------ invocations

// What runs when the event loop empties during an invocation (Lambda's BeforeExitListener): the
// default posts null (a handler that neither returned a promise nor called back); a callback with
// callbackWaitsForEmptyEventLoop=true posts its result only then.
let onEmptyLoop;
process.on('beforeExit', () => {
  const listener = onEmptyLoop;
  onEmptyLoop = undefined;
  if (listener) listener();
});

// Errors escaping the handler: reported for the invocation in progress, then the process ends, as on
// Lambda (uncaught exception: exit 129, unhandled rejection: 128).
let reportFatal = (err, code) => {
  process.stderr.write(`${new Date().toISOString()}\t${currentId ?? 'undefined'}\tERROR\t${util.inspect(err)}\n`);
  process.exit(code);
};
process.on('uncaughtException', (err) => reportFatal(err, 129));
process.on('unhandledRejection', (reason) => {
  const err = new RuntimeError('Runtime.UnhandledPromiseRejection', String(reason), reason instanceof Error ? reason : undefined);
  reportFatal(err, 128);
});
process.on('exit', () => { if (currentId) endOfInvocation(currentId, true); });

/** Runs one invocation; resolves with {result} or {error} once, whichever way the handler ends. */
function runHandler(handler, event, id, headers) {
  return new Promise((resolve) => {
    let finished = false;
    const finish = (outcome) => {
      if (finished) return;
      finished = true;
      onEmptyLoop = undefined;
      reportFatal = fatalOutsideInvocation;
      resolve(outcome);
    };
    const succeed = (result) => finish({ result });
    const fail = (err) => finish({ error: toRuntimeError(err) });
    let waitForEmptyLoop = true;
    const callback = (err, result) => {
      onEmptyLoop = undefined;
      if (err !== undefined && err !== null) return fail(err);
      if (!waitForEmptyLoop) return succeed(result);
      onEmptyLoop = () => setImmediate(() => succeed(result));
    };
    const deadline = Number(headers['lambda-runtime-deadline-ms'] ?? 0);
    const context = {
      get callbackWaitsForEmptyEventLoop() { return waitForEmptyLoop; },
      set callbackWaitsForEmptyEventLoop(v) { waitForEmptyLoop = v; },
      succeed,
      fail,
      done: (err, result) => (err ? fail(err) : succeed(result)),
      functionVersion: functionConfig.functionVersion,
      functionName: functionConfig.functionName,
      memoryLimitInMB: String(functionConfig.memoryMb),
      logGroupName: functionConfig.logGroupName,
      logStreamName: functionConfig.logStreamName,
      clientContext: parseJson(headers['lambda-runtime-client-context']),
      identity: parseJson(headers['lambda-runtime-cognito-identity']),
      invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
      awsRequestId: id,
      getRemainingTimeInMillis: () => Math.max(deadline - Date.now(), 0),
    };
    reportFatal = (err, code) => {
      const e = toRuntimeError(err);
      process.stderr.write(`${new Date().toISOString()}\t${id}\tERROR\t${code === 128 ? 'Unhandled Promise Rejection' : 'Uncaught Exception'} \t${JSON.stringify(e)}\n`);
      postError(id, e).finally(() => process.exit(code));
    };
    onEmptyLoop = () => succeed(null);
    try {
      const ret = handler(event, context, callback);
      if (ret && typeof ret.then === 'function') ret.then(succeed, fail);
    } catch (err) {
      fail(err);
    }
  });
}

function fatalOutsideInvocation(err, code) {
  process.stderr.write(`${new Date().toISOString()}\tundefined\tERROR\t${util.inspect(err)}\n`);
  process.exit(code);
}

function parseJson(s) {
  if (!s) return undefined;
  try { return JSON.parse(s); } catch { return undefined; }
}

/** `then`: whether the post may be answered with the next invocation (Stratus-Next), as in the loop. */
function postError(id, e, then = false) {
  const marked = endOfInvocation(id);
  const headers = { 'Content-Type': 'application/json', 'Lambda-Runtime-Function-Error-Type': e.errorType, 'Stratus-Log-Sentinels': marked };
  if (then) headers['Stratus-Next'] = '1';
  return request('POST', `${BASE}/runtime/invocation/${id}/error`, JSON.stringify(e), headers);
}

let functionConfig;

async function main() {
  patchConsole();
  functionConfig = await waitForFunction();
  specializeEnv(functionConfig);
  let handler;
  try {
    handler = await loadHandler(functionConfig.handler);
  } catch (err) {
    return postInitError(err);
  }
  reportFatal = fatalOutsideInvocation;

  // Each post asks to be answered with the next invocation (Stratus-Next): one round trip per
  // invocation instead of two. An answer without a request id (202, 413, or an agent that does not
  // know the header) is followed by a plain GET /next.
  let waiting;
  for (;;) {
    const next = waiting ?? await request('GET', NEXT);
    waiting = undefined;
    if (next.status !== 200) {
      process.stderr.write(`stratus bootstrap: /next answered ${next.status}: ${next.body.toString('utf8', 0, 200)}\n`);
      process.exit(1);
    }
    const headers = next.headers;
    const id = headers['lambda-runtime-aws-request-id'];
    currentId = id;
    sentinelWritten = false;
    const traceId = headers['lambda-runtime-trace-id'];
    if (traceId) process.env._X_AMZN_TRACE_ID = traceId;
    let event;
    let outcome;
    try {
      event = JSON.parse(next.body.toString('utf8'));
    } catch (err) {
      outcome = { error: { errorType: 'Runtime.UnmarshalError', errorMessage: `Unable to parse the event: ${err.message}`, stackTrace: [] } };
    }
    if (!outcome) outcome = await runHandler(handler, event, id, headers);
    let body;
    if (!outcome.error) {
      try {
        body = JSON.stringify(outcome.result === undefined ? null : outcome.result) ?? 'null';
      } catch (err) {
        outcome = { error: { errorType: 'Runtime.MarshalError', errorMessage: `Unable to stringify response body: ${err.message}`, stackTrace: [] } };
      }
    }
    let posted;
    if (outcome.error) {
      process.stdout.write(`${new Date().toISOString()}\t${id}\tERROR\tInvoke Error \t${JSON.stringify(outcome.error)}\n`);
      posted = await postError(id, outcome.error, true);
    } else {
      const marked = endOfInvocation(id);
      posted = await request('POST', `${BASE}/runtime/invocation/${id}/response`, body, { ...JSON_HEADERS, 'Stratus-Log-Sentinels': marked, 'Stratus-Next': '1' });
    }
    if (posted.status === 200 && posted.headers['lambda-runtime-aws-request-id']) {
      waiting = posted;
    } else if (posted.status >= 300 && posted.status !== 413) { // 413: the agent already failed it as Function.ResponseSizeTooLarge
      process.stderr.write(`stratus bootstrap: posting the result of ${id} answered ${posted.status}: ${posted.body.toString('utf8', 0, 200)}\n`);
    }
    currentId = undefined;
  }
}

main().catch((err) => {
  process.stderr.write(`stratus bootstrap: ${err?.stack ?? err}\n`);
  process.exit(1);
});
