// `tsx control-plane/src/main.ts`: the control plane as a process (config from the environment).
import { createLogger, loadConfig } from '@stratus/common';
import { startControlPlane } from './server';

const logger = createLogger('control-plane');
const config = loadConfig();

try {
  const cp = await startControlPlane(config, { logger });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    cp.close().then(
      () => process.exit(0),
      (err) => {
        logger.error({ err }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
} catch (err) {
  logger.fatal({ err }, 'control plane failed to start');
  process.exit(1);
}
