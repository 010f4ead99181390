// What the live stream sends (Server-Sent Events): `event: batch` with a LiveBatch as its data, every
// LIVE_BATCH_MS at most, and `: ping` comments to keep idle connections open.
import type { GaugeEvent, InvocationEvent } from '@stratus/common';

export const LIVE_BATCH_MS = 250;
/** Invocation events per batch at most; beyond that a batch says how many it left out (`dropped`). */
export const LIVE_MAX_PER_BATCH = 500;
/** Logs of an invocation in the live stream are cut to this many characters (logs=1 only). */
export const LIVE_MAX_LOG_CHARS = 64 * 1024;

export type LiveType = 'invocation' | 'gauges';

export interface LiveBatch {
  /** Server time of the batch. */
  at: string;
  invocations: InvocationEvent[];
  gauges: GaugeEvent[];
  /** Invocation events left out of this batch (rate above LIVE_MAX_PER_BATCH per LIVE_BATCH_MS, or a slow client). */
  dropped: number;
}
