// What every scenario gets: options, the platform under test, the fixtures, the progress display,
// and where results go.
import type { Fixture } from './fixtures.ts';
import type { BenchOptions, BenchBackend } from './options.ts';
import type { BenchPlatform } from './platform.ts';
import type { Progress } from './progress.ts';
import type { MemoryRow, ResultRow } from './types.ts';

export interface BenchContext {
  opts: BenchOptions;
  runId: string;
  fixtures: Fixture[];
  backends: BenchBackend[];
  progress: Progress;
  rows: ResultRow[];
  memory: MemoryRow[];
  failures: string[];
  workDir: string;
  images: Record<string, string>;
}

export interface PlatformContext extends BenchContext {
  platform: BenchPlatform;
  prewarm: number;             // pre-warmed containers per runtime and backend the agent keeps
}
