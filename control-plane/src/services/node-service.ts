// NodeService: agents register and heartbeat; agents and gateways Watch for changes (a snapshot of
// every function's latest version and every node, then each change) so that nobody polls.
import { unary, type Logger } from '@stratus/common';
import type { NodeServiceHandlers, WatchEventInput } from '@stratus/proto';
import type * as grpc from '@grpc/grpc-js';
import type { ChangeBus } from '../nodes/change-bus';
import type { NodeRegistry } from '../nodes/node-registry';
import type { FunctionStore } from '../store/functions-repo';
import { failStream } from './grpc-util';

export interface NodeServiceDeps {
  nodes: NodeRegistry;
  functions: FunctionStore;
  bus: ChangeBus;
  logger: Logger;
}

export interface NodeService {
  handlers: NodeServiceHandlers;
  /** Ends every open Watch stream (at shutdown, so the server can stop at once). */
  endWatches(): void;
}

export function makeNodeService(deps: NodeServiceDeps): NodeService {
  const { nodes, functions, bus, logger } = deps;
  const watches = new Set<grpc.ServerWritableStream<unknown, WatchEventInput>>();

  const handlers: NodeServiceHandlers = {
    RegisterNode: unary(async (req) => {
      nodes.register(req.node);
      return { heartbeatIntervalMs: nodes.heartbeatIntervalMs };
    }),

    Heartbeat: unary(async (req) => ({ reregister: !nodes.heartbeat(req.node) })),

    ListNodes: unary(async () => ({ nodes: nodes.list() })),

    Watch: (call) => {
      const subscriber = call.request.subscriber || call.getPeer();
      // Subscribe before reading the snapshot so no change falls between the two; changes seen
      // meanwhile follow the snapshot (applying one twice is harmless: events carry full state).
      const pending: WatchEventInput[] = [];
      let live = false;
      const unsubscribe = bus.subscribe((event) => {
        if (live) call.write(event);
        else pending.push(event);
      });
      const stop = () => {
        unsubscribe();
        watches.delete(call);
      };
      watches.add(call);
      call.on('cancelled', stop);
      call.on('close', stop);
      call.on('error', stop);
      logger.debug({ subscriber }, 'watch started');
      functions
        .listLatest()
        .then((fns) => {
          if (call.cancelled) return;
          call.write({ snapshot: { functions: fns.map((f) => f.spec), nodes: nodes.list() } });
          for (const event of pending) call.write(event);
          pending.length = 0;
          live = true;
        })
        .catch((err) => {
          stop();
          failStream(call, err);
        });
    },
  };

  return {
    handlers,
    endWatches() {
      for (const call of watches) call.end();
      watches.clear();
    },
  };
}
