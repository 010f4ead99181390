// POST /function/{name} and /function/{name}/v/{version}: the body is the event. Statuses and headers
// follow the table in statusFor(); every response, error or not, carries the X-Stratus-* headers.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LIMITS, StratusError, errorBody, formatServerTiming, type Logger } from '@stratus/common';
import type { InvokeResponse } from '@stratus/proto';
import type { Invoker } from './invoker';
import { toHttpError } from '../http-errors';

const EMPTY_EVENT = Buffer.from('{}');

interface InvokeParams {
  name: string;
  version?: string;
}

/** HTTP status for an invocation status. */
export function statusFor(status: string): number {
  switch (status) {
    case 'ok': return 200;
    case 'function_error':
    case 'oom': return 502;
    case 'timeout': return 504;
    case 'throttled': return 429;
    case 'not_found': return 404;
    case 'invalid': return 400;
    case 'too_large': return 413;
    default: return 503;
  }
}

const CODE_FOR: Record<string, ConstructorParameters<typeof StratusError>[0]> = {
  throttled: 'THROTTLED',
  not_found: 'FUNCTION_NOT_FOUND',
  invalid: 'INVALID_ARGUMENT',
  too_large: 'PAYLOAD_TOO_LARGE',
  unavailable: 'UNAVAILABLE',
};

const DEFAULT_ERROR_TYPE: Record<string, string> = {
  function_error: 'Runtime.Error',
  oom: 'Runtime.OutOfMemory',
  timeout: 'Sandbox.Timedout',
};

function setHeaders(reply: FastifyReply, requestId: string, res: InvokeResponse | undefined, backend: string): void {
  reply.headers({
    'x-stratus-request-id': requestId,
    'x-stratus-cold-start': res?.coldStart ? 'true' : 'false',
    'x-stratus-duration-ms': res ? res.durationMs.toFixed(2) : '0',
    'x-stratus-backend': res?.backend || backend,
    'x-stratus-version': res?.version ? String(res.version) : '',
    'x-stratus-agent': res?.agentId ?? '',
  });
}

/**
 * Where an invocation's time went, as a Server-Timing header (browsers' developer tools show it):
 * the gateway's own part, the gRPC hop to the agent and back, the agent's own part, then queue,
 * start and init when there were any, and the function. The parts add up to `total`, the time from
 * the request's arrival to this answer. `rttMs` is the invocation's round trip as the gateway saw it.
 */
export function serverTiming(res: InvokeResponse, rttMs: number, totalMs: number): string {
  const { queueMs, startMs, initMs, durationMs, agentMs } = res;
  const parts: [string, number][] = [
    ['gateway', totalMs - rttMs],
    ['hop', agentMs > 0 ? rttMs - agentMs : rttMs],
    ['agent', agentMs - queueMs - startMs - initMs - durationMs],
  ];
  if (queueMs > 0) parts.push(['queue', queueMs]);
  if (startMs > 0) parts.push(['start', startMs]);
  if (initMs > 0) parts.push(['init', initMs]);
  parts.push(['function', durationMs], ['total', totalMs]);
  return formatServerTiming(parts);
}

function sendResponse(reply: FastifyReply, res: InvokeResponse, backend: string, rttMs: number): FastifyReply {
  setHeaders(reply, res.requestId, res, backend);
  reply.header('server-timing', serverTiming(res, rttMs, reply.elapsedTime));
  const http = statusFor(res.status);
  reply.code(http).type('application/json');
  if (res.status === 'ok') return reply.send(res.payload.length > 0 ? res.payload : 'null');
  const lambdaShaped = DEFAULT_ERROR_TYPE[res.status];
  if (lambdaShaped) {
    // The payload is the runtime's {errorType, errorMessage, stackTrace} when there is one.
    if (res.payload.length > 0) return reply.send(res.payload);
    return reply.send({ errorType: res.errorType || lambdaShaped, errorMessage: res.errorMessage, stackTrace: [] });
  }
  const code = CODE_FOR[res.status] ?? 'UNAVAILABLE';
  if (res.status === 'throttled') reply.header('retry-after', String(Math.max(1, res.retryAfterSec || 1)));
  return reply.send(errorBody(new StratusError(code, res.errorMessage || res.status)));
}

function fail(reply: FastifyReply, requestId: string, backend: string, err: StratusError, status: number): FastifyReply {
  setHeaders(reply, requestId, undefined, backend);
  return reply.code(status).type('application/json').send(errorBody(err));
}

export function registerInvokeRoutes(app: FastifyInstance, deps: { invoker: Invoker; logger: Logger }): void {
  const { invoker } = deps;
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: LIMITS.payloadBytes }, (_req, body, done) => done(null, body));
    scope.setErrorHandler((err, req: FastifyRequest<{ Params: InvokeParams }>, reply) => {
      const { status, error } = toHttpError(err);
      if (status >= 500) deps.logger.error({ err }, 'invoke request failed');
      setHeaders(reply, randomUUID(), undefined, invoker.backendOf(req.params?.name ?? ''));
      return reply.code(status).type('application/json').send(errorBody(error));
    });

    const handler = async (req: FastifyRequest<{ Params: InvokeParams; Body: Buffer | undefined }>, reply: FastifyReply) => {
      const requestId = randomUUID();
      const { name } = req.params;
      let version = 0;
      if (!LIMITS.namePattern.test(name)) {
        return fail(reply, requestId, invoker.backendOf(name), new StratusError('INVALID_ARGUMENT', `name: "${name.slice(0, 80)}" is not a valid function name (${LIMITS.namePattern})`, { field: 'name' }), 400);
      }
      if (req.params.version !== undefined) {
        version = Number(req.params.version);
        if (!Number.isInteger(version) || version < 1) {
          return fail(reply, requestId, invoker.backendOf(name), new StratusError('INVALID_ARGUMENT', `version: "${req.params.version.slice(0, 20)}" is not a version number`, { field: 'version' }), 400);
        }
      }
      let payload = req.body;
      if (!payload || payload.length === 0) payload = EMPTY_EVENT;
      else {
        try {
          JSON.parse(payload as unknown as string);
        } catch (err) {
          return fail(reply, requestId, invoker.backendOf(name), new StratusError('INVALID_JSON', `body is not valid JSON: ${(err as Error).message}`), 400);
        }
      }
      const sent = performance.now();
      const { response, backend } = await invoker.invoke(name, version, payload, requestId);
      const rttMs = performance.now() - sent;
      if (!response.requestId) response.requestId = requestId;
      return sendResponse(reply, response, backend, rttMs);
    };
    scope.post<{ Params: InvokeParams; Body: Buffer | undefined }>('/function/:name', { bodyLimit: LIMITS.payloadBytes }, handler);
    scope.post<{ Params: InvokeParams; Body: Buffer | undefined }>('/function/:name/v/:version', { bodyLimit: LIMITS.payloadBytes }, handler);
  });
}
