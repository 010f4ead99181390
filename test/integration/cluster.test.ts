// Issue 2's several-hosts tests, once per backend (STRATUS_TEST_BACKENDS or every backend available).
import { test } from 'node:test';
import { testBackends } from '../harness/index';
import { clusterSuite } from './cluster-suite';

const backends = await testBackends();
if (backends.length === 0) test('the cluster suite needs a Docker engine', { skip: 'no Docker engine answers' }, () => undefined);
for (const backend of backends) clusterSuite(backend);
