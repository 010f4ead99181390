// Prometheus and promtool from Debian's package, for the metrics tests (a real Prometheus scrapes
// Stratus and `promtool check metrics` checks its exposition text). Its init script is kept from
// starting a server of its own during the install: the tests start theirs on free ports.
import { aptInstall, findCommand } from '@stratus/node-agent/images/host-tools.ts';
import type { StepOutcome, StepReporter } from './report';

export async function ensurePrometheus(r: StepReporter): Promise<StepOutcome> {
  const have = () => findCommand('prometheus') && findCommand('promtool');
  if (!have()) {
    try {
      r.progress('prometheus not found: apt-get install prometheus (a minute)');
      await aptInstall(['prometheus'], (line) => /^Setting up prometheus/.test(line) && r.progress(line), { startServices: false });
    } catch (err) {
      return { status: 'warn', detail: `no prometheus, the metrics tests will fail: ${(err as Error).message}` };
    }
  }
  return have() ? { status: 'ok', detail: `${findCommand('prometheus')}, ${findCommand('promtool')}` } : { status: 'warn', detail: 'prometheus is still missing after installing it' };
}
