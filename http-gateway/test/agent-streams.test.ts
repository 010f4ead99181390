// The gateway's streams to agents (real gRPC on loopback, fake agents): the invocations of one turn
// of the event loop travel as one InvokeBatchStream message and the answers come back matched by
// request id; an agent without InvokeBatchStream (an older release) gets the same requests one by
// one on InvokeStream; a stream that breaks answers "unavailable"; what was answered before its
// turn ended is not sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as grpc from '@grpc/grpc-js';
import { proto, type InvokeBatch, type InvokeRequest, type InvokeResponseBatchInput, type InvokeResponseInput } from '@stratus/proto';
import { bindServer, createLogger, createServer, shutdownServer } from '@stratus/common';
import { AgentStreams } from '../src/invoke/agent-streams';

const logger = createLogger('agent-streams-test');
logger.level = 'silent';

const answer = (req: InvokeRequest): InvokeResponseInput => ({ requestId: req.requestId, status: 'ok', function: req.function, payload: Buffer.from(`{"n":${req.payload.toString()}}`) });

async function fakeAgent(handlers: Record<string, unknown>): Promise<{ server: grpc.Server; address: string }> {
  const server = createServer();
  server.addService(proto.InvocationService.service, handlers as never);
  const port = await bindServer(server, '127.0.0.1:0');
  return { server, address: `127.0.0.1:${port}` };
}

function invokeMany(streams: AgentStreams, address: string, n: number) {
  return Promise.all(Array.from({ length: n }, (_, i) => streams.invoke('agent-1', address, 'echo', 0, Buffer.from(String(i)), `req-${i}`, 5_000)));
}

test('sends the invocations of one turn as one batch and matches the batched answers', async () => {
  const batches: number[] = [];
  const { server, address } = await fakeAgent({
    InvokeBatchStream: (call: grpc.ServerDuplexStream<InvokeBatch, InvokeResponseBatchInput>) => {
      call.on('data', (batch: InvokeBatch) => {
        batches.push(batch.requests.length);
        // Answered in reverse and split in two messages: matching is by request id, not order.
        const responses = batch.requests.map(answer).reverse();
        call.write({ responses: responses.slice(0, 3) });
        call.write({ responses: responses.slice(3) });
      });
      call.on('end', () => call.end());
    },
  });
  const streams = new AgentStreams(logger);
  try {
    const results = await invokeMany(streams, address, 20);
    assert.deepEqual(results.map((r) => [r.requestId, r.status, r.payload.toString()]), Array.from({ length: 20 }, (_, i) => [`req-${i}`, 'ok', `{"n":${i}}`]));
    assert.deepEqual(batches, [20], 'twenty invocations made in one turn: one message');
    const later = await invokeMany(streams, address, 1);
    assert.equal(later[0]!.status, 'ok');
    assert.deepEqual(batches, [20, 1], 'a lone invocation is not held back');
  } finally {
    streams.close();
    await shutdownServer(server);
  }
});

test('falls back to InvokeStream, one message each, when the agent has no InvokeBatchStream', async () => {
  let singles = 0;
  const { server, address } = await fakeAgent({
    InvokeStream: (call: grpc.ServerDuplexStream<InvokeRequest, InvokeResponseInput>) => {
      call.on('data', (req: InvokeRequest) => { singles++; call.write(answer(req)); });
      call.on('end', () => call.end());
    },
  });
  const streams = new AgentStreams(logger);
  try {
    const results = await invokeMany(streams, address, 5);
    assert.deepEqual(results.map((r) => r.status), Array(5).fill('ok'));
    assert.equal(singles, 5, 'each request reached the agent once');
    assert.equal((await invokeMany(streams, address, 3)).filter((r) => r.status === 'ok').length, 3);
    assert.equal(singles, 8);
  } finally {
    streams.close();
    await shutdownServer(server);
  }
});

