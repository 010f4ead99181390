// The agent's gRPC services: the data plane (InvocationService.Invoke, InvokeStream and
// InvokeBatchStream), its status (AgentService.GetStatus) and its metrics switch (SetMetrics). Stored invocation records live on
// the control plane.
import * as grpc from '@grpc/grpc-js';
import { createTurnBatcher, StratusError, unary, type Logger } from '@stratus/common';
import type { AgentServiceHandlers, InvocationServiceHandlers, InvokeBatch, InvokeRequest, InvokeResponseBatchInput, InvokeResponseInput, NodeStatusInput, SetMetricsRequest, SetMetricsResponse } from '@stratus/proto';
import type { Invoker } from '../invoke/invoker';
import { overheadsOfColumns } from '../metrics/overhead-matcher';

export function makeInvocationHandlers(invoker: Invoker, logger: Logger): InvocationServiceHandlers {
  return {
    /** Unary: platform statuses (throttled, not_found, invalid, too_large, unavailable) are gRPC errors. */
    Invoke: unary<InvokeRequest, InvokeResponseInput>(async (request) => {
      const { response, error } = await invoker.invoke(request);
      if (error) throw error;
      return response;
    }),

    /** Many invocations on one stream, answered as they finish (matched by request_id), statuses in band. */
    InvokeStream: (call: grpc.ServerDuplexStream<InvokeRequest, InvokeResponseInput>) => {
      const serve = serveOnStream(invoker, logger, call, (response) => call.write(response));
      call.on('data', (request: InvokeRequest) => serve(request));
    },

    /** The same in batches: the answers finished in one turn of the event loop go out as one message. */
    InvokeBatchStream: (call: grpc.ServerDuplexStream<InvokeBatch, InvokeResponseBatchInput>) => {
      // asked per batch: publishing can be switched on and off while the stream lasts (SetMetrics)
      const answers = createTurnBatcher<InvokeResponseInput>((responses) => {
        if (!call.cancelled && call.writable) call.write({ responses, takesOverheads: invoker.takesOverheads(), takesOverheadColumns: true });
      });
      const serve = serveOnStream(invoker, logger, call, (response) => answers.push(response), () => answers.flush());
      call.on('data', (batch: InvokeBatch) => {
        // the invocations first: the overheads (of earlier invocations) are only bookkeeping
        for (const request of batch.requests) serve(request);
        if (batch.overheads.length > 0) invoker.recordOverheads(batch.overheads);
        if (batch.overheadColumns) invoker.recordOverheads(overheadsOfColumns(batch.overheadColumns));
      });
    },

    GetInvocation: (_call, callback) => callback(unimplemented('GetInvocation')),
    ListInvocations: (_call, callback) => callback(unimplemented('ListInvocations')),
  };
}

/** setMetrics: switches the agent's publishing (undefined: this agent has no telemetry to switch). */
export function makeAgentHandlers(status: () => Promise<NodeStatusInput>, setMetrics?: (enabled: boolean) => void): AgentServiceHandlers {
  return {
    GetStatus: unary(async () => status()),
    SetMetrics: unary<SetMetricsRequest, SetMetricsResponse>(async (request) => {
      if (!setMetrics) throw new StratusError('UNAVAILABLE', 'this agent runs without telemetry: there is no metrics publishing to switch');
      setMetrics(request.enabled === true);
      return { enabled: request.enabled === true };
    }),
  };
}

/**
 * Runs each request a stream brings and hands its answer to `answer`; ends the stream once the
 * client has ended it and every invocation is answered (after `flush`, for batched answers).
 */
function serveOnStream(
  invoker: Invoker,
  logger: Logger,
  call: grpc.ServerDuplexStream<unknown, unknown>,
  answer: (response: InvokeResponseInput) => void,
  flush: () => void = () => undefined,
): (request: InvokeRequest) => void {
  let pending = 0;
  let ended = false;
  const open = () => !call.cancelled && call.writable;
  const maybeEnd = () => {
    if (!ended || pending > 0) return;
    flush();
    call.end();
  };
  call.on('end', () => { ended = true; maybeEnd(); });
  call.on('error', () => undefined);
  return (request) => {
    pending++;
    invoker.invoke(request).then(
      ({ response }) => { if (open()) answer(response); },
      (err) => {
        logger.error({ err }, 'invoke failed unexpectedly');
        if (open()) answer({ requestId: request.requestId, status: 'unavailable', errorType: 'INTERNAL', errorMessage: (err as Error).message });
      },
    ).finally(() => { pending--; maybeEnd(); });
  };
}

function unimplemented(method: string): Partial<grpc.ServiceError> {
  const details = `${method} is served by the control plane (STRATUS_CONTROL_ADDRESS), which stores invocation records`;
  return { code: grpc.status.UNIMPLEMENTED, details, message: details };
}
