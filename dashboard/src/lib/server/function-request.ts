// Turns the page's JSON (proto3 JSON names, zip as base64) into the gRPC request fields.
import { StratusError } from '@stratus/common';
import type { FunctionFields } from './platform.ts';

const bad = (field: string, message: string) => new StratusError('INVALID_ARGUMENT', `${field}: ${message}`, { field });

export function requestToFields(body: Record<string, unknown>): FunctionFields {
  const out: FunctionFields = { name: String(body.name ?? '') };
  const str = (k: keyof FunctionFields) => {
    if (body[k] === undefined || body[k] === null) return;
    if (typeof body[k] !== 'string') throw bad(k, 'must be a string');
    (out as unknown as Record<string, unknown>)[k] = body[k];
  };
  const int = (k: keyof FunctionFields) => {
    if (body[k] === undefined || body[k] === null || body[k] === '') return;
    const n = Number(body[k]);
    if (!Number.isInteger(n) || n < 0) throw bad(k, 'must be a whole number');
    (out as unknown as Record<string, unknown>)[k] = n;
  };
  str('runtime');
  str('handler');
  str('backend');
  str('description');
  int('memoryMb');
  int('timeoutSec');
  int('maxConcurrency');
  int('minWarm');
  if (body.replaceEnv !== undefined) out.replaceEnv = Boolean(body.replaceEnv);
  if (body.env !== undefined) {
    if (!body.env || typeof body.env !== 'object' || Array.isArray(body.env)) throw bad('env', 'must be an object of name to value');
    out.env = Object.fromEntries(Object.entries(body.env as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
  }
  if (body.files !== undefined) {
    if (!body.files || typeof body.files !== 'object' || Array.isArray(body.files)) throw bad('files', 'must be an object of path to content');
    out.files = Object.fromEntries(Object.entries(body.files as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
  }
  if (body.zip !== undefined && body.zip !== '') {
    if (typeof body.zip !== 'string' || !/^[A-Za-z0-9+/=\s]+$/.test(body.zip)) throw bad('zip', 'must be base64');
    out.zip = Buffer.from(body.zip, 'base64');
  }
  return out;
}
