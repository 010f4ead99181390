// The rules a function's settings must follow. Pure functions with no I/O, shared by the control
// plane (which enforces them) and the dashboard and CLI (which check a form before sending it).
// Every violation is a StratusError INVALID_ARGUMENT whose `field` names the offending field
// (proto3 JSON names: memoryMb, timeoutSec, maxConcurrency, minWarm...).
import { StratusError } from './errors';
import { BACKENDS, ENV_NAME_PATTERN, HANDLER_PATTERN, LIMITS, RESERVED_ENV, RUNTIMES, type Backend, type Runtime } from './limits';

/** A function's settings once validated and defaulted (everything except its code). */
export interface FunctionSettings {
  name: string;
  runtime: Runtime;
  handler: string;
  memoryMb: number;
  timeoutSec: number;
  env: Record<string, string>;
  maxConcurrency: number;
  backend: Backend;
  description: string;
  minWarm: number;
}

/** What a caller sends: any field may be missing or zero-valued (then the default applies). */
export interface FunctionSettingsInput {
  name?: string;
  runtime?: string;
  handler?: string;
  memoryMb?: number;
  timeoutSec?: number;
  env?: Record<string, string> | null;
  maxConcurrency?: number;
  backend?: string;
  description?: string;
  minWarm?: number;
}

/** An update: zero values keep the current setting; `replaceEnv` makes `env` replace even when empty. */
export interface FunctionUpdateInput extends FunctionSettingsInput {
  replaceEnv?: boolean;
}

export interface ValidationOptions {
  /** The platform default backend (STRATUS_DEFAULT_BACKEND), used when `backend` is empty. */
  defaultBackend?: string;
}

const PROVIDED_HANDLER_PATTERN = /^\S{1,128}$/;
const HANDLER_MAX_CHARS = 128;

const invalid = (field: string, message: string) => new StratusError('INVALID_ARGUMENT', `${field}: ${message}`, { field });

function isBlank(v: unknown): boolean {
  return v === undefined || v === null || v === '' || v === 0;
}

export function validateName(name: unknown): string {
  if (typeof name !== 'string' || name === '') throw invalid('name', 'is required');
  if (!LIMITS.namePattern.test(name)) {
    throw invalid('name', `${JSON.stringify(name.slice(0, 80))} must be 1 to 64 characters of letters, digits, '-' or '_'`);
  }
  return name;
}

export function validateRuntime(runtime: unknown): Runtime {
  if (typeof runtime !== 'string' || runtime === '') throw invalid('runtime', `is required (one of ${RUNTIMES.join(', ')})`);
  if (!(RUNTIMES as readonly string[]).includes(runtime)) {
    throw invalid('runtime', `unknown runtime ${JSON.stringify(runtime)} (one of ${RUNTIMES.join(', ')})`);
  }
  return runtime as Runtime;
}

/**
 * Python: `module.function` (module may be a path: `pkg/app.handler` or `pkg.app.handler`).
 * Node: `file.function` where file resolves to file.js, file.mjs or file.cjs.
 * provided: free text (passed to the bootstrap as _HANDLER); empty means "bootstrap".
 */
export function validateHandler(runtime: Runtime, handler: unknown): string {
  if (runtime === 'provided') {
    if (handler === undefined || handler === null || handler === '') return 'bootstrap';
    if (typeof handler !== 'string' || !PROVIDED_HANDLER_PATTERN.test(handler)) {
      throw invalid('handler', 'must be 1 to 128 characters without spaces');
    }
    return handler;
  }
  if (typeof handler !== 'string' || handler === '') throw invalid('handler', 'is required, as file.function (e.g. app.handler)');
  if (handler.length > HANDLER_MAX_CHARS) throw invalid('handler', `must be at most ${HANDLER_MAX_CHARS} characters`);
  if (!HANDLER_PATTERN.test(handler) || handler.startsWith('/') || handler.split('/').includes('..')) {
    throw invalid('handler', `${JSON.stringify(handler)} must be file.function (e.g. ${runtime.startsWith('python') ? 'app.handler' : 'index.handler'})`);
  }
  return handler;
}

function validateInteger(field: string, value: unknown, range: { min: number; max: number; default: number }): number {
  if (isBlank(value)) return range.default;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw invalid(field, 'must be a whole number');
  if (value < range.min || value > range.max) throw invalid(field, `must be between ${range.min} and ${range.max}, got ${value}`);
  return value;
}

export const validateMemoryMb = (v: unknown) => validateInteger('memoryMb', v, LIMITS.memoryMb);
export const validateTimeoutSec = (v: unknown) => validateInteger('timeoutSec', v, LIMITS.timeoutSec);
export const validateMaxConcurrency = (v: unknown) => validateInteger('maxConcurrency', v, LIMITS.maxConcurrency);

/** The size Lambda counts against the 4 KB limit: every name and value, in UTF-8 bytes. */
export function envBytes(env: Record<string, string>): number {
  const utf8 = new TextEncoder(); // not Buffer: this module also runs in the browser
  let total = 0;
  for (const [k, v] of Object.entries(env)) total += utf8.encode(k).length + utf8.encode(v).length;
  return total;
}

