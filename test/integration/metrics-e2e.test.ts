// Metrics end to end with real agents (Docker, runc): a known sequence of invocations over HTTP,
// spread over two agents, including handler errors, a timeout and cold starts. The live stream
// delivers an event for each; the roll-ups count them exactly (REST summary); the gateway's and the
// agents' Prometheus endpoints pass promtool and count the same. An agent's metrics can be switched
// off and on while it runs.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { FIXTURES, fixtureFiles, startPlatform, type Platform } from '../harness/index';
import { followLive } from '../../http-gateway/src/live/client';
import { gatewayMetricsOf } from '../../http-gateway/src/metrics/index';

const LONG = { timeout: 300_000 };

async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`${what} not met in time`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('metrics end to end with two real agents', { timeout: 900_000 }, () => {
  let platform: Platform;
  before(async () => {
    platform = await startPlatform({ agents: 2, backends: ['docker'], config: { queueTimeoutMs: 5_000 } });
  });
  after(async () => {
    await platform?.stop();
  });

  it('counts a known sequence with failures, a timeout and cold starts, and streams an event for each', LONG, async () => {
    const deploy = (name: string, fixture: keyof typeof FIXTURES, extra: Record<string, unknown> = {}) =>
      platform.call('functions', 'CreateFunction', { name, ...FIXTURES[fixture], files: fixtureFiles(fixture), backend: 'docker', ...extra });
    await deploy('m-ok', 'py-noop', { maxConcurrency: 4 });
    await deploy('m-raise', 'py-raise');
    await deploy('m-sleep', 'py-sleep', { timeoutSec: 1 });

    const ac = new AbortController();
    const live = new Map<string, { status: string; coldStart: boolean; agentId: string }>();
    const follower = (async () => {
      for await (const b of followLive(platform.gatewayUrl, { types: ['invocation'], signal: ac.signal })) {
        for (const e of b.invocations) live.set(e.id, { status: e.status, coldStart: e.coldStart, agentId: e.agentId });
      }
    })();
    await new Promise((r) => setTimeout(r, 500));

    const began = Date.now();
    const results: { requestId: string; status: number; cold: boolean; agent: string }[] = [];
    const call = async (name: string, event: unknown) => {
      const r = await platform.invoke(name, event);
      results.push({ requestId: r.requestId, status: r.status, cold: r.coldStart, agent: r.agent });
    };
    // 12 successful calls, 4 of them concurrent (more containers, so more cold starts), 3 errors, 1 timeout
    for (let i = 0; i < 8; i++) await call('m-ok', {});
    await Promise.all([0, 1, 2, 3].map(() => call('m-ok', {})));
    for (let i = 0; i < 3; i++) await call('m-raise', { why: `n${i}` });
    await call('m-sleep', { seconds: 3 });

    assert.equal(results.filter((r) => r.status === 200).length, 12);
    assert.equal(results.filter((r) => r.status === 502).length, 3);
    assert.equal(results.filter((r) => r.status === 504).length, 1);
    const colds = results.filter((r) => r.cold).length;
    assert.ok(colds >= 3);

    await waitFor(() => results.every((r) => live.has(r.requestId)), 30_000, 'a live event for every invocation');
    ac.abort();
    await follower;
    for (const r of results) assert.equal(live.get(r.requestId)!.coldStart, r.cold);

    const summary = async (groupBy: string) => (await (await fetch(`${platform.gatewayUrl}/api/v1/metrics/summary?groupBy=${groupBy}`)).json()) as any;
    await waitFor(async () => (await summary('function')).total?.invocations === results.length, 30_000, 'roll-ups caught up');
    const byFn = await summary('function');
    const row = (k: string) => byFn.rows.find((r: any) => r.key === k);
    assert.equal(row('m-ok').invocations, 12);
    assert.equal(row('m-ok').errors, 0);
    assert.equal(row('m-raise').errors, 3);
    assert.equal(row('m-sleep').timeouts, 1);
    assert.equal(byFn.total.coldStarts, colds);
    assert.ok(row('m-ok').p99Ms > 0);
    const byAgent = await summary('agent');
    const agentsSeen = new Set(results.map((r) => r.agent));
    assert.deepEqual(new Set(byAgent.rows.map((r: any) => r.key)), agentsSeen);

    // Each overhead went back to its agent on the invoke stream, so the gateway published none; the
    // agent put it in the record, or (just missed its batch) published it itself.
    const overheadOf = async (id: string) => ((await (await fetch(`${platform.gatewayUrl}/api/v1/invocations/${id}`)).json()) as any).overheadMs ?? 0;
    for (const r of results.filter((x) => x.status === 200)) await waitFor(async () => (await overheadOf(r.requestId)) > 0, 30_000, `overhead of ${r.requestId} stored`);
    assert.deepEqual(gatewayMetricsOf(platform.gateway.app)!.stats(), { queued: 0, published: 0 });
    // the agents record times as epoch ms; stored and served, they are the invocation's own
    const ended = Date.now();
    for (const r of results) {
      const rec = (await (await fetch(`${platform.gatewayUrl}/api/v1/invocations/${r.requestId}`)).json()) as any;
      const [start, end] = [Date.parse(rec.startedAt), Date.parse(rec.endedAt)];
      assert.ok(began <= start && start <= end && end <= ended, `${r.requestId}: ${rec.startedAt} to ${rec.endedAt}`);
    }

    const gw = await (await fetch(`${platform.gatewayUrl}/metrics`)).text();
    execFileSync('promtool', ['check', 'metrics'], { input: gw });
    const gwCount = [...gw.matchAll(/^stratus_gateway_invocations_total\{[^}]*\} (\d+)$/gm)].reduce((a, m) => a + Number(m[1]), 0);
    assert.equal(gwCount, results.length);
  });

  it("switches the agents' metrics off and on while they run (PUT /api/v1/nodes/:id/metrics)", LONG, async () => {
    await platform.call('functions', 'CreateFunction', { name: 'm-switch', ...FIXTURES['py-noop'], files: fixtureFiles('py-noop'), backend: 'docker' });
    const put = (id: string, body: unknown) =>
      fetch(`${platform.gatewayUrl}/api/v1/nodes/${encodeURIComponent(id)}/metrics`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const stored = async (id: string) => (await fetch(`${platform.gatewayUrl}/api/v1/invocations/${id}`)).status;

    // bad input: a clear 4xx, nothing switched
    const bad = await put(platform.agents[0].id, { enabled: 'no' });
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as any).error.code, 'INVALID_ARGUMENT');
    const unknown = await put('no-such-agent', { enabled: false });
    assert.equal(unknown.status, 404);
    assert.equal(((await unknown.json()) as any).error.code, 'NOT_FOUND');

    for (const a of platform.agents) {
      const r = await put(a.id, { enabled: false });
      assert.equal(r.status, 200);
      assert.deepEqual(await r.json(), { id: a.id, enabled: false });
    }
    const off: string[] = [];
    for (let i = 0; i < 6; i++) off.push((await platform.invoke('m-switch', {})).requestId);
    // back on with the CLI (the same call through the gateway)
    for (const a of platform.agents) {
      const r = await platform.cli(['metrics', a.id, 'on']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, `metrics on on ${a.id}\n`);
    }
    const usage = await platform.cli(['metrics', platform.agents[0].id, 'maybe']);
    assert.equal(usage.code, 2);
    const missing = await platform.cli(['metrics', 'no-such-agent', 'off']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /NOT_FOUND: no agent "no-such-agent"/);
    const on: string[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await platform.invoke('m-switch', {});
      assert.equal(r.status, 200);
      on.push(r.requestId);
    }
    // the records after the switch back are stored; those made while it was off were never published
    for (const id of on) await waitFor(async () => (await stored(id)) === 200, 30_000, `record ${id} stored`);
    for (const id of off) assert.equal(await stored(id), 404, `${id}: made with metrics off, yet stored`);
    // their overheads were dropped at the gateway, not published in place of the agents
    assert.deepEqual(gatewayMetricsOf(platform.gateway.app)!.stats(), { queued: 0, published: 0 });
  });
});
