#!/usr/bin/env node
// Entry point of `npm start`, `npm test`, `npm run bench` and `npm run setup`. Plain JavaScript
// because it runs before dependencies exist: installs them when node_modules is missing or older
// than package-lock.json, then runs scripts/<command>.ts with tsx, forwarding arguments, signals and
// the exit code.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [command, ...args] = process.argv.slice(2);
const script = command && path.join(root, 'scripts', `${command}.ts`);
if (!script || !fs.existsSync(script)) {
  console.error(`usage: node scripts/bootstrap.mjs <start|test|bench|setup> [args...]${command ? `\n(no scripts/${command}.ts)` : ''}`);
  process.exit(2);
}

const [major] = process.versions.node.split('.').map(Number);
if (major < 20) {
  console.error(`Stratus needs Node.js 20 or newer; this is ${process.version}.`);
  process.exit(1);
}

function mtime(p) {
  try {
    return fs.statSync(p).mtimeMs;
  } catch {
    return undefined;
  }
}

function dependenciesStale() {
  const lock = mtime(path.join(root, 'package-lock.json'));
  // npm writes node_modules/.package-lock.json at the end of every install.
  const installed = mtime(path.join(root, 'node_modules', '.package-lock.json'));
  if (installed === undefined || !fs.existsSync(path.join(root, 'node_modules', 'tsx'))) return 'node_modules is missing';
  if (lock !== undefined && lock > installed + 1000) return 'package-lock.json is newer than node_modules';
  return undefined;
}

const stale = dependenciesStale();
if (stale) {
  const hasLock = fs.existsSync(path.join(root, 'package-lock.json'));
  const npmArgs = [hasLock ? 'ci' : 'install', '--no-audit', '--no-fund'];
  console.log(`› ${stale}: npm ${npmArgs.join(' ')} (about a minute on first run)`);
  const started = Date.now();
  let res = spawnSync('npm', npmArgs, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (!res.error && res.status !== 0 && npmArgs[0] === 'ci') {
    // Usually package.json and package-lock.json disagree (a dependency added without the lock):
    // `npm install` reconciles them rather than leaving the checkout unusable.
    console.log('› npm ci failed; trying npm install');
    res = spawnSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  }
  if (res.error || res.status !== 0) {
    console.error(`installing dependencies failed${res.error ? `: ${res.error.message}` : ` with exit code ${res.status}`}`);
    process.exit(res.status || 1);
  }
  console.log(`› dependencies installed in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}

// `node --import tsx` runs the script in this one child (no extra tsx supervisor process), so
// signals reach it directly.
const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: root, stdio: 'inherit' });

const forwarded = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];
for (const sig of forwarded) {
  process.on(sig, () => {
    // Ctrl-C reaches the whole foreground process group, the child included; forwarding again
    // is harmless because the scripts treat repeated signals as one.
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
  });
}

// `kill <npm pid>` ends npm and its `sh -c` without passing the signal on, orphaning this process:
// treat losing the parent as SIGTERM so the components still stop cleanly.
const parent = process.ppid;
const parentWatch = setInterval(() => {
  if (process.ppid !== parent && child.exitCode === null && child.signalCode === null) {
    clearInterval(parentWatch);
    child.kill('SIGTERM');
  }
}, 1000);
parentWatch.unref();

child.on('error', (err) => {
  console.error(`could not run ${script}: ${err.message}`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  if (signal) {
    for (const sig of forwarded) process.removeAllListeners(sig);
    process.kill(process.pid, signal);
    return;
  }
  process.exit(code ?? 1);
});