export function validateEnv(env: unknown): Record<string, string> {
  if (env === undefined || env === null) return {};
  if (typeof env !== 'object' || Array.isArray(env)) throw invalid('env', 'must be an object of name to value');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env as Record<string, unknown>)) {
    if (!ENV_NAME_PATTERN.test(k)) throw invalid('env', `${JSON.stringify(k)} is not a valid variable name (letters, digits and '_', not starting with a digit)`);
    if (RESERVED_ENV.has(k)) throw invalid('env', `${k} is reserved: the platform sets it`);
    if (typeof v !== 'string') throw invalid('env', `the value of ${k} must be a string`);
    out[k] = v;
  }
  const bytes = envBytes(out);
  if (bytes > LIMITS.envBytes) throw invalid('env', `is ${bytes} bytes in all, above the limit of ${LIMITS.envBytes}`);
  return out;
}

export function validateBackend(backend: unknown, opts: ValidationOptions = {}): Backend {
  const value = isBlank(backend) ? (opts.defaultBackend ?? 'docker') : backend;
  if (typeof value !== 'string' || !(BACKENDS as readonly string[]).includes(value)) {
    throw invalid('backend', `unknown backend ${JSON.stringify(value)} (one of ${BACKENDS.join(', ')})`);
  }
  return value as Backend;
}

export function validateDescription(description: unknown): string {
  if (description === undefined || description === null) return '';
  if (typeof description !== 'string') throw invalid('description', 'must be a string');
  if ([...description].length > LIMITS.descriptionChars) throw invalid('description', `must be at most ${LIMITS.descriptionChars} characters`);
  return description;
}

export function validateMinWarm(minWarm: unknown, maxConcurrency: number): number {
  if (isBlank(minWarm)) return 0;
  if (typeof minWarm !== 'number' || !Number.isInteger(minWarm) || minWarm < 0) throw invalid('minWarm', 'must be a whole number, 0 or more');
  if (minWarm > LIMITS.minWarm.max) throw invalid('minWarm', `must be at most ${LIMITS.minWarm.max}`);
  if (minWarm > maxConcurrency) throw invalid('minWarm', `(${minWarm}) must not exceed maxConcurrency (${maxConcurrency})`);
  return minWarm;
}

/** Validates every setting and fills defaults. Throws the first violation (fields in declaration order). */
export function validateFunctionSettings(input: FunctionSettingsInput, opts: ValidationOptions = {}): FunctionSettings {
  const name = validateName(input.name);
  const runtime = validateRuntime(input.runtime);
  const handler = validateHandler(runtime, input.handler);
  const memoryMb = validateMemoryMb(input.memoryMb);
  const timeoutSec = validateTimeoutSec(input.timeoutSec);
  const env = validateEnv(input.env);
  const maxConcurrency = validateMaxConcurrency(input.maxConcurrency);
  const backend = validateBackend(input.backend, opts);
  const description = validateDescription(input.description);
  const minWarm = validateMinWarm(input.minWarm, maxConcurrency);
  return { name, runtime, handler, memoryMb, timeoutSec, env, maxConcurrency, backend, description, minWarm };
}

/** Every violation at once (for forms that show all errors): empty when the settings are valid. */
export function collectFunctionSettingsErrors(input: FunctionSettingsInput, opts: ValidationOptions = {}): StratusError[] {
  const errors: StratusError[] = [];
  const attempt = <T>(fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (err) {
      if (err instanceof StratusError) errors.push(err);
      else throw err;
      return undefined;
    }
  };
  attempt(() => validateName(input.name));
  const runtime = attempt(() => validateRuntime(input.runtime));
  if (runtime) attempt(() => validateHandler(runtime, input.handler));
  attempt(() => validateMemoryMb(input.memoryMb));
  attempt(() => validateTimeoutSec(input.timeoutSec));
  attempt(() => validateEnv(input.env));
  const maxConcurrency = attempt(() => validateMaxConcurrency(input.maxConcurrency));
  attempt(() => validateBackend(input.backend, opts));
  attempt(() => validateDescription(input.description));
  attempt(() => validateMinWarm(input.minWarm, maxConcurrency ?? LIMITS.maxConcurrency.max));
  return errors;
}

/**
 * Applies an update to the current settings: a field at its zero value ('' or 0, or an empty env
 * without replaceEnv) keeps the current value. The result still needs validateFunctionSettings.
 * Changing the runtime without a handler keeps the handler (the code may carry both).
 */
export function mergeFunctionUpdate(current: FunctionSettings, update: FunctionUpdateInput): FunctionSettingsInput {
  const pick = <T>(value: T | undefined | null, fallback: T): T => (isBlank(value) ? fallback : (value as T));
  const env = update.replaceEnv ? (update.env ?? {}) : update.env && Object.keys(update.env).length > 0 ? update.env : current.env;
  return {
    name: current.name,
    runtime: pick(update.runtime, current.runtime),
    handler: pick(update.handler, current.handler),
    memoryMb: pick(update.memoryMb, current.memoryMb),
    timeoutSec: pick(update.timeoutSec, current.timeoutSec),
    env,
    maxConcurrency: pick(update.maxConcurrency, current.maxConcurrency),
    backend: pick(update.backend, current.backend),
    description: pick(update.description, current.description),
    minWarm: pick(update.minWarm, current.minWarm),
  };
}
