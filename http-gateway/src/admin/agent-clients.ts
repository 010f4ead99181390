// gRPC clients of the agents' AgentService (status, metrics switch), one per agent, made again when
// an agent comes back at another address.
import type * as grpc from '@grpc/grpc-js';
import { proto, type AgentServiceClient } from '@stratus/proto';
import { createClient } from '@stratus/common';

export class AgentClients {
  private readonly clients = new Map<string, { address: string; client: AgentServiceClient }>();

  get(node: { id: string; address: string }): AgentServiceClient {
    let e = this.clients.get(node.id);
    if (!e || e.address !== node.address) {
      (e?.client as unknown as grpc.Client | undefined)?.close();
      e = { address: node.address, client: createClient(proto.AgentService, node.address) };
      this.clients.set(node.id, e);
    }
    return e.client;
  }

  close(): void {
    for (const e of this.clients.values()) (e.client as unknown as grpc.Client).close();
    this.clients.clear();
  }
}
