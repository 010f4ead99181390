// Issue 2's integration suite, once per backend (STRATUS_TEST_BACKENDS or every backend available).
import { test } from 'node:test';
import { testBackends } from '../harness/index';
import { backboneSuite } from './backbone-suite';

const backends = await testBackends();
if (backends.length === 0) test('the backbone suite needs a Docker engine', { skip: 'no Docker engine answers' }, () => undefined);
for (const backend of backends) backboneSuite(backend);
