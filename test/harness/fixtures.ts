// The fixture functions (test/fixtures/functions/) with the runtime and handler each needs.
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './platform';

export const FIXTURES_DIR = path.join(REPO_ROOT, 'test/fixtures/functions');

export const FIXTURES = {
  'py-echo': { runtime: 'python3.11', handler: 'app.handler' },
  'py-noop': { runtime: 'python3.11', handler: 'app.handler' },
  'py-context': { runtime: 'python3.11', handler: 'app.handler' },
  'py-env': { runtime: 'python3.11', handler: 'app.handler' },
  'py-counter': { runtime: 'python3.11', handler: 'app.handler' },
  'py-tmp': { runtime: 'python3.11', handler: 'app.handler' },
  'py-raise': { runtime: 'python3.11', handler: 'app.handler' },
  'py-exit': { runtime: 'python3.11', handler: 'app.handler' },
  'py-sleep': { runtime: 'python3.11', handler: 'app.handler' },
  'py-memhog': { runtime: 'python3.11', handler: 'app.handler' },
  'py-forkbomb': { runtime: 'python3.11', handler: 'app.handler' },
  'py-flood': { runtime: 'python3.11', handler: 'app.handler' },
  'py-bigresponse': { runtime: 'python3.11', handler: 'app.handler' },
  'node-echo': { runtime: 'nodejs20.x', handler: 'index.handler' },
  'node-noop': { runtime: 'nodejs20.x', handler: 'index.handler' },
  'node-callback': { runtime: 'nodejs20.x', handler: 'index.handler' },
  'node-esm': { runtime: 'nodejs20.x', handler: 'index.handler' },
  'node-counter': { runtime: 'nodejs20.x', handler: 'index.handler' },
  'node-context': { runtime: 'nodejs20.x', handler: 'index.handler' },
  'node-raise': { runtime: 'nodejs20.x', handler: 'index.handler' },
  'node-exit': { runtime: 'nodejs20.x', handler: 'index.handler' },
  'node-sleep': { runtime: 'nodejs20.x', handler: 'index.handler' },
  'provided-sh': { runtime: 'provided', handler: 'bootstrap.handler' },
} as const;

export type FixtureName = keyof typeof FIXTURES;

export function fixtureDir(name: FixtureName): string {
  return path.join(FIXTURES_DIR, name);
}

/** The fixture's code as a `files` map (path -> text) for CreateFunction. */
export function fixtureFiles(name: FixtureName): Record<string, string> {
  const dir = fixtureDir(name);
  const out: Record<string, string> = {};
  for (const f of fs.readdirSync(dir)) out[f] = fs.readFileSync(path.join(dir, f), 'utf8');
  return out;
}
