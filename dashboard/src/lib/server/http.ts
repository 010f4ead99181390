// JSON responses for the dashboard's own API routes, errors in the platform's shape.
import { json } from '@sveltejs/kit';
import { toApiError, type ApiError } from './platform.ts';

const HTTP: Record<string, number> = {
  INVALID_ARGUMENT: 400,
  INVALID_JSON: 400,
  INVALID_CODE: 400,
  BACKEND_UNAVAILABLE: 400,
  NOT_FOUND: 404,
  FUNCTION_NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  PAYLOAD_TOO_LARGE: 413,
  THROTTLED: 429,
  UNAVAILABLE: 503,
  NO_CAPACITY: 503,
};

export function errorResponse(err: unknown): Response {
  const e: ApiError = toApiError(err);
  return json({ error: e }, { status: HTTP[e.code] ?? 500 });
}

export function badRequest(message: string, field?: string): Response {
  return json({ error: { code: 'INVALID_ARGUMENT', message, ...(field ? { field } : {}) } }, { status: 400 });
}

export async function readJson(request: Request): Promise<unknown> {
  try {
    return await request.json();
  } catch {
    return undefined;
  }
}
