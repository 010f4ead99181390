// The agent's gRPC services: the data plane (InvocationService.Invoke / InvokeStream) and its status
// (AgentService.GetStatus). Stored invocation records live on the control plane.
import * as grpc from '@grpc/grpc-js';
import { unary, type Logger } from '@stratus/common';
import type { AgentServiceHandlers, InvocationServiceHandlers, InvokeRequest, InvokeResponseInput, NodeStatusInput } from '@stratus/proto';
import type { Invoker } from '../invoke/invoker';

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
      let pending = 0;
      let ended = false;
      const maybeEnd = () => { if (ended && pending === 0) call.end(); };
      call.on('data', (request: InvokeRequest) => {
        pending++;
        invoker.invoke(request).then(
          ({ response }) => { if (!call.cancelled && call.writable) call.write(response); },
          (err) => {
            logger.error({ err }, 'invoke failed unexpectedly');
            if (!call.cancelled && call.writable) call.write({ requestId: request.requestId, status: 'unavailable', errorType: 'INTERNAL', errorMessage: (err as Error).message });
          },
        ).finally(() => { pending--; maybeEnd(); });
      });
      call.on('end', () => { ended = true; maybeEnd(); });
      call.on('error', () => undefined);
    },

    GetInvocation: (_call, callback) => callback(unimplemented('GetInvocation')),
    ListInvocations: (_call, callback) => callback(unimplemented('ListInvocations')),
  };
}

export function makeAgentHandlers(status: () => Promise<NodeStatusInput>): AgentServiceHandlers {
  return { GetStatus: unary(async () => status()) };
}

function unimplemented(method: string): Partial<grpc.ServiceError> {
  const details = `${method} is served by the control plane (STRATUS_CONTROL_ADDRESS), which stores invocation records`;
  return { code: grpc.status.UNIMPLEMENTED, details, message: details };
}
