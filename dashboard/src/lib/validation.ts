// Validation glue for the deploy/edit form: the page checks every field with the platform's own rules
// (from @stratus/common) before sending, and maps the server's errors back onto the field they name.
import { LIMITS, RUNTIMES, BACKENDS, ENV_NAME_PATTERN, RESERVED_ENV, HANDLER_PATTERN } from '@stratus/common/limits.ts';

export interface EnvRow {
  key: string;
  value: string;
}

export interface FunctionForm {
  name: string;
  runtime: string;
  handler: string;
  memoryMb: string | number;
  timeoutSec: string | number;
  maxConcurrency: string | number;
  minWarm: string | number;
  backend: string;
  description: string;
  env: EnvRow[];
  codeMode: 'editor' | 'zip' | 'keep';
  files: Record<string, string>;
  zipBase64?: string;
  zipName?: string;
}

export type FieldErrors = Partial<Record<string, string>>;

/** Form field names as the page shows them; server field names (snake or camel) map onto these. */
export const FORM_FIELDS = ['name', 'runtime', 'handler', 'memoryMb', 'timeoutSec', 'maxConcurrency', 'minWarm', 'backend', 'description', 'env', 'code'] as const;

const FIELD_ALIASES: Record<string, string> = {
  memory_mb: 'memoryMb',
  timeout_sec: 'timeoutSec',
  max_concurrency: 'maxConcurrency',
  min_warm: 'minWarm',
  zip: 'code',
  files: 'code',
};

