// A control plane (PGlite, no NATS) and one agent in this process, for the measurement tools: each
// tool deploys no-op functions through `functions` and calls the agent's gRPC port through `invoke`.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import * as grpc from '@grpc/grpc-js';
import { call, createClient, type Logger, loadConfig, type StratusConfig } from '@stratus/common';
import { proto, type FunctionServiceClient, type InvocationServiceClient, type InvokeResponse } from '@stratus/proto';
import { startControlPlane } from '../../../control-plane/src/server';
import { startAgent } from '../server';

type Ctor<T> = new (...a: ConstructorParameters<typeof grpc.Client>) => T;

export async function startLocalPlatform(name: string, backends: string[], logger: Logger, prewarmPerRuntime = 2) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `stratus-${name}-`));
  const label = `stratus-${name}-${randomUUID().slice(0, 6)}`;
  const base = loadConfig({ host: '127.0.0.1', controlPort: 0, dataDir: path.join(tmp, 'control'), databaseUrl: undefined, containerLabel: label, backends, defaultBackend: backends[0], prewarmPerRuntime, memoryBudgetMb: 8192, agentMetricsPort: 0, metricsEnabled: false } as Partial<StratusConfig>);
  const control = await startControlPlane(base, { logger, nats: null, metrics: false });
  base.controlAddress = `127.0.0.1:${control.port}`;
  const agent = await startAgent({ ...base, agentId: `${label}-a`, agentPort: 0, agentAdvertiseAddress: '', functionNetwork: `${label}-net`, dataDir: path.join(tmp, 'agent') }, { logger, telemetry: null, buildImages: false, runtimes: ['python3.11', 'nodejs20.x'] });
  const functions = createClient(proto.FunctionService as unknown as Ctor<FunctionServiceClient>, base.controlAddress);
  const inv = createClient(proto.InvocationService as unknown as Ctor<InvocationServiceClient>, `127.0.0.1:${agent.port}`);
  return {
    agent,
    functions,
    invoke: (fn: string) => call<object, InvokeResponse>(inv, inv.Invoke, { function: fn, payload: Buffer.from('{}') }),
    async close(): Promise<void> {
      functions.close();
      inv.close();
      await agent.close();
      await control.close();
      try { execFileSync('docker', ['network', 'rm', `${label}-net`], { stdio: 'ignore' }); } catch { /* gone */ }
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}
