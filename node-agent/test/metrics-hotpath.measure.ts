// Measurement (not part of `npm test`): what recordInvocation costs the invocation path, and how fast
// the pump drains to JetStream, against a private nats-server.
//   node --import tsx node-agent/test/metrics-hotpath.measure.ts
import { createLogger, loadConfig } from '@stratus/common';
import { startTestNatsServer } from '@stratus/common/testing/nats-server.ts';
import { makeInvocationEvent } from '@stratus/common/testing/invocation-events.ts';
import { createAgentTelemetry } from '../src/metrics/index';

const logger = createLogger('measure');
logger.level = 'warn';
const nats = await startTestNatsServer();
const gauges = () => ({ containers: [], memoryUsedMb: 0, memoryBudgetMb: 1, queued: 0, running: 0, hostCpuPercent: 0, hostMemoryUsedMb: 0, hostMemoryTotalMb: 1 });
try {
  // 'ms': times as epoch ms, as the invoker records them; 'iso': as ISO strings, as it did before
  for (const [enabled, times] of [[false, 'ms'], [true, 'ms'], [false, 'iso'], [true, 'iso']] as const) {
    const t = await createAgentTelemetry({ config: loadConfig({ natsUrl: nats.url, agentMetricsPort: 0, metricsEnabled: enabled }), agentId: 'm', logger, sampleGauges: gauges });
    await new Promise((r) => setTimeout(r, 300));
    const n = 50_000;
    const started = Date.now();
    const records = Array.from({ length: n }, (_, i) => ({ ...makeInvocationEvent({ function: `f${i % 20}`, logs: 'hello\n', logsBare: true, coldStart: i % 50 === 0 }), startedAt: started + i, endedAt: started + i + 1 }));
    const t0 = performance.now();
    // the invoker's own work for the record's times is part of it
    if (times === 'ms') for (const r of records) t.recordInvocation({ ...r, startedAt: r.startedAt, endedAt: Date.now() });
    else for (const r of records) t.recordInvocation({ ...r, startedAt: new Date(r.startedAt).toISOString(), endedAt: new Date().toISOString() });
    const perCall = ((performance.now() - t0) * 1000) / n;
    const t1 = performance.now();
    if (enabled) while (t.stats().held > 0) await new Promise((r) => setTimeout(r, 5));
    const drainMs = performance.now() - t1;
    console.log(`metrics ${enabled ? 'on ' : 'off'}, times as ${times.padEnd(3)}: recordInvocation ${perCall.toFixed(2)} µs per call (Prometheus${enabled ? ' + batch + encoding' : ' only'})` + (enabled ? `; ${n} records acked by JetStream in ${(drainMs / 1000).toFixed(2)} s (${Math.round(n / ((perCall * n) / 1e6 + drainMs / 1000))}/s)` : ''));
    await t.close();
  }
} finally {
  await nats.dispose();
}
