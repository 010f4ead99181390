// The dashboard in a real browser (Debian's Chromium through playwright-core) against a real
// platform (test harness: NATS, control plane, one agent with Docker, gateway) and the built
// dashboard server: deploy a Python function through the form, invoke it from the console (result,
// cold flag, logs), watch the overview charts move, edit it (new version), see validation errors
// (a bad handler in the page, a taken name from the server), delete it. Screenshots of every page go
// to test-artifacts/screenshots/, measurements (first load, bundle size) to test-artifacts/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startPlatform, type Platform } from '../../../test/harness/index.ts';
import { ensureBuilt } from '../../scripts/serve.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const DASHBOARD_DIR = path.resolve(here, '../..');
const ROOT = path.resolve(DASHBOARD_DIR, '..');
const ARTIFACTS = path.join(ROOT, 'test-artifacts');
const SHOTS = path.join(ARTIFACTS, 'screenshots');
const CHROMIUM = process.env.STRATUS_CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const skip = fs.existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (npm test's set-up installs it)`;

let platform: Platform | undefined;
let dashboard: ChildProcess | undefined;
let baseUrl = '';
let browser: Browser | undefined;
let page: Page;
const fnName = `e2e-py-${Date.now().toString(36)}`;
const metrics: Record<string, unknown> = {};
/** The dashboard server's and the browser's recent output, for the message of a failed wait. */
const recent = { server: '', browser: [] as string[] };
const remember = (line: string) => {
  recent.browser.push(line);
  if (recent.browser.length > 30) recent.browser.shift();
};

async function startDashboardProcess(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [path.join(DASHBOARD_DIR, 'scripts/serve.mjs')], {
    cwd: ROOT,
    env: { ...process.env, ...env, STRATUS_DASHBOARD_PORT: '0', STRATUS_HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`dashboard did not start:\n${out}`)), 120_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    const keep = (d: Buffer) => { recent.server = (recent.server + d.toString()).slice(-8_000); };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`dashboard exited (${code}):\n${out}`));
    });
  });
  return { child, url };
}

/** Remembers what a page's browser logs as errors and warnings, failed requests and HTTP errors. */
function listen(p: Page): void {
  p.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') remember(`console ${m.type()}: ${m.text()}`); });
  p.on('pageerror', (e) => remember(`page error: ${e.message}`));
  p.on('requestfailed', (r) => remember(`request failed: ${r.method()} ${r.url()} ${r.failure()?.errorText ?? ''}`));
  p.on('response', (r) => { if (r.status() >= 400) remember(`HTTP ${r.status()} ${r.request().method()} ${r.url()}`); });
}

