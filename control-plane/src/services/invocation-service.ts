// InvocationService on the control plane: the stored invocation records (GetInvocation,
// ListInvocations) and Invoke forwarded to an agent (the agents serve Invoke themselves).
import { StratusError, unary } from '@stratus/common';
import type { InvocationServiceHandlers } from '@stratus/proto';
import type { InvokeForwarder } from '../invoke/forwarder';
import type { InvocationStore } from '../store/invocations-repo';

export function makeInvocationService(deps: { invocations: InvocationStore; forwarder: InvokeForwarder }): InvocationServiceHandlers {
  const { invocations, forwarder } = deps;
  return {
    Invoke: unary(async (req) => forwarder.invoke(req)),

    // Each request forwarded on its own; answers carry request_id. Platform errors become an
    // answer with the matching status (a stream cannot fail one request alone).
    InvokeStream: (call) => {
      let inflight = 0;
      let ended = false;
      const settle = () => {
        inflight--;
        if (ended && inflight === 0) call.end();
      };
      call.on('end', () => {
        ended = true;
        if (inflight === 0) call.end();
      });
      call.on('data', (req) => {
        inflight++;
        forwarder.invoke(req).then(
          (res) => call.write(res),
          (err) => {
            const e = err instanceof StratusError ? err : new StratusError('INTERNAL', String((err as Error)?.message ?? err));
            const status = { NOT_FOUND: 'not_found', FUNCTION_NOT_FOUND: 'not_found', INVALID_ARGUMENT: 'invalid', THROTTLED: 'throttled', PAYLOAD_TOO_LARGE: 'too_large' }[e.code as string] ?? 'unavailable';
            call.write({ requestId: req.requestId, status, errorType: e.code, errorMessage: e.message, function: req.function, retryAfterSec: e.retryAfterSec ?? 0 });
          },
        ).finally(settle);
      });
    },

    GetInvocation: unary(async (req) => {
      if (!req.id) throw new StratusError('INVALID_ARGUMENT', 'id: is required', { field: 'id' });
      return invocations.get(req.id);
    }),

    ListInvocations: unary(async (req) => ({
      invocations: await invocations.list({
        function: req.function, status: req.status, from: req.from, to: req.to, limit: req.limit,
        search: req.search, requestId: req.requestId, agentId: req.agentId, backend: req.backend,
      }),
    })),
  };
}
