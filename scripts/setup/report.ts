// How set-up talks to the person at the terminal: one line per step with its outcome and time, and
// progress lines for the long ones.
import pc from 'picocolors';

export interface StepReporter {
  /** A progress line inside the current step. */
  progress(msg: string): void;
}

export type StepOutcome = { status: 'ok' | 'skipped' | 'warn'; detail?: string };

/** Runs one set-up step, printing `› label` then `✓ label: detail (1.2s)` (or ⚠ / ✗). */
export async function step<T extends StepOutcome>(label: string, fn: (r: StepReporter) => Promise<T>): Promise<T & { ms: number }> {
  const started = Date.now();
  let announced = false;
  const announce = () => {
    if (!announced) console.log(pc.dim(`› ${label}…`));
    announced = true;
  };
  // Quick steps print one line; a step that runs longer than a moment announces itself first.
  const timer = setTimeout(announce, 1500);
  const reporter: StepReporter = {
    progress(msg) {
      announce();
      console.log(pc.dim(`  ${label}: ${msg}`));
    },
  };
  try {
    const outcome = await fn(reporter);
    const ms = Date.now() - started;
    const mark = outcome.status === 'warn' ? pc.yellow('⚠') : outcome.status === 'skipped' ? pc.dim('-') : pc.green('✓');
    console.log(`${mark} ${label}${outcome.detail ? `: ${outcome.detail}` : ''} ${pc.dim(`(${formatMs(ms)})`)}`);
    return { ...outcome, ms };
  } catch (err) {
    console.log(`${pc.red('✗')} ${label}: ${(err as Error).message} ${pc.dim(`(${formatMs(Date.now() - started)})`)}`);
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export function formatBytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(0)} MB`;
}