test('an agent that dies mid-stream answers its pending invocations "unavailable"', async () => {
  let server: grpc.Server | undefined;
  const agent = await fakeAgent({
    InvokeBatchStream: (call: grpc.ServerDuplexStream<InvokeBatch, InvokeResponseBatchInput>) => {
      call.on('data', () => server!.forceShutdown());
    },
  });
  server = agent.server;
  const address = agent.address;
  const streams = new AgentStreams(logger);
  try {
    const results = await invokeMany(streams, address, 4);
    assert.deepEqual(results.map((r) => r.status), Array(4).fill('unavailable'));
    assert.match(results[0]!.errorMessage, /agent-1 at 127\.0\.0\.1:\d+ is unreachable/);
  } finally {
    streams.close();
    await shutdownServer(server);
  }
});

test('an invocation answered before its turn ended (the gateway closing) is never sent', async () => {
  const batches: number[] = [];
  const { server, address } = await fakeAgent({
    InvokeBatchStream: (call: grpc.ServerDuplexStream<InvokeBatch, InvokeResponseBatchInput>) => {
      call.on('data', (batch: InvokeBatch) => batches.push(batch.requests.length));
    },
  });
  const streams = new AgentStreams(logger);
  try {
    const pending = invokeMany(streams, address, 3);
    streams.close(); // same turn: the three are answered, still waiting in the turn's batch
    const results = await pending;
    assert.deepEqual(results.map((r) => r.status), Array(3).fill('unavailable'));
    assert.match(results[0]!.errorMessage, /shutting down/);
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(batches, [], 'nothing reached the agent');
  } finally {
    await shutdownServer(server);
  }
});

test('takes overheads to an agent that says it takes them: with the next invocations, or alone after a moment; drops them while it publishes no records', async () => {
  const seen: { requests: string[]; overheads: string[] }[] = [];
  let takes = true;
  const { server, address } = await fakeAgent({
    InvokeBatchStream: (call: grpc.ServerDuplexStream<InvokeBatch, InvokeResponseBatchInput>) => {
      call.on('data', (batch: InvokeBatch) => {
        seen.push({ requests: batch.requests.map((r) => r.requestId), overheads: batch.overheads.map((o) => `${o.requestId}:${o.overheadMs}`) });
        if (batch.requests.length > 0) call.write({ responses: batch.requests.map(answer), takesOverheads: takes });
      });
      call.on('end', () => call.end());
    },
  });
  const streams = new AgentStreams(logger);
  const uncarried: string[] = [];
  streams.uncarriedOverheads = (agentId, items) => uncarried.push(...items.map((o) => `${agentId}/${o.requestId}`));
  const overhead = (requestId: string, overheadMs: number) => ({ requestId, function: 'echo', backend: 'docker', overheadMs, endToEndMs: overheadMs + 1 });
  try {
    assert.equal(streams.carryOverhead('agent-1', overhead('before', 1)), false, 'no stream to the agent yet');
    await invokeMany(streams, address, 1);
    assert.equal(streams.carryOverhead('agent-1', overhead('req-0', 0.25)), true);
    await invokeMany(streams, address, 2);
    assert.deepEqual(seen[1], { requests: ['req-0', 'req-1'], overheads: ['req-0:0.25'] }, 'rode with the next invocations');
    assert.equal(streams.carryOverhead('agent-1', overhead('req-1', 0.5)), true);
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(seen[2], { requests: [], overheads: ['req-1:0.5'] }, 'sent alone when no invocation came');
    assert.equal(streams.carryOverhead('agent-9', overhead('x', 1)), false, 'an agent the gateway has no stream to');
    takes = false; // the agent's metrics switched off: it publishes no records
    await invokeMany(streams, address, 1);
    assert.equal(streams.carryOverhead('agent-1', overhead('req-0', 1)), true, 'handled: dropped, no record to join');
    await invokeMany(streams, address, 1);
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(seen.slice(3).flatMap((b) => b.overheads), [], 'nothing carried to an agent that publishes no records');
    assert.deepEqual(uncarried, [], 'nor published by the gateway');
    takes = true; // switched on again
    await invokeMany(streams, address, 1);
    assert.equal(streams.carryOverhead('agent-1', overhead('req-0', 2)), true);
    await invokeMany(streams, address, 1);
    assert.deepEqual(seen.at(-1)!.overheads, ['req-0:2'], 'carried again once the agent takes them');
  } finally {
    streams.close();
    await shutdownServer(server);
  }
});