async function shot(name: string, p: Page = page): Promise<void> {
  await p.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

/**
 * A failed wait on page p, made to say what the page showed instead, what the browser logged and
 * what the dashboard server printed; a screenshot goes to test-artifacts/screenshots/FAILED-<name>.png.
 */
async function waitFailure(err: unknown, name: string, p: Page = page): Promise<Error> {
  await shot(`FAILED-${name}`, p).catch(() => undefined);
  const shown = ((await p.textContent('body').catch(() => '')) ?? '').replace(/\s+/g, ' ').slice(0, 1_500);
  return new Error(`${(err as Error).message}\npage ${p.url()} shows: ${shown}\nbrowser: ${recent.browser.join(' | ') || '(nothing)'}\ndashboard server: ${recent.server.slice(-3_000) || '(nothing)'}`);
}

/** Waits for `text` on the page; if it does not come, the failure says why (waitFailure). */
async function expectText(text: string, name: string): Promise<void> {
  try {
    await page.getByText(text).waitFor();
  } catch (err) {
    throw await waitFailure(err, name);
  }
}

/** Replaces a CodeMirror editor's whole text by typing (as a user would). */
async function setEditor(testid: string, text: string): Promise<void> {
  const content = page.locator(`[data-testid="${testid}"] .cm-content`);
  await content.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

async function invokeTimes(n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const r = await platform!.invoke(fnName, { name: `call-${i}` });
    assert.equal(r.status, 200, r.text);
  }
}

before(
  async () => {
    if (skip) return;
    fs.mkdirSync(SHOTS, { recursive: true });
    await ensureBuilt({ log: () => undefined });
    platform = await startPlatform({ backends: ['docker'], config: { prewarmPerRuntime: 1 } });
    const started = await startDashboardProcess({
      STRATUS_CONTROL_ADDRESS: platform.controlAddress,
      STRATUS_GATEWAY_URL: platform.gatewayUrl,
      NATS_URL: platform.natsUrl,
      // the Backends page's button runs this instead of the real (minutes-long) quick benchmark
      STRATUS_BENCH_COMMAND: `"${process.execPath}" -e "for (let i = 1; i <= 3; i++) setTimeout(() => console.log('[' + i + '/3] scenario ' + i), i * 300)"`,
      STRATUS_BENCH_RESULTS: path.join(ARTIFACTS, 'no-bench-results.json'),
    });
    dashboard = started.child;
    baseUrl = started.url;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
    listen(page);
  },
  { timeout: 900_000 },
);

after(
  async () => {
    await browser?.close().catch(() => undefined);
    if (dashboard && dashboard.exitCode === null) {
      const exited = new Promise((r) => dashboard!.once('exit', r));
      dashboard.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (dashboard.exitCode === null) dashboard.kill('SIGKILL');
    }
    await platform?.stop();
    if (Object.keys(metrics).length) fs.writeFileSync(path.join(ARTIFACTS, 'dashboard-metrics.json'), JSON.stringify(metrics, null, 2));
  },
  { timeout: 120_000 },
);

test('the first load of the overview is measured on a cold cache, and the bundle size from the build', { skip }, async () => {
  // the server's first request loads its route modules; a user's first visit usually comes later
  // Chromium drops its requests in flight with net::ERR_NETWORK_CHANGED when the host's network
  // changes, and other test files create Docker bridge networks meanwhile (seen in CI: the page's
  // chunks failed so, and SvelteKit showed its error page). Such a load says nothing of the
  // dashboard: it is measured again on a new cold context, at most twice.
  const measure = async (retries = 2): Promise<Record<string, number>> => {
    const ctx = await browser!.newContext({ viewport: { width: 1440, height: 900 } });
    const p = await ctx.newPage();
    listen(p);
    let networkChanged = false;
    p.on('requestfailed', (r) => { if (r.failure()?.errorText.includes('ERR_NETWORK_CHANGED')) networkChanged = true; });
    await p.goto(baseUrl + '/', { waitUntil: 'load' });
    const nav = await p.evaluate(() => {
      const n = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      const res = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
      return {
        ttfbMs: Math.round(n.responseStart),
        domContentLoadedMs: Math.round(n.domContentLoadedEventEnd),
        loadMs: Math.round(n.loadEventEnd || performance.now()),
        resources: res.length,
        transferredBytes: n.transferSize + res.reduce((s, r) => s + (r.transferSize || 0), 0),
        jsBytesDecoded: res.filter((r) => r.name.endsWith('.js')).reduce((s, r) => s + r.decodedBodySize, 0),
      };
    });
    try {
      await p.locator('[data-testid="stat-rate"]').waitFor({ timeout: networkChanged && retries > 0 ? 5_000 : undefined });
    } catch (err) {
      if (networkChanged && retries > 0) {
        await ctx.close();
        return measure(retries - 1);
      }
      throw await waitFailure(err, 'first-load', p);
    } finally {
      await ctx.close();
    }
    return nav;
  };
  const coldServer = await measure();
  const nav = await measure();
  const files: { file: string; bytes: number; gzip: number }[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, e.name);
      if (e.isDirectory()) walk(abs);
      else if (/\.(js|css)$/.test(e.name)) {
        const buf = fs.readFileSync(abs);
        files.push({ file: path.relative(DASHBOARD_DIR, abs), bytes: buf.length, gzip: zlib.gzipSync(buf).length });
      }
    }
  };
  walk(path.join(DASHBOARD_DIR, 'build/client'));
  const total = files.reduce((s, f) => ({ bytes: s.bytes + f.bytes, gzip: s.gzip + f.gzip }), { bytes: 0, gzip: 0 });
  metrics.firstLoadOverview = nav;
  metrics.firstLoadOverviewColdServer = coldServer;
  metrics.bundle = { files: files.length, totalBytes: total.bytes, totalGzipBytes: total.gzip, largest: files.sort((a, b) => b.bytes - a.bytes).slice(0, 3) };
  console.log(`# first load of / (cold browser cache): ${JSON.stringify(nav)}; the server's very first request: ${JSON.stringify(coldServer)}`);
  console.log(`# client bundle: ${files.length} files, ${total.bytes} bytes, ${total.gzip} gzipped`);
  assert.ok(nav.domContentLoadedMs > 0);
});

