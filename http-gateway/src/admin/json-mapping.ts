// The proto3 JSON mapping for request bodies, checked against the message descriptors of the contract
// (not restated by hand): lowerCamelCase or original field names, bytes as base64, maps as objects,
// 64-bit and 32-bit integers as numbers or decimal strings. Unknown fields and wrong types are a 400
// that names the field.
import { packageDefinition } from '@stratus/proto';
import { StratusError } from '@stratus/common';

interface FieldDescriptor {
  name: string;
  label: string;
  type: string;
  typeName: string;
}
interface MessageDescriptor {
  field: FieldDescriptor[];
  nestedType: (MessageDescriptor & { name: string; options?: { mapEntry?: boolean } | null })[];
}

const bad = (field: string, message: string) => new StratusError('INVALID_ARGUMENT', `${field}: ${message}`, { field });

function descriptorOf(typeName: string): MessageDescriptor {
  const def = (packageDefinition as Record<string, { type?: MessageDescriptor }>)[typeName];
  if (!def?.type) throw new Error(`no message ${typeName} in the contract`);
  return def.type;
}

const snakeToCamel = (s: string) => s.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

function scalar(type: string, value: unknown, path: string): unknown {
  switch (type) {
    case 'TYPE_STRING':
      if (typeof value !== 'string') throw bad(path, `must be a string, got ${describe(value)}`);
      return value;
    case 'TYPE_BOOL':
      if (typeof value !== 'boolean') throw bad(path, `must be true or false, got ${describe(value)}`);
      return value;
    case 'TYPE_UINT32':
    case 'TYPE_UINT64':
    case 'TYPE_INT32':
    case 'TYPE_INT64': {
      const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isInteger(n)) throw bad(path, `must be an integer, got ${describe(value)}`);
      if (type.startsWith('TYPE_UINT') && n < 0) throw bad(path, `must not be negative, got ${n}`);
      if (type.endsWith('32') && Math.abs(n) > 0xffffffff) throw bad(path, `is out of range, got ${n}`);
      return n;
    }
    case 'TYPE_DOUBLE':
    case 'TYPE_FLOAT': {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isFinite(n)) throw bad(path, `must be a number, got ${describe(value)}`);
      return n;
    }
    case 'TYPE_BYTES':
      if (typeof value !== 'string' || !BASE64.test(value.replace(/\s/g, ''))) throw bad(path, `must be base64 text, got ${describe(value)}`);
      return Buffer.from(value, value.includes('-') || value.includes('_') ? 'base64url' : 'base64');
    default:
      throw bad(path, `has a type the REST mapping does not support (${type})`);
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `a string`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

function decodeMessage(desc: MessageDescriptor, body: unknown, prefix: string, scope: string): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw bad(prefix || 'body', `must be a JSON object, got ${describe(body)}`);
  }
  const out: Record<string, unknown> = {};
  const fields = new Map(desc.field.map((f) => [f.name, f]));
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${key}` : key;
    const field = fields.get(key) ?? fields.get(snakeToCamel(key));
    if (!field) throw bad(path, 'unknown field');
    if (value === null) continue; // proto3 JSON: null means the default
    const nested = field.type === 'TYPE_MESSAGE' ? resolveNested(desc, field.typeName, scope) : undefined;
    if (nested && 'mapEntry' in nested) {
      if (typeof value !== 'object' || Array.isArray(value)) throw bad(path, `must be an object, got ${describe(value)}`);
      const valueField = nested.desc.field.find((f) => f.name === 'value')!;
      const map: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        map[k] = valueField.type === 'TYPE_MESSAGE' ? decodeMessage(descriptorOf(qualify(valueField.typeName, scope)), v, `${path}.${k}`, scope) : scalar(valueField.type, v, `${path}.${k}`);
      }
      out[field.name] = map;
    } else if (field.label === 'LABEL_REPEATED') {
      if (!Array.isArray(value)) throw bad(path, `must be an array, got ${describe(value)}`);
      out[field.name] = value.map((v, i) => (nested ? decodeMessage(nested.desc, v, `${path}[${i}]`, scope) : scalar(field.type, v, `${path}[${i}]`)));
    } else {
      out[field.name] = nested ? decodeMessage(nested.desc, value, path, scope) : scalar(field.type, value, path);
    }
  }
  return out;
}

const qualify = (typeName: string, scope: string) => (typeName.includes('.') ? typeName.replace(/^\./, '') : `${scope}.${typeName}`);

function resolveNested(desc: MessageDescriptor, typeName: string, scope: string): { desc: MessageDescriptor; mapEntry?: true } {
  const local = desc.nestedType?.find((n) => n.name === typeName);
  if (local) return local.options?.mapEntry ? { desc: local, mapEntry: true } : { desc: local };
  return { desc: descriptorOf(qualify(typeName, scope)) };
}

/**
 * Decodes a proto3-JSON request body into the loader's object shape for `typeName`
 * (e.g. "stratus.v1.CreateFunctionRequest"), or throws a 400 StratusError naming the field.
 */
export function decodeJsonBody<T>(typeName: string, body: unknown): T {
  const scope = typeName.slice(0, typeName.lastIndexOf('.'));
  return decodeMessage(descriptorOf(typeName), body ?? {}, '', scope) as T;
}

/** Encodes a response object for JSON: bytes as base64 (the proto3 JSON mapping). */
export function encodeJson(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (Array.isArray(value)) return value.map(encodeJson);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = encodeJson(v);
    return out;
  }
  return value;
}
