// GET /healthz: the gateway, the control plane, every agent (each backend available or not, with the
// reason), NATS and Docker. 200 when the core parts are up (control plane, NATS, at least one agent
// with an available backend), else 503; the body always has the details.
import http from 'node:http';
import fs from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import type { FastifyInstance } from 'fastify';
import type { NodeStatus } from '@stratus/proto';
import type { NatsConnection } from 'nats';
import { AgentClients } from '../admin/agent-clients';
import { unaryCall, type ControlClients } from '../admin/control-clients';
import type { ClusterView } from '../placement/cluster-view';

export interface HealthDeps {
  control: ControlClients;
  view: ClusterView;
  nats: () => NatsConnection | undefined;
  dockerSocket?: string;
  timeoutMs?: number;
}

interface Part {
  status: 'up' | 'down' | 'degraded' | 'unknown';
  [k: string]: unknown;
}

function pingDocker(socketPath: string, timeoutMs: number): Promise<Part> {
  if (!fs.existsSync(socketPath)) return Promise.resolve({ status: 'unknown', reason: `no Docker socket at ${socketPath} on the gateway's host` });
  return new Promise((resolve) => {
    const req = http.request({ socketPath, path: '/_ping', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200 ? { status: 'up' } : { status: 'down', reason: `engine answered ${res.statusCode}` });
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (err) => resolve({ status: 'down', reason: err.message }));
    req.end();
  });
}

async function pingNats(nc: NatsConnection | undefined, timeoutMs: number): Promise<Part> {
  if (!nc) return { status: 'down', reason: 'not connected' };
  if (nc.isClosed()) return { status: 'down', reason: 'connection closed' };
  try {
    await Promise.race([nc.flush(), new Promise((_r, reject) => setTimeout(() => reject(new Error('no answer')), timeoutMs).unref())]);
    return { status: 'up', server: nc.getServer() };
  } catch (err) {
    return { status: 'down', reason: (err as Error).message };
  }
}

export function registerHealthRoutes(app: FastifyInstance, deps: HealthDeps): void {
  const timeoutMs = deps.timeoutMs ?? 1_500;
  const agentClients = new AgentClients();
  app.addHook('onClose', async () => agentClients.close());

  app.get('/healthz', async (_req, reply) => {
    const controlP = unaryCall<{ nodes: NodeStatus[] }>(deps.control.nodes, 'ListNodes', {}, timeoutMs).then(
      (res) => ({ part: { status: 'up', address: deps.control.address, watch: deps.view.connected ? 'connected' : 'reconnecting' } as Part, nodes: res.nodes }),
      (err: grpc.ServiceError) => ({ part: { status: 'down', address: deps.control.address, reason: err.details || err.message } as Part, nodes: undefined }),
    );
    const [control, natsPart, dockerPart] = await Promise.all([
      controlP,
      pingNats(deps.nats(), timeoutMs),
      pingDocker(deps.dockerSocket ?? '/var/run/docker.sock', timeoutMs),
    ]);
    // The control plane's list when it answers, else the gateway's cached view (agents may still serve).
    const nodes = control.nodes ?? [...deps.view.nodes.values()];
    const agents = await Promise.all(nodes.map(async (node) => {
      try {
        const status = await unaryCall<NodeStatus>(agentClients.get(node), 'GetStatus', {}, timeoutMs);
        const backends = Object.fromEntries(status.backends.map((b) => [b.name, b.available ? { available: true } : { available: false, reason: b.reason }]));
        const anyUp = status.backends.some((b) => b.available);
        return {
          id: node.id, address: node.address, status: anyUp ? 'up' : 'degraded', state: node.state || 'ready', backends,
          memoryBudgetMb: status.memoryBudgetMb, memoryUsedMb: status.memoryUsedMb, running: status.running,
          containers: status.containers.length,
        };
      } catch (err) {
        const e = err as grpc.ServiceError;
        const backends = Object.fromEntries(node.backends.map((b) => [b.name, { available: false, reason: `agent unreachable (last reported: ${b.available ? 'available' : b.reason || 'unavailable'})` }]));
        return { id: node.id, address: node.address, status: 'down', state: node.state || 'lost', reason: e.details || e.message, backends };
      }
    }));
    const agentsUp = agents.filter((a) => a.status === 'up').length;
    // Docker as the agents see it counts when the gateway's host has no engine of its own.
    const docker: Part = dockerPart.status === 'unknown' && agents.some((a) => (a.backends as Record<string, { available: boolean }>).docker?.available)
      ? { status: 'up', via: 'agents' }
      : dockerPart;
    const ok = control.part.status === 'up' && natsPart.status === 'up' && agentsUp > 0;
    const body = {
      status: ok ? 'ok' : 'degraded',
      gateway: { status: 'up', uptimeSec: Math.round(process.uptime()), cachedFunctions: deps.view.functions.size, cachedNodes: deps.view.nodes.size },
      controlPlane: control.part,
      agents: { status: agentsUp > 0 ? 'up' : 'down', up: agentsUp, total: agents.length, nodes: agents },
      nats: natsPart,
      docker,
    };
    return reply.code(ok ? 200 : 503).send(body);
  });
}
