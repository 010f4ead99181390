// Chromium for the dashboard's browser tests (driven by playwright-core; no browser downloads here).
import { aptInstall, findCommand } from '@stratus/node-agent/images/host-tools.ts';
import type { StepOutcome, StepReporter } from './report';

export async function ensureChromium(r: StepReporter): Promise<StepOutcome & { path?: string }> {
  const configured = process.env.STRATUS_CHROMIUM_PATH;
  if (configured) return { status: 'ok', detail: `using STRATUS_CHROMIUM_PATH ${configured}`, path: configured };
  let bin = findCommand('chromium') ?? findCommand('chromium-browser');
  if (!bin) {
    try {
      r.progress('chromium not found: apt-get install chromium (a minute or two)');
      await aptInstall(['chromium'], (line) => /^Setting up chromium/.test(line) && r.progress(line));
    } catch (err) {
      return { status: 'warn', detail: `no chromium, browser tests will be skipped: ${(err as Error).message}` };
    }
    bin = findCommand('chromium');
  }
  return bin ? { status: 'ok', detail: bin, path: bin } : { status: 'warn', detail: 'chromium is still missing after installing it' };
}
