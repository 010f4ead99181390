import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeDaemonConfig, RUNSC_RUNTIME_ARGS } from '../setup/gvisor';

describe('registering runsc in daemon.json', () => {
  it('adds the runsc runtime to an empty configuration', () => {
    const { config, changed } = mergeDaemonConfig({}, '/usr/bin/runsc');

    assert.equal(changed, true);
    assert.deepEqual(config, { runtimes: { runsc: { path: '/usr/bin/runsc', runtimeArgs: ['--network=host', '--host-uds=open'] } } });
  });

  it('keeps every other key and other runtimes', () => {
    const existing = { 'log-level': 'warn', 'insecure-registries': ['r:5000'], runtimes: { kata: { path: '/usr/bin/kata' } } };

    const { config, changed } = mergeDaemonConfig(existing, '/usr/bin/runsc');

    assert.equal(changed, true);
    assert.equal(config['log-level'], 'warn');
    assert.deepEqual(config['insecure-registries'], ['r:5000']);
    assert.deepEqual((config.runtimes as Record<string, unknown>).kata, { path: '/usr/bin/kata' });
  });

  it('reports no change when runsc is already registered the same way', () => {
    const existing = { runtimes: { runsc: { path: '/usr/bin/runsc', runtimeArgs: [...RUNSC_RUNTIME_ARGS] } } };

    const { changed } = mergeDaemonConfig(existing, '/usr/bin/runsc');

    assert.equal(changed, false);
  });

  it('adds --host-uds=open to a registration made before it was needed', () => {
    const existing = { runtimes: { runsc: { path: '/usr/bin/runsc', runtimeArgs: ['--network=host'] } } };

    const { config, changed } = mergeDaemonConfig(existing, '/usr/bin/runsc');

    assert.equal(changed, true);
    assert.deepEqual((config.runtimes as Record<string, { runtimeArgs: string[] }>).runsc.runtimeArgs, ['--network=host', '--host-uds=open']);
  });

  it('fixes the runtime arguments of an existing runsc entry but keeps its other fields', () => {
    const existing = { runtimes: { runsc: { path: '/usr/bin/runsc', runtimeArgs: ['--debug'], extra: 1 } } };

    const { config, changed } = mergeDaemonConfig(existing, '/usr/bin/runsc');

    assert.equal(changed, true);
    assert.deepEqual((config.runtimes as Record<string, unknown>).runsc, { path: '/usr/bin/runsc', runtimeArgs: ['--network=host', '--host-uds=open'], extra: 1 });
  });
});
