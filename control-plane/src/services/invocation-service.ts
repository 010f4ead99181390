// InvocationService on the control plane: the stored invocation records (GetInvocation,
// ListInvocations) and Invoke forwarded to an agent (the agents serve Invoke themselves).
import { createTurnBatcher, StratusError, unary } from '@stratus/common';
import type { InvocationServiceHandlers, InvokeRequest, InvokeResponseInput } from '@stratus/proto';
import type { InvokeForwarder } from '../invoke/forwarder';
import type { InvocationStore } from '../store/invocations-repo';

export function makeInvocationService(deps: { invocations: InvocationStore; forwarder: InvokeForwarder }): InvocationServiceHandlers {
  const { invocations, forwarder } = deps;
  return {
    Invoke: unary(async (req) => forwarder.invoke(req)),

    // Each request forwarded on its own; answers carry request_id. Platform errors become an
    // answer with the matching status (a stream cannot fail one request alone).
    InvokeStream: (call) => {
      const forward = forwardOnStream(forwarder, call, (res) => call.write(res));
      call.on('data', (req) => forward(req));
    },

    // The same in batches (answers finished in one turn of the event loop go out together).
    InvokeBatchStream: (call) => {
      const answers = createTurnBatcher<InvokeResponseInput>((responses) => {
        if (!call.cancelled && call.writable) call.write({ responses });
      });
      const forward = forwardOnStream(forwarder, call, (res) => answers.push(res), () => answers.flush());
      call.on('data', (batch) => {
        for (const req of batch.requests) forward(req);
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

/** Forwards each request a stream brings; ends the stream once the client ended it and all are answered. */
function forwardOnStream(
  forwarder: InvokeForwarder,
  call: { on(event: 'end', listener: () => void): unknown; end(): void },
  answer: (res: InvokeResponseInput) => void,
  flush: () => void = () => undefined,
): (req: InvokeRequest) => void {
  let inflight = 0;
  let ended = false;
  const maybeEnd = () => {
    if (!ended || inflight > 0) return;
    flush();
    call.end();
  };
  call.on('end', () => { ended = true; maybeEnd(); });
  return (req) => {
    inflight++;
    forwarder.invoke(req).then(
      (res) => answer(res),
      (err) => {
        const e = err instanceof StratusError ? err : new StratusError('INTERNAL', String((err as Error)?.message ?? err));
        const status = { NOT_FOUND: 'not_found', FUNCTION_NOT_FOUND: 'not_found', INVALID_ARGUMENT: 'invalid', THROTTLED: 'throttled', PAYLOAD_TOO_LARGE: 'too_large' }[e.code as string] ?? 'unavailable';
        answer({ requestId: req.requestId, status, errorType: e.code, errorMessage: e.message, function: req.function, retryAfterSec: e.retryAfterSec ?? 0 });
      },
    ).finally(() => { inflight--; maybeEnd(); });
  };
}
