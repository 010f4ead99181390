// The `stratus` command line: deploy, invoke, ls, logs, top, rm, nodes, metrics, versions — over the control
// plane's gRPC (STRATUS_CONTROL_ADDRESS) and, for invoke, logs --follow, top and metrics, the gateway's HTTP
// (STRATUS_GATEWAY_URL).
// Exit codes: 0 success, 1 the call failed (platform error or function error), 2 bad usage.
import fs from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import { proto, type FunctionSpec, type Invocation, type NodeStatus } from '@stratus/proto';
import { createClient, fromGrpcError, StratusError, loadConfig } from '@stratus/common';
import { deploySettings, zipDir, type DeployFlags } from './deploy-config';
import { table, mb } from './format';
import { renderTop, TopWindow } from './top';
import { followLive } from '@stratus/http-gateway/live/client.ts';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Output is a terminal: `top` redraws in place instead of printing frame after frame. */
  isTTY?: boolean;
}

const HELP = `usage: stratus <command> [options]

commands:
  deploy DIR        deploy the code in DIR (settings from flags or DIR/stratus.json)
                    --name N --runtime R --handler H --memory MB --timeout S --env K=V (repeat)
                    --backend docker|gvisor --concurrency N --min-warm N --description TEXT
  invoke NAME       invoke a function: --data JSON | --file F, --version N, --grpc (through the control plane)
  ls                list functions
  versions NAME     list the versions of a function
  logs NAME         recent invocations with their logs: --limit N, --follow, --request-id ID
  top               live view: per function req/s, errors, cold starts, p50/p99 over a sliding window,
                    per agent containers, pool memory, queue, host CPU and memory
                    --function NAME --window S (10) --interval S (1) --iterations N (0: until Ctrl-C)
  rm NAME           delete a function and all its versions
  nodes             list agents with their backends and pools
  metrics AGENT on|off
                    switch an agent's publishing of invocation records and gauges while it runs

global options: --control HOST:PORT (STRATUS_CONTROL_ADDRESS), --gateway URL (STRATUS_GATEWAY_URL), --json
`;

class UsageError extends Error {}

const OPTIONS: ParseArgsConfig['options'] = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
  control: { type: 'string' },
  gateway: { type: 'string' },
  name: { type: 'string' },
  runtime: { type: 'string' },
  handler: { type: 'string' },
  memory: { type: 'string' },
  timeout: { type: 'string' },
  env: { type: 'string', multiple: true },
  backend: { type: 'string' },
  concurrency: { type: 'string' },
  'min-warm': { type: 'string' },
  description: { type: 'string' },
  data: { type: 'string', short: 'd' },
  file: { type: 'string', short: 'f' },
  version: { type: 'string', short: 'v' },
  grpc: { type: 'boolean' },
  limit: { type: 'string' },
  follow: { type: 'boolean' },
  'request-id': { type: 'string' },
  function: { type: 'string' },
  window: { type: 'string' },
  interval: { type: 'string' },
  iterations: { type: 'string' },
};

function clients(address: string) {
  return {
    functions: createClient(proto.FunctionService, address),
    invocations: createClient(proto.InvocationService, address),
    nodes: createClient(proto.NodeService, address),
  };
}
type Clients = ReturnType<typeof clients>;

function rpc<Res>(client: object, method: string, request: object, timeoutMs = 60_000): Promise<Res> {
  return new Promise((resolve, reject) => {
    const fn = (client as Record<string, (req: object, md: grpc.Metadata, o: grpc.CallOptions, cb: (e: grpc.ServiceError | null, r?: Res) => void) => void>)[method];
    fn.call(client, request, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (err, res) => (err ? reject(fromGrpcError(err)) : resolve(res as Res)));
  });
}

const needName = (positionals: string[], what: string): string => {
  const name = positionals[1];
  if (!name) throw new UsageError(`${what}: missing NAME`);
  return name;
};

