// Validation glue for the deploy/edit form: the page checks every field with the platform's own
// rules (@stratus/common validation.ts, the same functions the control plane enforces) before
// sending, adds the checks only a form can make (code present, handler file exists, env rows), and
// maps the server's errors back onto the field they name.
import { collectFunctionSettingsErrors, mergeFunctionUpdate, type FunctionSettings } from '@stratus/common/validation.ts';

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

/** '' -> undefined (the server's default); anything else -> a number (NaN when not numeric). */
function numberField(v: string | number): number | undefined {
  const s = String(v).trim();
  return s === '' ? undefined : Number(s);
}

export function envObject(rows: EnvRow[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const row of rows) if (row.key || row.value) env[row.key] = row.value;
  return env;
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

/**
 * Every problem with the form, by field. For an update, `current` (the latest version's settings)
 * is merged in first exactly as the control plane does, so blank fields keep their values.
 */
export function validateForm(form: FunctionForm, mode: 'create' | 'update', current?: FunctionSettings): FieldErrors {
  const errors: FieldErrors = {};
  const input = {
    name: form.name,
    runtime: form.runtime,
    handler: form.handler,
    memoryMb: numberField(form.memoryMb),
    timeoutSec: numberField(form.timeoutSec),
    env: envObject(form.env),
    maxConcurrency: numberField(form.maxConcurrency),
    backend: form.backend,
    description: form.description,
    minWarm: numberField(form.minWarm),
  };
  const settings = mode === 'update' && current ? mergeFunctionUpdate(current, { ...input, replaceEnv: true }) : input;
  for (const err of collectFunctionSettingsErrors(settings)) {
    const field = normalizeField(err.field) || fieldFromMessage(err.message);
    if (field && !errors[field]) errors[field] = err.message;
  }

  // rows the env object cannot show: a value without a name, a name given twice
  const seen = new Set<string>();
  for (const row of form.env) {
    if (!row.key && !row.value) continue;
    if (!row.key) errors.env ??= 'env: a value needs a variable name';
    else if (seen.has(row.key)) errors.env ??= `env: ${row.key} is set twice`;
    seen.add(row.key);
  }

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
    const runtime = String(settings.runtime ?? '');
    const handler = String(settings.handler ?? '');
    if (!errors.code && !errors.handler && runtime !== 'provided' && handler) {
      const candidates = handlerFileCandidates(runtime, handler);
      if (candidates.length && !candidates.some((c) => c in form.files)) {
        errors.handler = `handler: ${handler} needs a file named ${candidates.join(' or ')}`;
      }
    }
    if (!errors.code && runtime === 'provided' && !('bootstrap' in form.files)) errors.code = 'code: a provided runtime needs an executable file named bootstrap';
  } else if (mode === 'create') {
    errors.code = 'code: add code in the editor or upload a zip';
  }
  return errors;
}

/** The JSON body the dashboard's API sends to the control plane (proto3 JSON field names). */
export function formToRequest(form: FunctionForm, mode: 'create' | 'update'): Record<string, unknown> {
  const req: Record<string, unknown> = {
    name: form.name,
    runtime: form.runtime,
    handler: form.handler,
    memoryMb: numberField(form.memoryMb),
    timeoutSec: numberField(form.timeoutSec),
    maxConcurrency: numberField(form.maxConcurrency),
    minWarm: numberField(form.minWarm),
    backend: form.backend,
    description: form.description,
    env: envObject(form.env),
  };
  if (mode === 'update') req.replaceEnv = true;
  if (form.codeMode === 'zip' && form.zipBase64) req.zip = form.zipBase64;
  else if (form.codeMode === 'editor') req.files = form.files;
  for (const k of Object.keys(req)) if (req[k] === undefined) delete req[k];
  return req;
}

/** Checks an invoke payload: the console only sends valid JSON. Returns null when valid. */
export function jsonError(text: string): { message: string; line?: number; column?: number } | null {
  if (text.trim() === '') return null; // empty body: the gateway sends an empty event
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
