// `npm run bench` (through scripts/bootstrap.mjs): the same set-up as `npm start` (Docker engine,
// gVisor, runtime images, NATS), then the benchmark itself, whose work is in bench/src.
import { runSetup } from './setup';
import { main } from '../bench/src/main.ts';

const args = process.argv.slice(2);
let code = 0;
if (args.includes('--help') || args.includes('-h')) {
  code = await main(args);
} else {
  const setup = await runSetup({ role: 'all' });
  if (setup.nats) process.env.NATS_URL = setup.nats.url;
  if (!setup.gvisor.available) process.env.STRATUS_BENCH_GVISOR_UNAVAILABLE = setup.gvisor.reason ?? 'gVisor is not set up';
  try {
    code = await main(args);
  } finally {
    if (setup.nats?.source === 'started') await setup.nats.stop();
  }
}
process.exitCode = code;
