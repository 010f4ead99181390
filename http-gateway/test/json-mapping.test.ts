import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StratusError } from '@stratus/common';
import { decodeJsonBody, encodeJson } from '../src/admin/json-mapping';

const CREATE = 'stratus.v1.CreateFunctionRequest';

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof StratusError);
    assert.equal(err.code, 'INVALID_ARGUMENT');
    return err.field;
  }
  assert.fail('expected an error');
}

test('decodes lowerCamelCase fields, base64 zip and the files and env objects', () => {
  const req = decodeJsonBody<Record<string, unknown>>(CREATE, {
    name: 'echo', runtime: 'python3.11', handler: 'app.handler', memoryMb: 256, timeoutSec: '5',
    zip: Buffer.from('PK').toString('base64'), files: { 'app.py': 'x' }, env: { A: '1' },
  });
  assert.equal(req.memoryMb, 256);
  assert.equal(req.timeoutSec, 5);
  assert.deepEqual(req.zip, Buffer.from('PK'));
  assert.deepEqual(req.files, { 'app.py': 'x' });
  assert.deepEqual(req.env, { A: '1' });
});

test('accepts the original snake_case field names', () => {
  const req = decodeJsonBody<Record<string, unknown>>(CREATE, { memory_mb: 512, max_concurrency: 2 });
  assert.equal(req.memoryMb, 512);
  assert.equal(req.maxConcurrency, 2);
});

test('refuses an unknown field by name', () => {
  assert.equal(fieldOf(() => decodeJsonBody(CREATE, { name: 'x', memory: 128 })), 'memory');
});

test('refuses wrong types naming the field', () => {
  assert.equal(fieldOf(() => decodeJsonBody(CREATE, { memoryMb: 'lots' })), 'memoryMb');
  assert.equal(fieldOf(() => decodeJsonBody(CREATE, { memoryMb: -1 })), 'memoryMb');
  assert.equal(fieldOf(() => decodeJsonBody(CREATE, { name: 5 })), 'name');
  assert.equal(fieldOf(() => decodeJsonBody(CREATE, { env: { A: 1 } })), 'env.A');
  assert.equal(fieldOf(() => decodeJsonBody(CREATE, { files: ['a'] })), 'files');
  assert.equal(fieldOf(() => decodeJsonBody(CREATE, { zip: '***' })), 'zip');
});

test('refuses a body that is not an object', () => {
  assert.equal(fieldOf(() => decodeJsonBody(CREATE, [1, 2])), 'body');
  assert.equal(fieldOf(() => decodeJsonBody(CREATE, 'text')), 'body');
});

test('encodes bytes as base64 in responses', () => {
  assert.deepEqual(encodeJson({ a: Buffer.from('hi'), b: [Buffer.from('x')] }), { a: 'aGk=', b: ['eA=='] });
});
