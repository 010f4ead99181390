// The error catalog: every error a caller can see, with its code, HTTP status and gRPC status.
// Tests assert codes, not message text. User faults (bad input, a function that throws) and platform
// faults (engine down) are different codes.
import { status as GrpcStatus, Metadata, type ServiceError } from '@grpc/grpc-js';

export interface ErrorKind {
  code: string;
  http: number;
  grpc: GrpcStatus;
}

const kind = (code: string, http: number, grpc: GrpcStatus): ErrorKind => ({ code, http, grpc });

export const ErrorKinds = {
  INVALID_ARGUMENT: kind('INVALID_ARGUMENT', 400, GrpcStatus.INVALID_ARGUMENT),
  INVALID_JSON: kind('INVALID_JSON', 400, GrpcStatus.INVALID_ARGUMENT),
  INVALID_CODE: kind('INVALID_CODE', 400, GrpcStatus.INVALID_ARGUMENT),
  BACKEND_UNAVAILABLE: kind('BACKEND_UNAVAILABLE', 400, GrpcStatus.FAILED_PRECONDITION),
  NOT_FOUND: kind('NOT_FOUND', 404, GrpcStatus.NOT_FOUND),
  FUNCTION_NOT_FOUND: kind('FUNCTION_NOT_FOUND', 404, GrpcStatus.NOT_FOUND),
  ALREADY_EXISTS: kind('ALREADY_EXISTS', 409, GrpcStatus.ALREADY_EXISTS),
  PAYLOAD_TOO_LARGE: kind('PAYLOAD_TOO_LARGE', 413, GrpcStatus.RESOURCE_EXHAUSTED),
  THROTTLED: kind('THROTTLED', 429, GrpcStatus.RESOURCE_EXHAUSTED),
  FUNCTION_ERROR: kind('FUNCTION_ERROR', 502, GrpcStatus.UNKNOWN),
  FUNCTION_TIMEOUT: kind('FUNCTION_TIMEOUT', 504, GrpcStatus.DEADLINE_EXCEEDED),
  NO_CAPACITY: kind('NO_CAPACITY', 503, GrpcStatus.UNAVAILABLE),
  UNAVAILABLE: kind('UNAVAILABLE', 503, GrpcStatus.UNAVAILABLE),
  INTERNAL: kind('INTERNAL', 500, GrpcStatus.INTERNAL),
} as const;

export type ErrorCode = keyof typeof ErrorKinds;

/** An error meant for the caller: its message says what is wrong (and names the field when there is one). */
export class StratusError extends Error {
  readonly kind: ErrorKind;
  readonly field?: string;
  readonly retryAfterSec?: number;

  constructor(code: ErrorCode, message: string, opts: { field?: string; retryAfterSec?: number; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.name = 'StratusError';
    this.kind = ErrorKinds[code];
    this.field = opts.field;
    this.retryAfterSec = opts.retryAfterSec;
  }

  get code(): string {
    return this.kind.code;
  }
}

export const invalidArgument = (field: string, message: string) =>
  new StratusError('INVALID_ARGUMENT', `${field}: ${message}`, { field });

const GRPC_TO_KIND = new Map<GrpcStatus, ErrorKind>([
  [GrpcStatus.INVALID_ARGUMENT, ErrorKinds.INVALID_ARGUMENT],
  [GrpcStatus.FAILED_PRECONDITION, ErrorKinds.BACKEND_UNAVAILABLE],
  [GrpcStatus.NOT_FOUND, ErrorKinds.NOT_FOUND],
  [GrpcStatus.ALREADY_EXISTS, ErrorKinds.ALREADY_EXISTS],
  [GrpcStatus.RESOURCE_EXHAUSTED, ErrorKinds.THROTTLED],
  [GrpcStatus.DEADLINE_EXCEEDED, ErrorKinds.FUNCTION_TIMEOUT],
  [GrpcStatus.UNAVAILABLE, ErrorKinds.UNAVAILABLE],
]);

/**
 * Turns any error into a gRPC ServiceError for a handler's callback. The catalog code, field and
 * retry-after travel in metadata so a gateway can restore the exact error.
 */
export function toGrpcError(err: unknown): Partial<ServiceError> {
  const metadata = new Metadata();
  if (err instanceof StratusError) {
    metadata.set('stratus-code', err.code);
    if (err.field) metadata.set('stratus-field', err.field);
    if (err.retryAfterSec !== undefined) metadata.set('stratus-retry-after', String(err.retryAfterSec));
    return { code: err.kind.grpc, details: err.message, message: err.message, metadata };
  }
  metadata.set('stratus-code', 'INTERNAL');
  const message = err instanceof Error ? err.message : String(err);
  return { code: GrpcStatus.INTERNAL, details: `internal error: ${message}`, message, metadata };
}

/** Restores a StratusError from a gRPC client error (the inverse of toGrpcError). */
export function fromGrpcError(err: unknown): StratusError {
  if (err instanceof StratusError) return err;
  const e = err as Partial<ServiceError>;
  const codeMeta = e.metadata?.get('stratus-code')?.[0];
  const field = e.metadata?.get('stratus-field')?.[0];
  const retry = e.metadata?.get('stratus-retry-after')?.[0];
  const message = e.details ?? e.message ?? String(err);
  let code: ErrorCode;
  if (typeof codeMeta === 'string' && codeMeta in ErrorKinds) code = codeMeta as ErrorCode;
  else code = (GRPC_TO_KIND.get(e.code as GrpcStatus)?.code as ErrorCode | undefined) ?? 'UNAVAILABLE';
  return new StratusError(code, message, {
    field: typeof field === 'string' ? field : undefined,
    retryAfterSec: typeof retry === 'string' ? Number(retry) : undefined,
    cause: err,
  });
}

/** The JSON error body every HTTP response uses. */
export function errorBody(err: StratusError): { error: { code: string; message: string; field?: string } } {
  return { error: { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}) } };
}