/** "memory_mb" / "memoryMb" / "env.FOO" / "files[app.py]" -> the form field it concerns. */
export function normalizeField(field: string | undefined | null): string {
  if (!field) return '';
  const base = field.split(/[.[]/)[0];
  return FIELD_ALIASES[base] ?? base;
}

/** Finds the field a server message names when the error carried none ("handler: must be ..."). */
export function fieldFromMessage(message: string): string {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:[.[][^:]*)?:\s/.exec(message);
  if (!m) return '';
  const f = normalizeField(m[1]);
  return (FORM_FIELDS as readonly string[]).includes(f) ? f : '';
}

function intIn(v: string | number, min: number, max: number, label: string): string | undefined {
  const s = String(v).trim();
  if (s === '') return undefined; // server default
  if (!/^\d+$/.test(s)) return `${label} must be a whole number`;
  const n = Number(s);
  if (n < min || n > max) return `${label} must be between ${min} and ${max}`;
  return undefined;
}

export function envBytes(rows: EnvRow[]): number {
  const enc = new TextEncoder();
  return rows.filter((r) => r.key).reduce((sum, r) => sum + enc.encode(r.key).length + enc.encode(r.value).length, 0);
}

/** Which file the handler points at, for the runtime ("app.handler" -> app.py). */
export function handlerFileCandidates(runtime: string, handler: string): string[] {
  const dot = handler.lastIndexOf('.');
  if (dot <= 0) return [];
  const mod = handler.slice(0, dot);
  if (runtime.startsWith('python')) return [`${mod.replace(/\./g, '/')}.py`];
  if (runtime.startsWith('nodejs')) return /\.(m|c)?js$/.test(mod) ? [mod] : [`${mod}.js`, `${mod}.mjs`, `${mod}.cjs`];
  return [];
}

export function validateForm(form: FunctionForm, mode: 'create' | 'update'): FieldErrors {
  const errors: FieldErrors = {};
  if (!LIMITS.namePattern.test(form.name)) errors.name = 'name must be 1 to 64 letters, digits, "-" or "_"';
  if (mode === 'create' || form.runtime) {
    if (!(RUNTIMES as readonly string[]).includes(form.runtime)) errors.runtime = `runtime must be one of ${RUNTIMES.join(', ')}`;
  }
  if (form.runtime !== 'provided' && (mode === 'create' || form.handler)) {
    if (!form.handler) errors.handler = 'handler is required (file.function, e.g. app.handler)';
    else if (!HANDLER_PATTERN.test(form.handler)) errors.handler = 'handler must be file.function (e.g. app.handler or index.handler)';
  }
  const mem = intIn(form.memoryMb, LIMITS.memoryMb.min, LIMITS.memoryMb.max, 'memory (MB)');
  if (mem) errors.memoryMb = mem;
  const to = intIn(form.timeoutSec, LIMITS.timeoutSec.min, LIMITS.timeoutSec.max, 'timeout (s)');
  if (to) errors.timeoutSec = to;
  const cc = intIn(form.maxConcurrency, LIMITS.maxConcurrency.min, LIMITS.maxConcurrency.max, 'max concurrency');
  if (cc) errors.maxConcurrency = cc;
  const mw = intIn(form.minWarm, 0, LIMITS.minWarm.max, 'min warm');
  if (mw) errors.minWarm = mw;
  if (form.backend && !(BACKENDS as readonly string[]).includes(form.backend)) errors.backend = `backend must be one of ${BACKENDS.join(', ')}`;
  if (form.description.length > LIMITS.descriptionChars) errors.description = `description must be at most ${LIMITS.descriptionChars} characters`;

  const seen = new Set<string>();
  for (const row of form.env) {
    if (!row.key && !row.value) continue;
    if (!ENV_NAME_PATTERN.test(row.key)) {
      errors.env = `env: "${row.key}" is not a valid variable name (letters, digits, _; not starting with a digit)`;
      break;
    }
    if (RESERVED_ENV.has(row.key)) {
      errors.env = `env: ${row.key} is set by the platform and cannot be overridden`;
      break;
    }
    if (seen.has(row.key)) {
      errors.env = `env: ${row.key} is set twice`;
      break;
    }
    seen.add(row.key);
  }
  if (!errors.env && envBytes(form.env) > LIMITS.envBytes) errors.env = `env: at most ${LIMITS.envBytes} bytes in all (names and values), got ${envBytes(form.env)}`;

  if (form.codeMode === 'zip') {
    if (!form.zipBase64) errors.code = 'code: choose a .zip file to upload';
  } else if (form.codeMode === 'editor') {
    const paths = Object.keys(form.files);
    if (paths.length === 0) errors.code = 'code: write at least one file';
    for (const p of paths) {
      if (!p || p.startsWith('/') || p.split('/').includes('..')) {
        errors.code = `code: file name "${p}" must be a relative path without ".."`;
        break;
      }
    }
    if (!errors.code && !errors.handler && form.runtime !== 'provided' && form.handler) {
      const candidates = handlerFileCandidates(form.runtime, form.handler);
      if (candidates.length && !candidates.some((c) => c in form.files)) {
        errors.handler = `handler: ${form.handler} needs a file named ${candidates.join(' or ')}`;
      }
    }
    if (!errors.code && form.runtime === 'provided' && !('bootstrap' in form.files)) errors.code = 'code: a provided runtime needs an executable file named bootstrap';
  } else if (mode === 'create') {
    errors.code = 'code: add code in the editor or upload a zip';
  }
  return errors;
}

/** The JSON body the dashboard's API sends to the control plane (proto3 JSON field names). */
export function formToRequest(form: FunctionForm, mode: 'create' | 'update'): Record<string, unknown> {
  const num = (v: string | number) => (String(v).trim() === '' ? undefined : Number(v));
  const env: Record<string, string> = {};
  for (const row of form.env) if (row.key) env[row.key] = row.value;
  const req: Record<string, unknown> = {
    name: form.name,
    runtime: form.runtime,
    handler: form.handler,
    memoryMb: num(form.memoryMb),
    timeoutSec: num(form.timeoutSec),
    maxConcurrency: num(form.maxConcurrency),
    minWarm: num(form.minWarm),
    backend: form.backend,
    description: form.description,
    env,
  };
  if (mode === 'update') req.replaceEnv = true;
  if (form.codeMode === 'zip' && form.zipBase64) req.zip = form.zipBase64;
  else if (form.codeMode === 'editor') req.files = form.files;
  for (const k of Object.keys(req)) if (req[k] === undefined) delete req[k];
  return req;
}

/** Checks an invoke payload: the console only sends valid JSON. Returns null when valid. */
export function jsonError(text: string): { message: string; line?: number; column?: number } | null {
  if (text.trim() === '') return null; // empty body: the gateway sends {} (an empty event)
  try {
    JSON.parse(text);
    return null;
  } catch (err) {
    const message = (err as Error).message;
    const pos = /position (\d+)/.exec(message);
    if (pos) {
      const offset = Number(pos[1]);
      const before = text.slice(0, offset);
      const line = before.split('\n').length;
      const column = offset - before.lastIndexOf('\n');
      return { message, line, column };
    }
    return { message };
  }
}
