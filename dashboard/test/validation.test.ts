import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateForm, formToRequest, normalizeField, fieldFromMessage, handlerFileCandidates, jsonError, type FunctionForm } from '../src/lib/validation.ts';

const form = (o: Partial<FunctionForm> = {}): FunctionForm => ({
  name: 'hello',
  runtime: 'python3.11',
  handler: 'app.handler',
  memoryMb: '128',
  timeoutSec: '30',
  maxConcurrency: '10',
  minWarm: '0',
  backend: '',
  description: '',
  env: [],
  codeMode: 'editor',
  files: { 'app.py': 'def handler(e, c):\n    return 1\n' },
  ...o,
});

test('a valid form has no errors', () => {
  assert.deepEqual(validateForm(form(), 'create'), {});
  assert.deepEqual(validateForm(form({ runtime: 'nodejs20.x', handler: 'index.handler', files: { 'index.mjs': '' } }), 'create'), {});
});

test('the platform rules mark the field they concern', () => {
  const e = validateForm(form({ name: 'bad name!', handler: 'bad handler', memoryMb: '64', timeoutSec: '1000', maxConcurrency: 'x', backend: 'kvm' }), 'create');
  assert.match(e.name ?? '', /^name:/);
  assert.match(e.handler ?? '', /^handler:/);
  assert.match(e.memoryMb ?? '', /128 and 10240/);
  assert.match(e.timeoutSec ?? '', /1 and 900/);
  assert.match(e.maxConcurrency ?? '', /whole number/);
  assert.match(e.backend ?? '', /^backend:/);
});

test('blank numbers take the server default and are left out of the request', () => {
  const f = form({ memoryMb: '', timeoutSec: ' ' });
  assert.deepEqual(validateForm(f, 'create'), {});
  const req = formToRequest(f, 'create');
  assert.equal('memoryMb' in req, false);
  assert.equal('timeoutSec' in req, false);
  assert.equal(req.maxConcurrency, 10);
});

test('environment rows: reserved, invalid and duplicate names, values without a name, the 4 KB limit', () => {
  assert.match(validateForm(form({ env: [{ key: '_HANDLER', value: 'x' }] }), 'create').env ?? '', /reserved/);
  assert.match(validateForm(form({ env: [{ key: '1BAD', value: 'x' }] }), 'create').env ?? '', /not a valid variable name/);
  assert.match(validateForm(form({ env: [{ key: 'A', value: '1' }, { key: 'A', value: '2' }] }), 'create').env ?? '', /set twice/);
  assert.match(validateForm(form({ env: [{ key: '', value: 'orphan' }] }), 'create').env ?? '', /^env:/);
  assert.match(validateForm(form({ env: [{ key: 'BIG', value: 'x'.repeat(5000) }] }), 'create').env ?? '', /4096/);
  assert.deepEqual(validateForm(form({ env: [{ key: '', value: '' }, { key: 'OK', value: 'yes' }] }), 'create'), {});
  assert.deepEqual(formToRequest(form({ env: [{ key: 'OK', value: 'yes' }] }), 'update').env, { OK: 'yes' });
  assert.equal(formToRequest(form(), 'update').replaceEnv, true);
});

test('the code must contain the file the handler names', () => {
  assert.match(validateForm(form({ handler: 'main.handler' }), 'create').handler ?? '', /main\.py/);
  assert.deepEqual(handlerFileCandidates('nodejs20.x', 'index.handler'), ['index.js', 'index.mjs', 'index.cjs']);
  assert.deepEqual(handlerFileCandidates('python3.11', 'pkg.mod.handler'), ['pkg/mod.py']);
  assert.match(validateForm(form({ files: {} }), 'create').code ?? '', /at least one file/);
  assert.match(validateForm(form({ files: { '../x.py': '' } }), 'create').code ?? '', /relative path/);
  assert.match(validateForm(form({ codeMode: 'zip' }), 'create').code ?? '', /zip/);
  assert.deepEqual(validateForm(form({ codeMode: 'keep', files: {} }), 'update'), {});
  assert.match(validateForm(form({ runtime: 'provided', handler: '', files: { 'main.sh': '' } }), 'create').code ?? '', /bootstrap/);
});

test('code goes as files from the editor or as base64 zip', () => {
  assert.deepEqual(formToRequest(form(), 'create').files, form().files);
  const z = formToRequest(form({ codeMode: 'zip', zipBase64: 'UEsFBg==' }), 'create');
  assert.equal(z.zip, 'UEsFBg==');
  assert.equal('files' in z, false);
  assert.equal('files' in formToRequest(form({ codeMode: 'keep' }), 'update'), false);
});

test("the server's error lands on the field it names", () => {
  assert.equal(normalizeField('memory_mb'), 'memoryMb');
  assert.equal(normalizeField('env.FOO'), 'env');
  assert.equal(normalizeField('files[app.py]'), 'code');
  assert.equal(normalizeField('zip'), 'code');
  assert.equal(normalizeField(undefined), '');
  assert.equal(fieldFromMessage('handler: "x" must be file.function'), 'handler');
  assert.equal(fieldFromMessage('timeout_sec: must be between 1 and 900'), 'timeoutSec');
  assert.equal(fieldFromMessage('zip: entry ../etc/passwd leaves the code folder'), 'code');
  assert.equal(fieldFromMessage('something else went wrong'), '');
});

test('the event editor accepts JSON only, and says where it breaks', () => {
  assert.equal(jsonError('{"a": 1}'), null);
  assert.equal(jsonError(''), null);
  assert.equal(jsonError('[1, 2]'), null);
  const e = jsonError('{\n  "a": 1,\n  oops\n}');
  assert.ok(e);
  assert.ok(e.message.length > 0);
  if (e.line !== undefined) assert.equal(e.line, 3);
});
