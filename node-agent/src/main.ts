// The node agent process: configuration from the environment, then startAgent. SIGTERM/SIGINT stop
// taking work, let running invocations finish (bounded) and remove this agent's containers.
import { createLogger, loadConfig } from '@stratus/common';
import { startAgent } from './server';

const config = loadConfig();
const logger = createLogger('node-agent', { agentId: config.agentId });

const agent = await startAgent(config, { logger }).catch((err) => {
  logger.fatal({ err }, 'node agent failed to start');
  process.exit(1);
});
// eslint-disable-next-line no-console
console.log(`stratus node agent ${agent.id} listening on ${config.host}:${agent.port}`);

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping: finishing running invocations, removing containers');
  const hard = setTimeout(() => process.exit(1), 30_000);
  hard.unref();
  await agent.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
