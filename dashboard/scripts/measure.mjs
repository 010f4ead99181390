#!/usr/bin/env node
// Measures a running dashboard in Chromium: first load of each page on a cold browser cache
// (median of N runs: time to first byte, DOMContentLoaded, load, bytes transferred) and the client
// bundle size of the build (raw and gzip).
//   node dashboard/scripts/measure.mjs http://127.0.0.1:3000 [runs=5] [paths...]
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const base = process.argv[2] ?? 'http://127.0.0.1:3000';
const runs = Number(process.argv[3] ?? 5);
const paths = process.argv.slice(4).length ? process.argv.slice(4) : ['/', '/functions', '/deploy', '/nodes', '/backends', '/logs'];
const chromiumPath = process.env.STRATUS_CHROMIUM_PATH || '/usr/bin/chromium';
const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const browser = await chromium.launch({ executablePath: chromiumPath, args: flags });
const results = {};
for (const p of paths) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.goto(base + p, { waitUntil: 'load' });
    samples.push(
      await page.evaluate(() => {
        const n = performance.getEntriesByType('navigation')[0];
        const res = performance.getEntriesByType('resource');
        return {
          ttfb: n.responseStart,
          dcl: n.domContentLoadedEventEnd,
          load: n.loadEventEnd,
          bytes: n.transferSize + res.reduce((s, r) => s + (r.transferSize || 0), 0),
        };
      }),
    );
    await ctx.close();
  }
  results[p] = Object.fromEntries(['ttfb', 'dcl', 'load', 'bytes'].map((k) => [k, Math.round(median(samples.map((s) => s[k])))]));
}
await browser.close();

const buildDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'build', 'client');
let raw = 0;
let gzip = 0;
let files = 0;
const walk = (d) => {
  for (const e of fs.readdirSync(d, { withFileTypes: true })) {
    const abs = path.join(d, e.name);
    if (e.isDirectory()) walk(abs);
    else if (/\.(js|css)$/.test(e.name)) {
      const buf = fs.readFileSync(abs);
      raw += buf.length;
      gzip += zlib.gzipSync(buf).length;
      files++;
    }
  }
};
if (fs.existsSync(buildDir)) walk(buildDir);
console.log('first load, cold browser cache, median of', runs, 'runs (ms, bytes transferred):');
for (const [p, r] of Object.entries(results)) console.log(`  ${p.padEnd(12)} ttfb ${r.ttfb}  DOMContentLoaded ${r.dcl}  load ${r.load}  ${(r.bytes / 1024).toFixed(0)} KB`);
console.log(`client bundle: ${files} JS/CSS files, ${(raw / 1024).toFixed(0)} KB raw, ${(gzip / 1024).toFixed(0)} KB gzip`);