function intFlag(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${flag} must be a non-negative integer, got "${value}"`);
  return Number(value);
}

/** Runs one CLI command; returns the exit code. */
export async function runCli(argv: string[], io: CliIo = defaultIo()): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    io.stderr(`stratus: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  const { values, positionals } = parsed as { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] };
  const command = positionals[0];
  if (values.help || !command || command === 'help') {
    io.stdout(HELP);
    return command || values.help ? 0 : 2;
  }
  const config = loadConfig();
  const controlAddress = (values.control as string | undefined) ?? io.env.STRATUS_CONTROL_ADDRESS ?? config.controlAddress;
  const gatewayUrl = ((values.gateway as string | undefined) ?? io.env.STRATUS_GATEWAY_URL ?? `http://127.0.0.1:${config.gatewayPort}`).replace(/\/$/, '');
  const json = values.json === true;
  const out = (value: unknown, text: () => string) => io.stdout(json ? `${JSON.stringify(value, null, 2)}\n` : text());
  const c = clients(controlAddress);
  try {
    switch (command) {
      case 'deploy': return await deploy(c, positionals, values as DeployFlags & Record<string, unknown>, io, json);
      case 'invoke': return await invoke(c, positionals, values, gatewayUrl, io);
      case 'ls': {
        const res = await rpc<{ functions: FunctionSpec[] }>(c.functions, 'ListFunctions', {});
        out(res.functions, () => (res.functions.length === 0 ? 'no functions\n' : table(res.functions.map((f) => ({
          name: f.name, version: f.version, runtime: f.runtime, handler: f.handler, memory: mb(f.memoryMb), timeout: `${f.timeoutSec}s`, backend: f.backend, updated: f.updatedAt,
        })), ['name', 'version', 'runtime', 'handler', 'memory', 'timeout', 'backend', 'updated'])));
        return 0;
      }
      case 'versions': {
        const name = needName(positionals, 'versions');
        const res = await rpc<{ versions: FunctionSpec[] }>(c.functions, 'ListVersions', { name });
        out(res.versions, () => table(res.versions.map((f) => ({
          version: f.version, runtime: f.runtime, handler: f.handler, memory: mb(f.memoryMb), backend: f.backend, sha256: f.codeSha256.slice(0, 12), created: f.updatedAt,
        })), ['version', 'runtime', 'handler', 'memory', 'backend', 'sha256', 'created']));
        return 0;
      }
      case 'rm': {
        const name = needName(positionals, 'rm');
        const res = await rpc<{ name: string; versionsDeleted: number }>(c.functions, 'DeleteFunction', { name });
        out(res, () => `deleted ${res.name} (${res.versionsDeleted} version${res.versionsDeleted === 1 ? '' : 's'})\n`);
        return 0;
      }
      case 'nodes': {
        const res = await rpc<{ nodes: NodeStatus[] }>(c.nodes, 'ListNodes', {});
        out(res.nodes, () => (res.nodes.length === 0 ? 'no agents registered\n' : table(res.nodes.map((n) => ({
          id: n.id, address: n.address, state: n.state,
          backends: n.backends.map((b) => (b.available ? b.name : `${b.name}(unavailable: ${b.reason})`)).join(','),
          memory: `${n.memoryUsedMb}/${n.memoryBudgetMb} MB`, running: n.running, containers: n.containers.length, heartbeat: n.lastHeartbeatAt,
        })), ['id', 'address', 'state', 'backends', 'memory', 'running', 'containers', 'heartbeat'])));
        return 0;
      }
      case 'metrics': return await switchMetrics(positionals, gatewayUrl, io, json);
      case 'logs': return await logs(c, positionals, values, gatewayUrl, io, json);
      case 'top': return await top(values, gatewayUrl, io, json);
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`stratus: ${err.message}\n\n${HELP}`);
      return 2;
    }
    const e = err instanceof StratusError ? err : fromGrpcError(err);
    const unreachable = e.code === 'UNAVAILABLE' && /ECONNREFUSED|No connection established|connect/i.test(e.message);
    io.stderr(`stratus: ${e.code}: ${e.message}${e.field ? ` (field: ${e.field})` : ''}${unreachable ? `\n(is the control plane running at ${controlAddress}? set STRATUS_CONTROL_ADDRESS or --control)` : ''}\n`);
    return e.code === 'INVALID_ARGUMENT' && e.field === 'DIR' ? 2 : 1;
  } finally {
    for (const client of Object.values(c)) (client as unknown as grpc.Client).close();
  }
}

async function deploy(c: Clients, positionals: string[], flags: DeployFlags, io: CliIo, json: boolean): Promise<number> {
  const dir = positionals[1];
  if (!dir) throw new UsageError('deploy: missing DIR');
  const settings = deploySettings(dir, flags);
  const zip = await zipDir(dir);
  const request = { ...settings, zip };
  let fn: FunctionSpec;
  let created = true;
  try {
    fn = await rpc<FunctionSpec>(c.functions, 'CreateFunction', request, 120_000);
  } catch (err) {
    if (!(err instanceof StratusError) || err.code !== 'ALREADY_EXISTS') throw err;
    created = false;
    fn = await rpc<FunctionSpec>(c.functions, 'UpdateFunction', request, 120_000);
  }
  io.stdout(json
    ? `${JSON.stringify(fn, null, 2)}\n`
    : `${created ? 'created' : 'updated'} ${fn.name} version ${fn.version}: ${fn.runtime} ${fn.handler}, ${fn.memoryMb} MB, ${fn.timeoutSec}s, backend ${fn.backend}, code ${fn.codeSha256.slice(0, 12)} (${fn.codeFiles} files, ${fn.codeSize} bytes)\n`);
  return 0;
}