test('with no functions the functions page says so and offers to deploy one', { skip }, async () => {
  await page.goto(baseUrl + '/functions');
  await expectText('No functions yet: deploy one', 'functions-empty');
  await shot('functions-empty');
});

test('the deploy form shows a bad handler next to its field before sending anything', { skip }, async () => {
  await page.goto(baseUrl + '/deploy');
  await page.locator('[data-testid="f-name"]').fill(fnName);
  await page.locator('[data-testid="f-handler"]').fill('bad handler');
  await page.locator('[data-testid="submit-fn"]').click();
  const err = page.locator('[data-testid="err-handler"]');
  await err.waitFor();
  assert.match(await err.innerText(), /handler/);
  assert.ok(page.url().endsWith('/deploy'), 'still on the form');
  await shot('deploy-validation');
});

test('a Python function deploys through the form and opens its page', { skip }, async () => {
  await page.locator('[data-testid="f-handler"]').fill('app.handler');
  await page.locator('[data-testid="f-memory"]').fill('128');
  await page.locator('[data-testid="err-handler"]').waitFor({ state: 'detached' });
  await page.locator('[data-testid="submit-fn"]').click();
  await page.waitForURL(`**/functions/${fnName}`, { timeout: 120_000 });
  await page.locator('[data-testid="fn-title"]').getByText('v1').waitFor();
  const config = await page.locator('[data-testid="fn-config"]').innerText();
  assert.match(config, /python3\.11/);
  assert.match(config, /app\.handler/);
  await page.locator('[data-testid="code-viewer"] .cm-content').getByText('def handler').waitFor();
});

test('the invoke console shows the result, status, cold start and the logs of that invocation', { skip }, async () => {
  await setEditor('event-editor', '{"name": "Browser"}');
  await page.locator('[data-testid="invoke-btn"]').click();
  await page.locator('[data-testid="invoke-status"]').waitFor({ timeout: 120_000 });
  assert.equal(await page.locator('[data-testid="invoke-status"]').innerText(), '200');
  assert.match(await page.locator('[data-testid="invoke-response"]').innerText(), /Hello, Browser!/);
  assert.equal(await page.locator('[data-testid="invoke-cold"]').innerText(), 'cold start');
  // where the time went, from Server-Timing: a cold start shows its init and the function's own part
  assert.match(await page.locator('[data-testid="invoke-timing"]').getAttribute('aria-label') ?? '', /init .* ms.*function .*(ms|s)/);
  assert.match(await page.locator('[data-testid="timing-init"]').innerText(), /^init \d/);
  await page.locator('[data-testid="invoke-logs"]').waitFor({ timeout: 60_000 });
  const logs = await page.locator('[data-testid="invoke-logs"]').innerText();
  assert.match(logs, /hello from/);
  assert.match(logs, /REPORT RequestId/);
  // the second call is warm
  await page.locator('[data-testid="invoke-btn"]').click();
  await page.locator('[data-testid="invoke-cold"]').getByText('warm').waitFor({ timeout: 60_000 });
  // invalid JSON cannot be sent
  await setEditor('event-editor', '{"name": ');
  await page.locator('[data-testid="json-error"]').waitFor();
  assert.equal(await page.locator('[data-testid="invoke-btn"]').isDisabled(), true);
  await setEditor('event-editor', '{}');
  // recent invocations list them, and one opens its logs
  await page.locator('[data-testid="inv-row"]').first().waitFor({ timeout: 30_000 });
  await shot('function-detail');
  await page.locator('[data-testid="inv-row"]').first().click();
  await page.locator('[data-testid="drawer-logs"]').waitFor();
  assert.match(await page.locator('[data-testid="drawer-logs"]').innerText(), /START RequestId/);
  await shot('invocation-logs');
  await page.keyboard.press('Escape');
});

