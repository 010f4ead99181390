// Several agents: work shared by two agents, and an agent killed with SIGKILL cleaning up after
// itself when it restarts. One body, run once per backend (cluster.test.ts).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPlatform, fixtureFiles, FIXTURES, type Platform } from '../harness/index';

const LONG = { timeout: 240_000 };

export function clusterSuite(backend: string): void {
  describe(`two agents on the ${backend} backend`, { timeout: 1_200_000 }, () => {
    let platform: Platform;
    const deploy = (name: string, extra: Record<string, unknown> = {}) =>
      platform.call<any>('functions', 'CreateFunction', { name, ...FIXTURES['py-sleep'], files: fixtureFiles('py-sleep'), backend, maxConcurrency: 20, ...extra });

    before(async () => {
      // The second agent runs as a child process so the test can SIGKILL it.
      // Several hosts share one PostgreSQL in production: this suite stores there (a fresh database).
      platform = await startPlatform({ backends: [backend], agents: 2, childAgents: [1], storage: (process.env.STRATUS_TEST_STORAGE as 'pglite' | 'postgres' | undefined) ?? 'postgres' });
    });

    after(async () => {
      await platform?.stop();
    });

    test('two agents share the work: containers on both and invocations served by both', LONG, async () => {
      await deploy('shared');
      const calls = await Promise.all(Array.from({ length: 6 }, () => platform.invoke('shared', { seconds: 1 })));
      for (const c of calls) assert.equal(c.status, 200, c.text);
      const servedBy = new Set(calls.map((c) => c.agent));
      assert.deepEqual([...servedBy].sort(), platform.agents.map((a) => a.id).sort());

      // The control plane's view (heartbeats) shows the function's containers on both agents.
      let placedOn = new Set<string>();
      for (let i = 0; i < 50 && placedOn.size < 2; i++) {
        const { nodes } = await platform.call<any>('nodes', 'ListNodes', {});
        placedOn = new Set(nodes.filter((n: any) => n.containers.some((c: any) => c.function === 'shared')).map((n: any) => n.id));
        if (placedOn.size < 2) await new Promise((r) => setTimeout(r, 200));
      }
      assert.equal(placedOn.size, 2);
    });

    test('an agent killed with SIGKILL leaves no containers once it restarts', LONG, async () => {
      const victim = platform.agents[1];
      await deploy('victim-fn');
      await Promise.all(Array.from({ length: 4 }, () => platform.invoke('victim-fn', { seconds: 0.5 })));
      const before = await platform.containers(victim.id);
      assert.ok(before.length > 0, 'the child agent has containers');

      const killedAt = new Date();
      await victim.kill('SIGKILL');
      const orphans = await platform.containers(victim.id);
      assert.ok(orphans.length > 0, 'containers outlive a SIGKILLed agent');
      // The gateway routes around the dead agent before the control plane notices it is gone.
      const meanwhile = await Promise.all(Array.from({ length: 4 }, () => platform.invoke('victim-fn', { seconds: 0 })));
      for (const r of meanwhile) {
        assert.equal(r.status, 200, r.text);
        assert.equal(r.agent, platform.agents[0].id);
      }

      await victim.restart();
      await platform.waitForAgents([victim.id], 300_000, { startedAfter: killedAt });
      const after = await platform.containers(victim.id);
      const survivors = before.filter((id) => after.includes(id));
      assert.deepEqual(survivors, []);

      // and the restarted agent serves again
      const res = await platform.invoke('victim-fn', { seconds: 0 });
      assert.equal(res.status, 200, res.text);
    });
  });
}
