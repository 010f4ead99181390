// Which backends the integration suites run under: STRATUS_TEST_BACKENDS (comma-separated) or every
// backend the local engine offers.
import { availableBackends } from './docker';

export async function testBackends(): Promise<string[]> {
  const env = process.env.STRATUS_TEST_BACKENDS;
  if (env) return env.split(',').map((s) => s.trim()).filter(Boolean);
  return availableBackends();
}