function eventBytes(values: Record<string, unknown>): Buffer {
  if (values.data !== undefined && values.file !== undefined) throw new UsageError('invoke: give --data or --file, not both');
  const raw = values.file !== undefined ? fs.readFileSync(values.file as string) : Buffer.from((values.data as string | undefined) ?? '{}');
  try {
    JSON.parse(raw.toString('utf8') || '{}');
  } catch (err) {
    throw new UsageError(`invoke: the event is not valid JSON: ${(err as Error).message}`);
  }
  return raw;
}

async function invoke(c: Clients, positionals: string[], values: Record<string, unknown>, gatewayUrl: string, io: CliIo): Promise<number> {
  const name = needName(positionals, 'invoke');
  const version = intFlag(values.version as string | undefined, 'version') ?? 0;
  const payload = eventBytes(values);
  if (values.grpc) {
    const res = await rpc<{ status: string; payload: Buffer; requestId: string; coldStart: boolean; durationMs: number; backend: string; agentId: string; version: number; errorType: string; errorMessage: string }>(
      c.invocations, 'Invoke', { function: name, version, payload }, 960_000);
    io.stdout(`${res.payload.toString('utf8') || JSON.stringify({ errorType: res.errorType, errorMessage: res.errorMessage })}\n`);
    io.stderr(`status ${res.status} · request ${res.requestId} · version ${res.version} · ${res.coldStart ? 'cold' : 'warm'} · ${res.durationMs.toFixed(2)} ms · ${res.backend} on ${res.agentId}\n`);
    return res.status === 'ok' ? 0 : 1;
  }
  const url = `${gatewayUrl}/function/${encodeURIComponent(name)}${version ? `/v/${version}` : ''}`;
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', body: payload as unknown as BodyInit, headers: { 'content-type': 'application/json' } });
  } catch (err) {
    io.stderr(gatewayUnreachable(gatewayUrl, err, ', or use --grpc'));
    return 1;
  }
  const body = await res.text();
  io.stdout(`${body}\n`);
  const h = (k: string) => res.headers.get(`x-stratus-${k}`) ?? '';
  io.stderr(`HTTP ${res.status} · request ${h('request-id')} · version ${h('version')} · ${h('cold-start') === 'true' ? 'cold' : 'warm'} · ${h('duration-ms')} ms · ${h('backend')} on ${h('agent')}\n`);
  return res.ok ? 0 : 1;
}

/** `stratus metrics AGENT on|off`: through the gateway (PUT /api/v1/nodes/{id}/metrics, AgentService.SetMetrics). */
async function switchMetrics(positionals: string[], gatewayUrl: string, io: CliIo, json: boolean): Promise<number> {
  const [, id, state] = positionals;
  if (!id || (state !== 'on' && state !== 'off')) throw new UsageError('metrics: usage: stratus metrics AGENT_ID on|off');
  let res: Response;
  try {
    res = await fetch(`${gatewayUrl}/api/v1/nodes/${encodeURIComponent(id)}/metrics`, {
      method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ enabled: state === 'on' }),
    });
  } catch (err) {
    io.stderr(gatewayUnreachable(gatewayUrl, err));
    return 1;
  }
  const body = (await res.json().catch(() => ({}))) as { enabled?: boolean; error?: { code?: string; message?: string } };
  if (!res.ok) {
    io.stderr(`stratus: ${body.error?.code ?? `HTTP ${res.status}`}: ${body.error?.message ?? 'the gateway refused the switch'}\n`);
    return 1;
  }
  io.stdout(json ? `${JSON.stringify(body, null, 2)}\n` : `metrics ${body.enabled ? 'on' : 'off'} on ${id}\n`);
  return 0;
}

/** What the CLI says when a fetch to the gateway fails (not an HTTP error: no answer at all). */
function gatewayUnreachable(gatewayUrl: string, err: unknown, hint = ''): string {
  return `stratus: cannot reach the gateway at ${gatewayUrl}: ${(err as Error).cause ?? (err as Error).message}\n(set STRATUS_GATEWAY_URL or --gateway${hint})\n`;
}

function printInvocation(inv: Invocation, io: CliIo, json: boolean): void {
  if (json) {
    io.stdout(`${JSON.stringify(inv)}\n`);
    return;
  }
  io.stdout(`--- ${inv.startedAt} ${inv.id} ${inv.status}${inv.errorType ? ` (${inv.errorType})` : ''} v${inv.version} ${inv.coldStart ? 'cold' : 'warm'} ${inv.durationMs.toFixed(2)} ms ${inv.backend} ${inv.agentId}\n`);
  if (inv.logs) io.stdout(inv.logs.endsWith('\n') ? inv.logs : `${inv.logs}\n`);
}

