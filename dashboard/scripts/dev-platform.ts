// Development helper: starts a whole platform with the test harness (own NATS, PGlite control plane,
// one agent, gateway) and the built dashboard against it, and keeps them until Ctrl-C.
//   node --import tsx dashboard/scripts/dev-platform.ts [--port 3000]
import { startPlatform } from '../../test/harness/index.ts';
import { ensureBuilt, startDashboard } from './serve.mjs';

const portArg = process.argv.indexOf('--port');
const port = portArg > 0 ? Number(process.argv[portArg + 1]) : 3000;
await ensureBuilt();
const platform = await startPlatform({ backends: (process.env.STRATUS_TEST_BACKENDS ?? 'docker').split(','), config: { prewarmPerRuntime: 1 } });
console.log(`platform: gateway ${platform.gatewayUrl}, control ${platform.controlAddress}, nats ${platform.natsUrl}`);
let dash: Awaited<ReturnType<typeof startDashboard>>;
try {
  dash = await startDashboard({
    port,
    env: { STRATUS_CONTROL_ADDRESS: platform.controlAddress, STRATUS_GATEWAY_URL: platform.gatewayUrl, NATS_URL: platform.natsUrl },
  });
} catch (err) {
  console.error(err);
  await platform.stop();
  process.exit(1);
}
console.log(`dashboard: ${dash.url}`);
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  console.log('stopping: dashboard');
  await dash.close();
  console.log('stopping: platform');
  await platform.stop();
  console.log('stopped');
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
