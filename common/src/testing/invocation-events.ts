// Test helper: synthetic invocation events, complete in every field, with overridable values.
import { randomUUID } from 'node:crypto';
import { EVENT_SCHEMA_VERSION, type InvocationEvent } from '../events';

export function makeInvocationEvent(over: Partial<InvocationEvent> = {}): InvocationEvent {
  const ended = over.endedAt ? new Date(over.endedAt) : new Date();
  const durationMs = over.durationMs ?? 12.5;
  return {
    schema: EVENT_SCHEMA_VERSION,
    id: randomUUID(),
    function: 'echo',
    version: 1,
    agentId: 'agent-a',
    backend: 'docker',
    runtime: 'python3.11',
    status: 'success',
    errorType: '',
    errorMessage: '',
    coldStart: false,
    startedAt: new Date(ended.getTime() - durationMs).toISOString(),
    endedAt: ended.toISOString(),
    queueMs: 0.2,
    startMs: 0,
    initMs: 0,
    durationMs,
    billedMs: Math.ceil(durationMs),
    overheadMs: 0,
    maxMemoryMb: 30,
    cpuMs: 5,
    requestBytes: 10,
    responseBytes: 20,
    memoryMb: 128,
    logs: '',
    logsTruncated: false,
    ...over,
  };
}
