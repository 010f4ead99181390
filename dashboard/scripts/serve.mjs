#!/usr/bin/env node
// Serves the built dashboard: builds it first when build/ is missing or older than its sources (the
// dashboard's own files and the workspace packages it bundles), then listens on
// STRATUS_DASHBOARD_PORT (default 3000) at STRATUS_HOST (default 127.0.0.1).
//
//   node dashboard/scripts/serve.mjs            (what `npm start -w dashboard` and scripts/start.ts run)
//   import { startDashboard } from './dashboard/scripts/serve.mjs'
//     -> await startDashboard({ port: 0 }) = { port, url, close() }
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const DASHBOARD_DIR = path.resolve(here, '..');
const ROOT = path.resolve(DASHBOARD_DIR, '..');
const BUILD_DIR = path.join(DASHBOARD_DIR, 'build');
const STAMP = path.join(BUILD_DIR, '.stratus-build.json');

/** The workspace files the build bundles: @stratus/common's index and what it re-exports, plus the
 * modules the page imports directly; @stratus/proto's sources and the contract. */
function commonSources() {
  const dir = path.join(ROOT, 'common', 'src');
  const files = new Set(['index.ts', 'validation.ts', 'limits.ts', 'errors.ts']);
  try {
    const index = readFileSync(path.join(dir, 'index.ts'), 'utf8');
    for (const m of index.matchAll(/from\s+['"]\.\/([^'"]+)['"]/g)) files.add(m[1].endsWith('.ts') ? m[1] : `${m[1]}.ts`);
  } catch {
    /* no common package: nothing to watch */
  }
  return [...files].map((f) => path.join(dir, f));
}

const SOURCES = [
  path.join(DASHBOARD_DIR, 'src'),
  path.join(DASHBOARD_DIR, 'static'),
  path.join(DASHBOARD_DIR, 'svelte.config.js'),
  path.join(DASHBOARD_DIR, 'vite.config.ts'),
  path.join(DASHBOARD_DIR, 'package.json'),
  ...commonSources(),
  path.join(ROOT, 'proto', 'src'),
  path.join(ROOT, 'proto', 'stratus'),
];

function newestMtime(p) {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(p)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(path.join(p, entry)));
  }
  return newest;
}

/** Why the build must be (re)made, or '' when it is up to date. */
export function buildStaleReason() {
  if (!existsSync(path.join(BUILD_DIR, 'handler.js'))) return 'no build yet';
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(STAMP, 'utf8'));
  } catch {
    return 'build made outside serve.mjs';
  }
  if (stamp.root !== ROOT) return 'build made in another checkout';
  const newest = Math.max(...SOURCES.map(newestMtime));
  if (newest > stamp.builtAt) return 'sources changed since the last build';
  return '';
}

/** Runs `vite build` in the dashboard workspace (output inherited). */
export function build({ log = console.log } = {}) {
  const require = createRequire(path.join(DASHBOARD_DIR, 'package.json'));
  const viteBin = path.join(path.dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
  const startedAt = Date.now();
  log('dashboard: building (vite build)…');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [viteBin, 'build', '--logLevel', 'warn'], { cwd: DASHBOARD_DIR, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`dashboard build failed (exit ${code})`));
      writeFileSync(STAMP, JSON.stringify({ root: ROOT, builtAt: startedAt }));
      log(`dashboard: built in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
      resolve();
    });
  });
}

const LOCK = path.join(DASHBOARD_DIR, '.build.lock');

/** One build at a time per checkout (two processes building at once would clobber .svelte-kit/). */
async function withBuildLock(fn) {
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > 5 * 60_000) rmSync(LOCK, { recursive: true, force: true });
      } catch {
        /* gone meanwhile */
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for another dashboard build (${LOCK})`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

export async function ensureBuilt({ log = console.log, force = false } = {}) {
  if (!force && !buildStaleReason()) return;
  await withBuildLock(async () => {
    const reason = force ? 'forced' : buildStaleReason(); // another process may have built meanwhile
    if (reason) {
      log(`dashboard: ${reason}`);
      await build({ log });
    }
  });
}

/**
 * Starts the dashboard's HTTP server in this process. `port: 0` picks a free port. Environment
 * (STRATUS_CONTROL_ADDRESS, STRATUS_GATEWAY_URL, NATS_URL) is read by the server code on first use.
 */
export async function startDashboard({ port, host, log = console.log, env = {} } = {}) {
  Object.assign(process.env, env);
  await ensureBuilt({ log });
  const listenPort = port ?? Number(process.env.STRATUS_DASHBOARD_PORT ?? 3000);
  const listenHost = host ?? (process.env.STRATUS_HOST || '127.0.0.1');
  // zip uploads arrive as base64 JSON: allow up to 100 MB bodies (adapter-node's default is 512 KB)
  process.env.BODY_SIZE_LIMIT ??= '100M';
  const { handler } = await import(pathToFileURL(path.join(BUILD_DIR, 'handler.js')).href);
  const server = http.createServer((req, res) => handler(req, res, () => {
    res.statusCode = 404;
    res.end('Not found');
  }));
  server.keepAliveTimeout = 65_000;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(listenPort, listenHost, resolve);
  });
  const actual = server.address().port;
  const url = `http://${listenHost.includes(':') ? `[${listenHost}]` : listenHost}:${actual}`;
  return {
    port: actual,
    url,
    close: async () => {
      // the live hub (NATS subscription or the gateway's stream) lives in the built server code
      const hub = globalThis.__stratusLiveHub;
      delete globalThis.__stratusLiveHub;
      await Promise.race([hub?.close?.(), new Promise((r) => setTimeout(r, 3000))]);
      await new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      });
    },
  };
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const args = process.argv.slice(2);
  if (args.includes('--build-only')) {
    await ensureBuilt({ force: args.includes('--force') });
    process.exit(0);
  }
  try {
    const dash = await startDashboard();
    console.log(`dashboard: listening on ${dash.url}`);
    let stopping = false;
    const stop = async (sig) => {
      if (stopping) return;
      stopping = true;
      console.log(`dashboard: ${sig}, stopping`);
      const t = setTimeout(() => process.exit(0), 3000);
      t.unref();
      await dash.close();
      process.exit(0);
    };
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));
  } catch (err) {
    console.error(`dashboard: ${err.message}`);
    process.exit(1);
  }
}
