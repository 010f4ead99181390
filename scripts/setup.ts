// `npm run setup` (and the first half of `npm start` / `npm test`): everything a fresh Debian or
// Ubuntu machine needs before Stratus runs. Idempotent; a few seconds when everything is in place.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '@stratus/common';
import type { RuntimeImageInfo } from '@stratus/node-agent/images/index.ts';
import { ensureChromium } from './setup/chromium';
import { ensurePrometheus } from './setup/prometheus';
import { ensureDocker } from './setup/docker';
import { ensureGvisor } from './setup/gvisor';
import { ensureImages } from './setup/images';
import { ensureNats, type NatsHandle } from './setup/nats';
import { formatMs, step } from './setup/report';

export const ROLES = ['all', 'control', 'agent', 'gateway', 'dashboard'] as const;
export type Role = (typeof ROLES)[number];

export interface SetupOptions {
  /** Which components will run on this host; decides which steps are needed. */
  role?: Role;
  /** Install Chromium for browser tests. */
  browser?: boolean;
  /** Install Prometheus (server and promtool) for the metrics tests. */
  prometheus?: boolean;
  /** Start or find NATS (default true unless the role is dashboard). */
  nats?: boolean;
}

export interface SetupResult {
  dataDir: string;
  nats?: NatsHandle;
  gvisor: { available: boolean; reason?: string };
  images: RuntimeImageInfo[];
  chromiumPath?: string;
  ms: number;
}

export async function runSetup(opts: SetupOptions = {}): Promise<SetupResult> {
  const started = Date.now();
  const role = opts.role ?? 'all';
  const config = loadConfig();
  fs.mkdirSync(config.dataDir, { recursive: true });
  const needsDocker = role === 'all' || role === 'agent';
  const result: SetupResult = { dataDir: config.dataDir, gvisor: { available: false, reason: 'not set up on this host' }, images: [], ms: 0 };

  if (needsDocker) {
    await step('Docker engine', (r) => ensureDocker(r, path.join(config.dataDir, 'logs')));
    const gv = await step('gVisor (runsc)', (r) => ensureGvisor(r));
    result.gvisor = gv.available ? { available: true } : { available: false, reason: gv.detail };
    result.images = (await step('Runtime images', (r) => ensureImages(r))).images;
  }
  if (opts.nats ?? role !== 'dashboard') {
    result.nats = (await step('NATS (JetStream)', (r) => ensureNats(r, config.dataDir))).nats;
  }
  if (opts.prometheus) await step('Prometheus (metrics tests)', (r) => ensurePrometheus(r));
  if (opts.browser) {
    result.chromiumPath = (await step('Chromium (browser tests)', (r) => ensureChromium(r))).path;
  }
  result.ms = Date.now() - started;
  return result;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { role: { type: 'string', default: 'all' }, browser: { type: 'boolean', default: false } },
    strict: true,
  });
  const role = values.role as Role;
  if (!ROLES.includes(role)) throw new Error(`--role must be one of ${ROLES.join(', ')}`);
  // Standalone set-up leaves no NATS child behind: it only checks what start/test would use.
  const res = await runSetup({ role, browser: values.browser });
  await res.nats?.stop();
  console.log(`Set-up done in ${formatMs(res.ms)}.`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((err) => {
    console.error((err as Error).message);
    process.exit(1);
  });
}
