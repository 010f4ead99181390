// NATS subjects and event schemas (versioned: a breaking change makes v2 subjects).
// Agents publish; the control plane's consumers store and aggregate; the dashboard and CLI follow live.
import type { Invocation } from '@stratus/proto';
import { decodeInvocationBatch, isCompactInvocationBatch } from './event-wire';

export const SUBJECTS = {
  /**
   * Invocation events: stratus.v1.invocations.<agentId>. A message carries a batch (what finished
   * within 1 s, at most 1,024: one JetStream publish, store and delivery per batch, not per invocation) in the
   * compact wire form 2 (event-wire.ts), or, in form 1, one InvocationEvent or a JSON array of them.
   * Read either with invocationEventsOf. JetStream stream INVOCATIONS keeps them until stored.
   */
  invocation: (agentId: string) => `stratus.v1.invocations.${agentId}`,
  invocationsAll: 'stratus.v1.invocations.>',
  /** Gauges sampled by each agent on an interval: stratus.v1.gauges.<agentId>. */
  gauges: (agentId: string) => `stratus.v1.gauges.${agentId}`,
  gaugesAll: 'stratus.v1.gauges.>',
  /** Container lifecycle events: stratus.v1.containers.<agentId>. */
  containers: (agentId: string) => `stratus.v1.containers.${agentId}`,
  containersAll: 'stratus.v1.containers.>',
  /** Throttled invocations counted by an agent, batched: stratus.v1.throttles.<agentId> (JetStream, STRATUS_METRICS). */
  throttles: (agentId: string) => `stratus.v1.throttles.${agentId}`,
  throttlesAll: 'stratus.v1.throttles.>',
  /**
   * Platform overheads that could not go into their records (most ride back to the agent on the
   * invoke stream), batched by the gateway or agent that holds them: stratus.v1.overhead.<its id>
   * (JetStream, STRATUS_METRICS; compact form 2, read with overheadEventOf).
   */
  overhead: (gatewayId: string) => `stratus.v1.overhead.${gatewayId}`,
  overheadAll: 'stratus.v1.overhead.>',
} as const;

/** JetStream stream for the small metric events that are not invocation records (throttles, overhead). */
export const METRICS_STREAM = 'STRATUS_METRICS';

export const INVOCATIONS_STREAM = 'STRATUS_INVOCATIONS';
export const EVENT_SCHEMA_VERSION = 1;

/** The invocation event: the stored record's fields, with the schema version. */
export interface InvocationEvent extends Invocation {
  schema: typeof EVENT_SCHEMA_VERSION;
  /**
   * true: `logs` is the function's own output, without Lambda's START / END / REPORT lines, which
   * readers make from the record's fields (frameLambdaLogs in lambda-logs.ts). Absent (events of
   * agents before it, and records of invocations that never ran): `logs` is shown as it is.
   */
  logsBare?: boolean;
}

/**
 * The invocation events of one message in any wire form: the compact batch (form 2, what agents
 * publish: event-wire.ts), or form 1's one event or array of them, each checked for the schema
 * version. Anything else in it is left out and counted in `invalid`.
 */
export function invocationEventsOf(body: unknown): { events: InvocationEvent[]; invalid: number } {
  if (isCompactInvocationBatch(body)) return decodeInvocationBatch(body);
  const list = Array.isArray(body) ? body : [body];
  const events: InvocationEvent[] = [];
  let invalid = 0;
  for (const e of list) {
    if (e && typeof e === 'object' && (e as { schema?: unknown }).schema === EVENT_SCHEMA_VERSION) events.push(e as InvocationEvent);
    else invalid++;
  }
  return { events, invalid };
}

export interface GaugeEvent {
  schema: typeof EVENT_SCHEMA_VERSION;
  agentId: string;
  at: string;
  containers: { backend: string; runtime: string; state: string; count: number }[];
  memoryUsedMb: number;
  memoryBudgetMb: number;
  queued: number;
  running: number;
  hostCpuPercent: number;
  hostMemoryUsedMb: number;
  hostMemoryTotalMb: number;
  /** Optional: measured memory a backend adds per container beyond the function's own (MB), e.g. gVisor's Sentry. */
  backendOverheadMb?: Record<string, number>;
}

/** Throttles an agent refused since its last event, per function and backend (several per event). */
export interface ThrottleEvent {
  schema: typeof EVENT_SCHEMA_VERSION;
  agentId: string;
  /** Unique per event (Nats-Msg-Id too): a resend after an outage is deduplicated. */
  id: string;
  at: string;
  counts: { function: string; backend: string; count: number; at: string }[];
}

/** Platform overhead (end to end at the gateway minus the function's duration) per request id, batched. */
export interface OverheadEvent {
  schema: typeof EVENT_SCHEMA_VERSION;
  gatewayId: string;
  id: string;
  at: string;
  items: { requestId: string; function: string; backend: string; agentId: string; overheadMs: number; endToEndMs: number; at: string }[];
}

export interface ContainerEvent {
  schema: typeof EVENT_SCHEMA_VERSION;
  agentId: string;
  at: string;
  containerId: string;
  event: 'created' | 'prewarmed' | 'specialized' | 'removed' | 'oom' | 'timeout' | 'died';
  backend: string;
  runtime: string;
  function?: string;
  version?: number;
  startMs?: number;
}
