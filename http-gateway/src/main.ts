// Runs the HTTP gateway from the environment (STRATUS_PORT, STRATUS_HOST, STRATUS_CONTROL_ADDRESS, NATS_URL).
import { createLogger, loadConfig } from '@stratus/common';
import { startGateway } from './server';

const logger = createLogger('gateway');
const config = loadConfig();
const gateway = await startGateway(config, { logger });
process.stdout.write(`stratus gateway listening on ${gateway.url}\n`);

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping gateway');
  const force = setTimeout(() => process.exit(1), 10_000);
  force.unref();
  await gateway.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