test('an agent that reads overhead columns gets them as columns (an id with a line break as a message); overheads do not go alone while invocations flow', async () => {
  const seen: { requests: number; columns: string; overheads: string[] }[] = [];
  const { server, address } = await fakeAgent({
    InvokeBatchStream: (call: grpc.ServerDuplexStream<InvokeBatch, InvokeResponseBatchInput>) => {
      call.on('data', (batch: InvokeBatch) => {
        const c = batch.overheadColumns;
        seen.push({
          requests: batch.requests.length,
          columns: c ? c.requestIds.split('\n').map((id, i) => `${id}:${c.overheadMs[i]}:${c.endToEndMs[i]}`).join(' ') : '',
          overheads: batch.overheads.map((o) => `${o.requestId}:${o.function}`),
        });
        if (batch.requests.length > 0) call.write({ responses: batch.requests.map(answer), takesOverheads: true, takesOverheadColumns: true });
      });
      call.on('end', () => call.end());
    },
  });
  const streams = new AgentStreams(logger);
  const overhead = (requestId: string, overheadMs: number) => ({ requestId, function: 'echo', backend: 'docker', overheadMs, endToEndMs: overheadMs + 1 });
  try {
    await invokeMany(streams, address, 1);
    streams.carryOverhead('agent-1', overhead('req-0', 0.25));
    streams.carryOverhead('agent-1', overhead('odd\nid', 0.5));
    streams.carryOverhead('agent-1', overhead('req-x', 0.75));
    await invokeMany(streams, address, 1);
    assert.deepEqual(seen[1], { requests: 1, columns: 'req-0:0.25:1.25 req-x:0.75:1.75', overheads: ['odd\nid:echo'] });

    // Invocations every 4-5 ms for about 120 ms, an overhead carried after each: the overheads ride
    // with invocations, not in batches of their own every 10 ms (about 10 of them), until the
    // invocations stop. A loaded machine may stall a turn past 10 ms now and then: a few alone.
    for (let i = 0; i < 25; i++) {
      await invokeMany(streams, address, 1);
      streams.carryOverhead('agent-1', overhead(`flow-${i}`, i));
      await new Promise((r) => setTimeout(r, 4));
    }
    await new Promise((r) => setTimeout(r, 100));
    const flowing = seen.slice(2);
    const alone = flowing.filter((b) => b.requests === 0).length;
    assert.ok(alone >= 1 && alone <= 4, `overheads went alone ${alone} times while invocations flowed and once after`);
    assert.equal(flowing.at(-1)!.requests, 0);
    assert.deepEqual(flowing.flatMap((b) => (b.columns ? b.columns.split(' ').map((c) => c.split(':')[0]) : [])), Array.from({ length: 25 }, (_, i) => `flow-${i}`), 'all of them, in order');
  } finally {
    streams.close();
    await shutdownServer(server);
  }
});

test('overheads held for an agent whose stream breaks are handed back, not lost', async () => {
  let server: grpc.Server | undefined;
  const agent = await fakeAgent({
    InvokeBatchStream: (call: grpc.ServerDuplexStream<InvokeBatch, InvokeResponseBatchInput>) => {
      call.on('data', (batch: InvokeBatch) => {
        if (batch.requests.some((r) => r.requestId === 'req-0')) call.write({ responses: batch.requests.map(answer), takesOverheads: true });
        else call.destroy(new Error('agent died')); // the next batch: the stream breaks
      });
    },
  });
  server = agent.server;
  const streams = new AgentStreams(logger);
  const uncarried: string[] = [];
  streams.uncarriedOverheads = (agentId, items) => uncarried.push(...items.map((o) => `${agentId}/${o.requestId}`));
  try {
    await invokeMany(streams, agent.address, 1);
    assert.equal(streams.carryOverhead('agent-1', { requestId: 'req-0', function: 'echo', backend: 'docker', overheadMs: 0.3, endToEndMs: 1.3 }), true);
    await server.forceShutdown();
    server = undefined;
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(uncarried, ['agent-1/req-0']);
  } finally {
    streams.close();
    if (server) await shutdownServer(server);
  }
});
