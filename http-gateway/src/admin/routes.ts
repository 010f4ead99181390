// The admin REST API: a thin mapping of the control plane's gRPC calls, bodies in the proto3 JSON
// mapping of the same messages. Errors come back as {"error": {code, message, field?}}.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { StratusError, LIMITS } from '@stratus/common';
import type { NodeStatus } from '@stratus/proto';
import { AgentClients } from './agent-clients';
import { unaryCall, type ControlClients } from './control-clients';
import { decodeJsonBody, encodeJson } from './json-mapping';
import { errorHandler } from '../http-errors';
import type { Logger } from '@stratus/common';

/** Large enough for a 50 MB zip in base64 (Lambda's direct-upload limit) with room to spare. */
export const ADMIN_BODY_LIMIT = 80 * 1024 * 1024;

type Params = { name?: string; id?: string };
type Query = Record<string, string | undefined>;

function checkName(name: string | undefined): string {
  if (!name || !LIMITS.namePattern.test(name)) {
    throw new StratusError('INVALID_ARGUMENT', `name: "${(name ?? '').slice(0, 80)}" does not match ${LIMITS.namePattern}`, { field: 'name' });
  }
  return name;
}

function intParam(query: Query, field: string): number | undefined {
  const raw = query[field];
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw)) throw new StratusError('INVALID_ARGUMENT', `${field}: must be a non-negative integer, got "${raw.slice(0, 20)}"`, { field });
  return Number(raw);
}

export function registerAdminRoutes(app: FastifyInstance, deps: { control: ControlClients; logger: Logger }): void {
  const { control } = deps;
  const send = (reply: FastifyReply, code: number, value: unknown) => reply.code(code).type('application/json').send(encodeJson(value));
  const agents = new AgentClients();
  app.addHook('onClose', async () => agents.close());

  app.register(async (scope) => {
    scope.setErrorHandler(errorHandler(deps.logger));
    // JSON bodies, where an empty body is no body (DELETE or GET sent with a JSON content type by
    // clients that always set it); malformed JSON is a 400 INVALID_JSON via the error handler.
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
      const text = (body as string).trim();
      if (text === '') return done(null, undefined);
      try {
        done(null, JSON.parse(text));
      } catch (err) {
        done(err as Error, undefined);
      }
    });
    const opts = { bodyLimit: ADMIN_BODY_LIMIT };

    scope.post('/api/v1/functions', opts, async (req, reply) => {
      const request = decodeJsonBody<Record<string, unknown>>('stratus.v1.CreateFunctionRequest', req.body);
      const fn = await unaryCall(control.functions, 'CreateFunction', request, 120_000);
      return send(reply, 201, fn);
    });

    scope.put('/api/v1/functions/:name', opts, async (req: FastifyRequest<{ Params: Params }>, reply) => {
      const name = checkName(req.params.name);
      const request = decodeJsonBody<Record<string, unknown>>('stratus.v1.UpdateFunctionRequest', req.body);
      if (request.name !== undefined && request.name !== name) {
        throw new StratusError('INVALID_ARGUMENT', `name: the body names "${String(request.name)}" but the path names "${name}"`, { field: 'name' });
      }
      const fn = await unaryCall(control.functions, 'UpdateFunction', { ...request, name }, 120_000);
      return send(reply, 200, fn);
    });

    scope.get('/api/v1/functions', async (req: FastifyRequest<{ Querystring: Query }>, reply) => {
      const res = await unaryCall(control.functions, 'ListFunctions', { prefix: req.query.prefix ?? '' });
      return send(reply, 200, res);
    });

    scope.get('/api/v1/functions/:name', async (req: FastifyRequest<{ Params: Params; Querystring: Query }>, reply) => {
      const name = checkName(req.params.name);
      const fn = await unaryCall(control.functions, 'GetFunction', { name, version: intParam(req.query, 'version') ?? 0 });
      return send(reply, 200, fn);
    });

    scope.delete('/api/v1/functions/:name', async (req: FastifyRequest<{ Params: Params }>, reply) => {
      const name = checkName(req.params.name);
      const res = await unaryCall(control.functions, 'DeleteFunction', { name });
      return send(reply, 200, res);
    });

    scope.get('/api/v1/functions/:name/versions', async (req: FastifyRequest<{ Params: Params }>, reply) => {
      const name = checkName(req.params.name);
      return send(reply, 200, await unaryCall(control.functions, 'ListVersions', { name }));
    });

    scope.get('/api/v1/functions/:name/code', async (req: FastifyRequest<{ Params: Params; Querystring: Query }>, reply) => {
      const name = checkName(req.params.name);
      return send(reply, 200, await unaryCall(control.functions, 'GetFunctionCode', { name, version: intParam(req.query, 'version') ?? 0 }));
    });

    scope.get('/api/v1/functions/:name/invocations', async (req: FastifyRequest<{ Params: Params; Querystring: Query }>, reply) => {
      const name = checkName(req.params.name);
      return send(reply, 200, await unaryCall(control.invocations, 'ListInvocations', listRequest({ ...req.query, function: name })));
    });

    scope.get('/api/v1/invocations', async (req: FastifyRequest<{ Querystring: Query }>, reply) => {
      return send(reply, 200, await unaryCall(control.invocations, 'ListInvocations', listRequest(req.query)));
    });

    scope.get('/api/v1/invocations/:id', async (req: FastifyRequest<{ Params: Params }>, reply) => {
      return send(reply, 200, await unaryCall(control.invocations, 'GetInvocation', { id: req.params.id ?? '' }));
    });

    scope.get('/api/v1/nodes', async (_req, reply) => send(reply, 200, await unaryCall(control.nodes, 'ListNodes', {})));

    // Switches an agent's publishing of invocation records and gauges (AgentService.SetMetrics).
    scope.put('/api/v1/nodes/:id/metrics', async (req: FastifyRequest<{ Params: Params }>, reply) => {
      const id = req.params.id ?? '';
      const enabled = (req.body as { enabled?: unknown } | undefined)?.enabled;
      if (typeof enabled !== 'boolean') {
        throw new StratusError('INVALID_ARGUMENT', 'enabled: the body must be {"enabled": true} or {"enabled": false}', { field: 'enabled' });
      }
      const { nodes } = await unaryCall<{ nodes: NodeStatus[] }>(control.nodes, 'ListNodes', {});
      const node = nodes.find((n) => n.id === id);
      if (!node) throw new StratusError('NOT_FOUND', `no agent "${id.slice(0, 80)}" is registered with the control plane`);
      const res = await unaryCall<{ enabled: boolean }>(agents.get(node), 'SetMetrics', { enabled });
      return send(reply, 200, { id, enabled: res.enabled });
    });
    scope.get('/api/v1/pool', async (_req, reply) => send(reply, 200, await unaryCall(control.pool, 'GetPool', {})));
  });
}

const LIST_FIELDS = ['function', 'status', 'from', 'to', 'search', 'requestId', 'agentId', 'backend'] as const;

function listRequest(query: Query): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of LIST_FIELDS) {
    const v = query[f] ?? query[f.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)];
    if (v !== undefined) out[f] = v;
  }
  const limit = intParam(query, 'limit');
  if (limit !== undefined) out.limit = limit;
  return out;
}
