import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StratusError } from '../src/errors';
import {
  collectFunctionSettingsErrors,
  envBytes,
  mergeFunctionUpdate,
  validateFunctionSettings,
  type FunctionSettingsInput,
} from '../src/validation';

const base: FunctionSettingsInput = { name: 'hello', runtime: 'python3.11', handler: 'app.handler' };

function rejects(input: FunctionSettingsInput, field: string, opts = {}) {
  assert.throws(
    () => validateFunctionSettings(input, opts),
    (err: unknown) => err instanceof StratusError && err.code === 'INVALID_ARGUMENT' && err.field === field && err.message.startsWith(field),
  );
}

describe('function settings validation', () => {
  it('fills the defaults for a minimal function', () => {
    const s = validateFunctionSettings(base);
    assert.deepEqual(s, {
      name: 'hello', runtime: 'python3.11', handler: 'app.handler', memoryMb: 128, timeoutSec: 30, env: {},
      maxConcurrency: 10, backend: 'docker', description: '', minWarm: 0,
    });
  });

  it('uses the configured default backend when none is given', () => {
    assert.equal(validateFunctionSettings(base, { defaultBackend: 'gvisor' }).backend, 'gvisor');
  });

  it('accepts names of letters, digits, dashes and underscores up to 64 characters', () => {
    assert.equal(validateFunctionSettings({ ...base, name: 'A-b_9'.padEnd(64, 'x') }).name.length, 64);
  });

  it('rejects bad names naming the field', () => {
    for (const name of ['', 'has space', 'dot.name', 'x'.repeat(65), 'slash/name', 'ünï']) rejects({ ...base, name }, 'name');
  });

  it('rejects unknown runtimes', () => {
    rejects({ ...base, runtime: 'python2.7' }, 'runtime');
    rejects({ ...base, runtime: '' }, 'runtime');
  });

  it('rejects handlers that are not file.function', () => {
    for (const handler of ['', 'app', 'app.', '.handler', 'app.handler()', '../x.handler', '/abs.handler', 'a b.handler']) {
      rejects({ ...base, handler }, 'handler');
    }
  });

  it('accepts Node handlers with paths and provided handlers of free text', () => {
    assert.equal(validateFunctionSettings({ ...base, runtime: 'nodejs20.x', handler: 'src/index.handler' }).handler, 'src/index.handler');
    assert.equal(validateFunctionSettings({ ...base, runtime: 'provided', handler: '' }).handler, 'bootstrap');
    assert.equal(validateFunctionSettings({ ...base, runtime: 'provided', handler: 'function.sh.handler' }).handler, 'function.sh.handler');
  });

  it('enforces memory and timeout ranges', () => {
    rejects({ ...base, memoryMb: 127 }, 'memoryMb');
    rejects({ ...base, memoryMb: 10241 }, 'memoryMb');
    rejects({ ...base, memoryMb: 200.5 }, 'memoryMb');
    rejects({ ...base, timeoutSec: 901 }, 'timeoutSec');
    assert.equal(validateFunctionSettings({ ...base, memoryMb: 10240, timeoutSec: 900 }).memoryMb, 10240);
    assert.equal(validateFunctionSettings({ ...base, timeoutSec: 1 }).timeoutSec, 1);
  });

  it('limits env to 4 KB of valid, unreserved names', () => {
    rejects({ ...base, env: { '1BAD': 'x' } }, 'env');
    rejects({ ...base, env: { 'WITH-DASH': 'x' } }, 'env');
    rejects({ ...base, env: { AWS_LAMBDA_RUNTIME_API: 'x' } }, 'env');
    rejects({ ...base, env: { BIG: 'x'.repeat(4094) } }, 'env');
    const fits = { BIG: 'x'.repeat(4093) };
    assert.equal(envBytes(fits), 4096);
    assert.deepEqual(validateFunctionSettings({ ...base, env: fits }).env, fits);
  });

  it('rejects unknown backends and too long descriptions', () => {
    rejects({ ...base, backend: 'firecracker' }, 'backend');
    rejects({ ...base, description: 'd'.repeat(257) }, 'description');
  });

  it('keeps minWarm within maxConcurrency', () => {
    rejects({ ...base, maxConcurrency: 2, minWarm: 3 }, 'minWarm');
    rejects({ ...base, maxConcurrency: 1001 }, 'maxConcurrency');
    assert.equal(validateFunctionSettings({ ...base, maxConcurrency: 3, minWarm: 3 }).minWarm, 3);
  });

  it('collects every violation at once for forms', () => {
    const errors = collectFunctionSettingsErrors({ name: 'bad name', runtime: 'cobol', memoryMb: 1, timeoutSec: 0 });
    assert.deepEqual(errors.map((e) => e.field), ['name', 'runtime', 'memoryMb']);
  });
});

describe('merging an update', () => {
  const current = validateFunctionSettings({ ...base, memoryMb: 256, env: { A: '1' }, description: 'old' });

  it('keeps fields left at their zero value', () => {
    const merged = mergeFunctionUpdate(current, { timeoutSec: 60, runtime: '', memoryMb: 0, env: {} });
    assert.deepEqual(validateFunctionSettings(merged), { ...current, timeoutSec: 60 });
  });

  it('replaces env only when replaceEnv is set or env is given', () => {
    assert.deepEqual(mergeFunctionUpdate(current, { env: { B: '2' } }).env, { B: '2' });
    assert.deepEqual(mergeFunctionUpdate(current, { env: {}, replaceEnv: true }).env, {});
  });
});