async function logs(c: Clients, positionals: string[], values: Record<string, unknown>, gatewayUrl: string, io: CliIo, json: boolean): Promise<number> {
  const name = needName(positionals, 'logs');
  const limit = intFlag(values.limit as string | undefined, 'limit') ?? 20;
  const requestId = (values['request-id'] as string | undefined) ?? '';
  const res = await rpc<{ invocations: Invocation[] }>(c.invocations, 'ListInvocations', { function: name, limit, requestId });
  // Newest first from the store; print oldest first like a log.
  const seen = new Set<string>();
  for (const inv of [...res.invocations].reverse()) {
    seen.add(inv.id);
    printInvocation(inv, io, json);
  }
  if (!values.follow) return 0;
  const stop = new AbortController();
  const onSigint = () => stop.abort();
  process.once('SIGINT', onSigint);
  try {
    // The gateway's live stream (Server-Sent Events from NATS); polling the store when it is unavailable.
    try {
      for await (const batch of followLive(gatewayUrl, { function: name, types: ['invocation'], logs: true, signal: stop.signal })) {
        for (const inv of batch.invocations) {
          if (seen.has(inv.id)) continue;
          seen.add(inv.id);
          printInvocation(inv, io, json);
        }
      }
      return 0;
    } catch (err) {
      if (stop.signal.aborted) return 0;
      io.stderr(`stratus: live stream unavailable (${(err as Error).message}); polling the store instead\n`);
    }
    let since = res.invocations[0]?.startedAt ?? new Date(Date.now() - 1000).toISOString();
    while (!stop.signal.aborted) {
      await new Promise((r) => setTimeout(r, 1000));
      if (stop.signal.aborted) break;
      const page = await rpc<{ invocations: Invocation[] }>(c.invocations, 'ListInvocations', { function: name, from: since, limit: 200 });
      for (const inv of [...page.invocations].reverse()) {
        if (seen.has(inv.id)) continue;
        seen.add(inv.id);
        printInvocation(inv, io, json);
        if (inv.startedAt > since) since = inv.startedAt;
      }
    }
    return 0;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

async function top(values: Record<string, unknown>, gatewayUrl: string, io: CliIo, json: boolean): Promise<number> {
  const intervalSec = intFlag(values.interval as string | undefined, 'interval') ?? 1;
  const windowSec = intFlag(values.window as string | undefined, 'window') ?? 10;
  const iterations = intFlag(values.iterations as string | undefined, 'iterations') ?? 0;
  if (intervalSec < 1 || windowSec < 1) throw new UsageError('--interval and --window are whole seconds, at least 1');
  const w = new TopWindow(windowSec * 1000);
  const stop = new AbortController();
  const onSigint = () => stop.abort();
  process.once('SIGINT', onSigint);
  let streamError: Error | undefined;
  const reading = (async () => {
    try {
      for await (const batch of followLive(gatewayUrl, { function: values.function as string | undefined, signal: stop.signal })) {
        const now = Date.now();
        for (const e of batch.invocations) w.addInvocation(e, now);
        for (const g of batch.gauges) w.addGauges(g);
        w.dropped += batch.dropped;
      }
      if (!stop.signal.aborted) streamError = new Error('the gateway closed the stream');
    } catch (err) {
      if (!stop.signal.aborted) streamError = err as Error;
    }
    stop.abort();
  })();
  let frames = 0;
  try {
    while (!stop.signal.aborted) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, intervalSec * 1000);
        stop.signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
      });
      if (stop.signal.aborted) break;
      const now = Date.now();
      if (json) io.stdout(`${JSON.stringify({ at: new Date(now).toISOString(), agents: w.agents(), functions: w.functions(now), dropped: w.dropped })}\n`);
      else io.stdout(`${io.isTTY ? '\x1b[2J\x1b[H' : frames ? '\n' : ''}${renderTop(w, now, gatewayUrl)}`);
      frames++;
      if (iterations && frames >= iterations) break;
    }
  } finally {
    stop.abort();
    process.off('SIGINT', onSigint);
    await reading;
  }
  if (streamError) {
    io.stderr(`stratus: live stream unavailable at ${gatewayUrl}: ${streamError.message}\n(is the gateway running? set STRATUS_GATEWAY_URL or --gateway)\n`);
    return 1;
  }
  return 0;
}

export function defaultIo(): CliIo {
  return { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), env: process.env, isTTY: process.stdout.isTTY };
}
