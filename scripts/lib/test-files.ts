// Which test files `npm test` runs, and how its arguments select them (Node 20's test runner has
// no glob support, so the files are found here).
import fs from 'node:fs';
import path from 'node:path';

export type TestKind = 'unit' | 'integration' | 'browser';

const SKIP_DIRS = new Set(['node_modules', '.git', '.stratus', 'test-artifacts']);

function walkTests(dir: string, out: string[]): void {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (SKIP_DIRS.has(entry.name) || entry.name.startsWith('.')) continue;
    const abs = path.join(dir, entry.name);
    if (entry.isDirectory()) walkTests(abs, out);
    else if (entry.isFile() && entry.name.endsWith('.test.ts')) out.push(abs);
  }
}

/**
 * The test files, relative to the repository root, sorted: unit tests (`<component>/test/**`),
 * then integration (`test/integration/**`), then browser tests (`test/browser/**`).
 */
export function findTestFiles(root: string, kinds: TestKind[] = ['unit', 'integration', 'browser']): { kind: TestKind; file: string }[] {
  const found: { kind: TestKind; file: string }[] = [];
  const add = (kind: TestKind, dir: string) => {
    const files: string[] = [];
    walkTests(dir, files);
    for (const f of files.sort()) {
      const file = path.relative(root, f);
      // A component's own browser tests (e.g. dashboard/test/browser/) count as browser tests.
      found.push({ kind: file.split(path.sep).includes('browser') ? 'browser' : kind, file });
    }
  };
  if (kinds.includes('unit')) {
    for (const entry of fs.readdirSync(root, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (!entry.isDirectory() || SKIP_DIRS.has(entry.name) || entry.name.startsWith('.') || entry.name === 'test') continue;
      add('unit', path.join(root, entry.name, 'test'));
    }
  }
  if (kinds.includes('integration')) add('integration', path.join(root, 'test/integration'));
  if (kinds.includes('browser')) add('browser', path.join(root, 'test/browser'));
  return found;
}

/** Keeps files matching any filter: a path (file or folder) or a substring of the relative path. */
export function filterTestFiles<T extends { file: string }>(files: T[], filters: string[], root: string): T[] {
  if (filters.length === 0) return files;
  return files.filter(({ file }) =>
    filters.some((f) => {
      const rel = path.relative(root, path.resolve(f));
      if (!rel.startsWith('..') && fs.existsSync(path.resolve(f))) return file === rel || file.startsWith(rel + path.sep) || rel === '';
      return file.includes(f);
    }),
  );
}

export interface TestArgs {
  kinds: TestKind[];
  filters: string[];
  nodeFlags: string[];
  skipSetup: boolean;
  skipTypecheck: boolean;
  list: boolean;
}

export function parseTestArgs(argv: string[]): TestArgs {
  const args: TestArgs = { kinds: [], filters: [], nodeFlags: [], skipSetup: false, skipTypecheck: false, list: false };
  for (const a of argv) {
    if (a === '--') continue;
    else if (a === '--unit' || a === '--integration' || a === '--browser') args.kinds.push(a.slice(2) as TestKind);
    else if (a === '--skip-setup') args.skipSetup = true;
    else if (a === '--skip-typecheck') args.skipTypecheck = true;
    else if (a === '--list') args.list = true;
    else if (a.startsWith('--test-') || a === '--test-only') args.nodeFlags.push(a);
    else if (a.startsWith('-')) throw new Error(`unknown option ${a} (see the top of scripts/test.ts)`);
    else args.filters.push(a);
  }
  if (args.kinds.length === 0) args.kinds = ['unit', 'integration', 'browser'];
  return args;
}