test('the overview charts move as invocations happen', { skip }, async () => {
  await page.goto(baseUrl + '/');
  await page.locator('[data-testid="chart-rate"] canvas').waitFor();
  const chartImage = () => page.locator('[data-testid="chart-rate"] canvas').evaluate((c) => (c as HTMLCanvasElement).toDataURL());
  const totalText = () => page.locator('[data-testid="stat-total"] .value').innerText();
  await page.waitForTimeout(1500);
  const before = { image: await chartImage(), total: await totalText() };
  await invokeTimes(8);
  let after = before;
  for (let i = 0; i < 30 && (after.total === before.total || after.image === before.image); i++) {
    await page.waitForTimeout(1000);
    after = { image: await chartImage(), total: await totalText() };
  }
  assert.notEqual(after.total, before.total, 'the invocation count moved');
  assert.notEqual(after.image, before.image, 'the chart was redrawn');
  assert.ok(Number(after.total.replace(/,/g, '')) >= 8, `total ${after.total}`);
  await page.locator('[data-testid="containers"]').waitFor();
  await shot('overview');
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.waitForTimeout(800);
  await shot('overview-dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await page.locator('[data-testid="window-1h"]').click();
  await page.waitForTimeout(1500);
  await shot('overview-1h');
});

test('the functions table lists the function with its traffic, and search filters it', { skip }, async () => {
  await page.goto(baseUrl + '/functions');
  const row = page.locator(`[data-testid="fn-row-${fnName}"]`);
  await row.waitFor();
  assert.match(await row.innerText(), /python3\.11/);
  await shot('functions');
  await page.locator('[data-testid="fn-search"]').fill('no-such-function');
  await page.getByText('No function matches').waitFor();
  await page.locator('[data-testid="fn-search"]').fill('e2e');
  await row.waitFor();
});

test('editing makes a new version; a name already taken is reported by the server on the name field', { skip }, async () => {
  await page.goto(baseUrl + `/functions/${fnName}/edit`);
  await page.locator('[data-testid="f-memory"]').fill('256');
  await page.locator('[data-testid="code-mode-editor"]').click();
  const editor = page.locator('[data-testid="code-editor"] .cm-content');
  await editor.getByText('def handler').waitFor();
  await editor.click();
  await page.keyboard.press('Control+End');
  await page.keyboard.insertText('\n# version two\n');
  await shot('edit');
  await page.locator('[data-testid="submit-fn"]').click();
  await page.waitForURL(`**/functions/${fnName}`);
  await page.locator('[data-testid="fn-title"]').getByText('v2').waitFor();
  assert.match(await page.locator('[data-testid="fn-config"]').innerText(), /256 MB/);
  await page.locator('[data-testid="versions"]').getByText('v1').waitFor();
  await page.locator('[data-testid="code-viewer"] .cm-content').getByText('# version two').waitFor();
  const r = await platform!.invoke(fnName, { name: 'v2' });
  assert.equal(r.status, 200);

  await page.goto(baseUrl + '/deploy');
  await page.locator('[data-testid="f-name"]').fill(fnName);
  await page.locator('[data-testid="submit-fn"]').click();
  const err = page.locator('[data-testid="err-name"]');
  await err.waitFor();
  assert.match(await err.innerText(), /already exists/);
});

test('nodes, backends (with the benchmark button) and the live log tail render', { skip }, async () => {
  await page.goto(baseUrl + '/nodes');
  const node = page.locator(`[data-testid="node-${platform!.agents[0].id}"]`);
  await node.waitFor();
  assert.match(await node.innerText(), /ready/);
  assert.match(await node.innerText(), /docker/);
  await shot('nodes');

  await page.goto(baseUrl + '/backends');
  await page.getByText('No benchmark results yet').waitFor();
  await page.locator('[data-testid="run-bench"]').click();
  await page.locator('[data-testid="bench-job"]').getByText('done').waitFor({ timeout: 30_000 });
  assert.match(await page.locator('[data-testid="bench-job"]').innerText(), /scenario 3/);
  await shot('backends');

  await page.goto(baseUrl + '/logs');
  await invokeTimes(2);
  await page.locator('[data-testid="log-tail"]').getByText('hello from').first().waitFor({ timeout: 30_000 });
  await page.locator('[data-testid="logs-fn"]').fill(fnName);
  await shot('logs');
});

test('deleting asks for confirmation and removes the function', { skip }, async () => {
  await page.goto(baseUrl + `/functions/${fnName}`);
  await page.locator('[data-testid="delete-fn"]').click();
  await page.locator('[data-testid="delete-dialog"]').waitFor();
  assert.equal(await page.locator('[data-testid="delete-confirm"]').isDisabled(), true, 'disabled until the name is typed');
  await page.locator('[data-testid="delete-confirm-input"]').fill(fnName);
  await shot('delete-confirm');
  await page.locator('[data-testid="delete-confirm"]').click();
  await page.waitForURL('**/functions');
  await page.getByText('No functions yet: deploy one').waitFor();
  const r = await platform!.invoke(fnName, {});
  assert.equal(r.status, 404);
});
