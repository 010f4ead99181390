// One place that turns any error into the JSON error body: catalog errors keep their code and status,
// gRPC errors are restored with fromGrpcError, Fastify's own errors (body too large, bad JSON, wrong
// media type) become catalog codes, anything else is a 500 without a stack.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { StratusError, errorBody, fromGrpcError, type Logger } from '@stratus/common';

interface FastifyLikeError {
  code?: string;
  statusCode?: number;
  message?: string;
  validation?: unknown;
}

/** Maps an error to [http status, StratusError]. */
export function toHttpError(err: unknown): { status: number; error: StratusError } {
  if (err instanceof StratusError) return { status: err.kind.http, error: err };
  const e = err as FastifyLikeError & { metadata?: unknown; details?: unknown };
  if (e && typeof e === 'object' && 'metadata' in e && 'details' in e) {
    const se = fromGrpcError(err);
    return { status: se.kind.http, error: se };
  }
  switch (e?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, error: new StratusError('PAYLOAD_TOO_LARGE', 'request body is larger than the limit') };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { status: 400, error: new StratusError('INVALID_JSON', `body is not valid JSON: ${e.message ?? ''}`.trim()) };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, error: new StratusError('INVALID_JSON', 'body is empty: expected a JSON object') };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, error: new StratusError('INVALID_ARGUMENT', 'unsupported content type: send application/json', { field: 'content-type' }) };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { status: 400, error: new StratusError('INVALID_ARGUMENT', 'content-length does not match the body', { field: 'content-length' }) };
    default:
      break;
  }
  if (err instanceof SyntaxError) return { status: 400, error: new StratusError('INVALID_JSON', `body is not valid JSON: ${err.message}`) };
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return { status: e.statusCode, error: new StratusError(e.statusCode === 404 ? 'NOT_FOUND' : 'INVALID_ARGUMENT', e.message ?? 'bad request') };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { status: 500, error: new StratusError('INTERNAL', `internal error: ${message}`) };
}

export function sendError(reply: FastifyReply, err: unknown, logger?: Logger): FastifyReply {
  const { status, error } = toHttpError(err);
  if (status >= 500) logger?.error({ err }, 'request failed');
  if (error.retryAfterSec !== undefined) reply.header('retry-after', String(Math.max(1, Math.ceil(error.retryAfterSec))));
  return reply.code(status).type('application/json').send(errorBody(error));
}

/** Fastify error handler: every error leaves as the JSON error body. */
export function errorHandler(logger: Logger) {
  return (err: unknown, _req: FastifyRequest, reply: FastifyReply) => sendError(reply, err, logger);
}
