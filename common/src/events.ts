// NATS subjects and event schemas (versioned: a breaking change makes v2 subjects).
// Agents publish; the control plane's consumers store and aggregate; the dashboard and CLI follow live.
import type { Invocation } from '@stratus/proto';

export const SUBJECTS = {
  /** One event per invocation: stratus.v1.invocations.<agentId>. JetStream stream INVOCATIONS keeps them until stored. */
  invocation: (agentId: string) => `stratus.v1.invocations.${agentId}`,
  invocationsAll: 'stratus.v1.invocations.>',
  /** Gauges sampled by each agent on an interval: stratus.v1.gauges.<agentId>. */
  gauges: (agentId: string) => `stratus.v1.gauges.${agentId}`,
  gaugesAll: 'stratus.v1.gauges.>',
  /** Container lifecycle events: stratus.v1.containers.<agentId>. */
  containers: (agentId: string) => `stratus.v1.containers.${agentId}`,
  containersAll: 'stratus.v1.containers.>',
} as const;

export const INVOCATIONS_STREAM = 'STRATUS_INVOCATIONS';
export const EVENT_SCHEMA_VERSION = 1;

/** The invocation event: the stored record's fields, with the schema version. */
export interface InvocationEvent extends Invocation {
  schema: typeof EVENT_SCHEMA_VERSION;
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
