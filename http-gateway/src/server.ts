// The gateway's composition root: the control plane's clients, the cluster view from Watch, the
// invocation path over agents' InvokeStreams, the admin REST API, /healthz, and helper modules
// (metrics, live stream) when they are present.
import fs from 'node:fs';
import os from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { connect, type NatsConnection } from 'nats';
import { createLogger, type Logger, type StratusConfig } from '@stratus/common';
import { createControlClients, type ControlClients } from './admin/control-clients';
import { registerAdminRoutes } from './admin/routes';
import { registerHealthRoutes } from './health/routes';
import { registerInvokeRoutes } from './invoke/routes';
import { Invoker } from './invoke/invoker';
import { ClusterView } from './placement/cluster-view';
import { sendError } from './http-errors';

export interface GatewayDeps {
  logger?: Logger;
  control?: ControlClients;
  /** An open NATS connection to use (not closed by the gateway); null: run without NATS. */
  nats?: NatsConnection | null;
  /** How long start waits for the control plane's first snapshot before serving anyway. */
  snapshotWaitMs?: number;
}

export interface Gateway {
  port: number;
  host: string;
  url: string;
  app: FastifyInstance;
  view: ClusterView;
  invoker: Invoker;
  control: ControlClients;
  close(): Promise<void>;
}

const here = path.dirname(fileURLToPath(import.meta.url));

/** Loads an optional module of this package (written by another helper) if its file exists. */
async function optionalModule<T>(relative: string): Promise<T | undefined> {
  const file = path.join(here, relative);
  if (!fs.existsSync(file)) return undefined;
  return (await import(pathToFileURL(file).href)) as T;
}

async function connectNats(url: string, logger: Logger): Promise<NatsConnection | undefined> {
  try {
    return await connect({ servers: url, reconnect: true, maxReconnectAttempts: -1, reconnectTimeWait: 1_000, timeout: 2_000, name: 'stratus-gateway' });
  } catch (err) {
    logger.warn({ err: (err as Error).message, url }, 'NATS is not reachable; retrying in the background');
    return undefined;
  }
}

export async function startGateway(config: StratusConfig, deps: GatewayDeps = {}): Promise<Gateway> {
  const logger = deps.logger ?? createLogger('gateway');
  const control = deps.control ?? createControlClients(config.controlAddress);
  const ownsControl = !deps.control;

  const view = new ClusterView({ client: control.nodes, subscriber: `gateway:${os.hostname()}:${process.pid}`, logger });
  view.start();

  let nc: NatsConnection | undefined = deps.nats ?? undefined;
  let natsRetry: NodeJS.Timeout | undefined;
  let closing = false;
  const ownsNats = deps.nats === undefined;
  if (ownsNats) {
    nc = await connectNats(config.natsUrl, logger);
    const retry = () => {
      natsRetry = setTimeout(async () => {
        if (closing || nc) return;
        nc = await connectNats(config.natsUrl, logger);
        if (!nc) retry();
      }, 5_000);
      natsRetry.unref();
    };
    if (!nc) retry();
  }

  const invoker = new Invoker(view, { logger, queueTimeoutMs: config.queueTimeoutMs });
  const app = Fastify({ logger: false, keepAliveTimeout: 75_000, return503OnClosing: true });
  app.setErrorHandler((err, _req, reply) => sendError(reply, err, logger));
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: { code: 'NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` } }));

  registerInvokeRoutes(app, { invoker, logger });
  registerAdminRoutes(app, { control, logger });
  registerHealthRoutes(app, { control, view, nats: () => nc });

  const helperDeps = { config, logger, control, controlClient: control, nats: nc, getNats: () => nc, view, invoker };
  const metrics = await optionalModule<{ registerMetricsRoutes?: (app: FastifyInstance, deps: unknown) => unknown }>('metrics/index.ts');
  const metricsHandle = metrics?.registerMetricsRoutes ? ((await metrics.registerMetricsRoutes(app, helperDeps)) as { close?: () => Promise<void> } | undefined) : undefined;
  const live = await optionalModule<{ registerLiveRoutes?: (app: FastifyInstance, deps: unknown) => unknown }>('live/index.ts');
  if (live?.registerLiveRoutes) await live.registerLiveRoutes(app, helperDeps);

  await view.waitForSnapshot(deps.snapshotWaitMs ?? 2_000);
  await app.listen({ host: config.host, port: config.gatewayPort });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.gatewayPort;
  const urlHost = config.host.includes(':') ? `[${config.host}]` : config.host;
  logger.info({ host: config.host, port, control: config.controlAddress }, 'gateway listening');

  return {
    port, host: config.host, url: `http://${urlHost === '0.0.0.0' ? '127.0.0.1' : urlHost}:${port}`, app, view, invoker, control,
    async close() {
      closing = true;
      if (natsRetry) clearTimeout(natsRetry);
      await app.close();
      await metricsHandle?.close?.().catch((err) => logger.warn({ err }, 'closing gateway metrics failed'));
      view.close();
      invoker.close();
      if (ownsControl) control.close();
      if (ownsNats && nc) await nc.close().catch(() => undefined);
    },
  };
}
