// Stores the invocation records agents publish on JetStream (stream STRATUS_INVOCATIONS, subjects
// stratus.v1.invocations.>) through one durable pull consumer, in batches, and in the control plane
// also folds them into the roll-ups (options.rollups: each message parsed once for both). A message
// is acked only after its records are committed (and its roll-ups, when folded here), and storing
// is idempotent (rows skip ids stored already; a message's quiet records are one chunk keyed by its
// first record's id: InvocationStore.insertMessages; the roll-ups skip stream sequences folded
// already), so a redelivery (control plane restarted mid-batch, NATS restarted) neither loses nor
// doubles.
// A message holds a compact batch (wire form 2, common/src/event-wire.ts), or one event or an array
// of events (form 1).
//
// A second durable consumer reads the gateways' OverheadEvents (stream STRATUS_METRICS, subjects
// stratus.v1.overhead.>) and stores them by request id (InvocationStore.setOverheads; reads join them
// to their records, which may come before or after: batched, idempotent).
import {
  decodeInvocationBatchMs,
  ensureInvocationStream,
  ensureMetricsStream,
  INVOCATIONS_STREAM,
  isCompactInvocationBatch,
  METRICS_STREAM,
  overheadItemsMsOf,
  SUBJECTS,
  type InvocationEvent,
  type Logger,
} from '@stratus/common';
import { AckPolicy, DeliverPolicy, nanos, type Consumer, type ConsumerMessages, type JsMsg, type NatsConnection } from 'nats';
import { eventToRow, type InvocationMessage, type InvocationStore } from '../store/invocations-repo';
import { splitQuietRows } from '../store/wire-chunks';
import { publishedMs, type IngestGate } from './ingest-gate';

export const RECORDS_CONSUMER = 'stratus-control-plane-records';
export const OVERHEADS_CONSUMER = 'stratus-control-plane-overheads';

export interface InvocationRecordsOptions {
  nc: NatsConnection;
  invocations: InvocationStore;
  logger: Logger;
  durableName?: string;
  /** Called after each committed batch (tests, metrics). */
  onStored?: (ids: string[]) => void;
  /** false: do not read the gateways' overheads (default true). */
  overheads?: boolean;
  /** Durable name of the overheads consumer (default OVERHEADS_CONSUMER). */
  overheadsDurableName?: string;
  /** Called after each committed batch of overheads with their request ids. */
  onOverheads?: (requestIds: string[]) => void;
  /** Holds batches back while the host's CPU is saturated (see ingest-gate.ts); none: store at once. */
  gate?: IngestGate;
  /** Redelivery of an unacknowledged message after this long (default 30 s). */
  ackWaitMs?: number;
  /**
   * Folds each stored message into the roll-ups, which acknowledge it once they are stored too
   * (startMetrics' sharedInvocations); none: a message is acknowledged once its records are stored.
   */
  rollups?: InvocationRollups;
}

/**
 * The roll-ups of the invocation batches this consumer stores (the metrics module's RollupFolder):
 * a batch parsed and delivered once for both, instead of once to each of two consumers. Calls are
 * sequential, from the consumer's loop.
 */
export interface InvocationRollups {
  /** Folds a stored message's body (unless folded before) and acknowledges the message after the next flush. */
  add(msg: JsMsg, body: unknown): void;
  /** A message that will not come again (refused): nothing to fold. */
  pass(seq: number): void;
  flushIfDue(): Promise<void>;
  flush(): Promise<void>;
}

export interface InvocationRecordsConsumer {
  readonly stats: {
    stored: number;
    duplicates: number;
    rejected: number;
    batches: number;
    /** Overheads stored. */
    overheadsStored: number;
  };
  close(): Promise<void>;
}

/** How much a consumer pulls ahead of what it stored (NATS's largest message is 1 MiB). */
export const PULL_AHEAD_BYTES = 1024 * 1024;
const PULL_AHEAD_MESSAGES = 8;
/** How long a pull waits for its messages (the least nats.js takes). */
export const FETCH_EXPIRES_MS = 1_000;

/** After this many deliveries a message whose rows cannot be stored is dropped (logged). */
const MAX_DELIVERIES = 5;

export async function startInvocationRecordsConsumer(opts: InvocationRecordsOptions): Promise<InvocationRecordsConsumer> {
  const { nc, invocations, logger } = opts;
  const durable = opts.durableName ?? RECORDS_CONSUMER;
  await ensureInvocationStream(nc);
  const consumer = await durableConsumer(nc, INVOCATIONS_STREAM, durable, SUBJECTS.invocationsAll, opts.ackWaitMs);
  const stats = { stored: 0, duplicates: 0, rejected: 0, batches: 0, overheadsStored: 0 };

  const rollups = opts.rollups;
  /** A message whose records are stored: acknowledged now, or by the roll-ups once they are stored too. */
  const settle = (p: { msg: JsMsg; body: unknown }) => (rollups ? rollups.add(p.msg, p.body) : p.msg.ack());

  async function storeBatch(batch: JsMsg[]): Promise<void> {
    const parsed: { msg: JsMsg; body: unknown; message: InvocationMessage; count: number }[] = [];
    for (const msg of batch) {
      try {
        const body = JSON.parse(new TextDecoder().decode(msg.data)) as unknown;
        if (isCompactInvocationBatch(body)) {
          // quiet records stay in the form they came in (wire-chunks.ts); the others become rows
          const { chunk, rest } = splitQuietRows(body, msg.data);
          const rows = rest ? decodeInvocationBatchMs(rest).events.map(eventToRow) : [];
          parsed.push({ msg, body, message: { rows, chunk }, count: rows.length + (chunk?.count ?? 0) });
        } else {
          const rows = ((Array.isArray(body) ? body : [body]) as Partial<InvocationEvent>[]).map(eventToRow);
          parsed.push({ msg, body, message: rows, count: rows.length });
        }
      } catch (err) {
        stats.rejected++;
        logger.warn({ err, subject: msg.subject, seq: msg.seq }, 'dropping a malformed invocation record');
        msg.term('malformed invocation record');
        rollups?.pass(msg.seq);
      }
    }
    try {
      // one array per message: a message's quiet records become one chunk (InvocationStore.insertMessages)
      const total = parsed.reduce((n, p) => n + p.count, 0);
      const stored = await invocations.insertMessages(parsed.map((p) => p.message));
      stats.stored += stored;
      stats.duplicates += total - stored;
      stats.batches++;
      for (const p of parsed) settle(p);
      opts.onStored?.(parsed.flatMap((p) => idsOf(p.message)));
    } catch (err) {
      // One bad row must not hold back the others: store message by message, and let the
      // failing ones come back later (the store may be briefly down) or go after MAX_DELIVERIES.
      logger.warn({ err, messages: parsed.length }, 'batch insert failed; storing message by message');
      for (const p of parsed) {
        try {
          stats.stored += await invocations.insertMessages([p.message]);
          settle(p);
          opts.onStored?.(idsOf(p.message));
        } catch (rowErr) {
          if (p.msg.info.redeliveryCount >= MAX_DELIVERIES) {
            stats.rejected++;
            logger.error({ err: rowErr, seq: p.msg.seq }, 'dropping an invocation record that cannot be stored');
            p.msg.term('cannot be stored');
            rollups?.pass(p.msg.seq);
          } else p.msg.nak(2_000);
        }
      }
    }
  }

  async function storeOverheads(batch: JsMsg[]): Promise<void> {
    const items: { requestId: string; overheadMs: number }[] = [];
    const good: JsMsg[] = [];
    for (const msg of batch) {
      try {
        const event = overheadItemsMsOf(JSON.parse(new TextDecoder().decode(msg.data)));
        if (!event) throw new Error('not an overhead event of a known wire form');
        for (const it of event) if (it && typeof it.requestId === 'string') items.push({ requestId: it.requestId, overheadMs: Number(it.overheadMs) });
        good.push(msg);
      } catch (err) {
        stats.rejected++;
        logger.warn({ err, subject: msg.subject, seq: msg.seq }, 'dropping a malformed overhead event');
        msg.term('malformed overhead event');
      }
    }
    try {
      stats.overheadsStored += await invocations.setOverheads(items);
      for (const m of good) m.ack();
      opts.onOverheads?.(items.map((i) => i.requestId));
    } catch (err) {
      logger.warn({ err, items: items.length }, 'storing overheads failed; they come again');
      for (const m of good) {
        if (m.info.redeliveryCount >= MAX_DELIVERIES) m.term('cannot be stored');
        else m.nak(2_000);
      }
    }
  }

  const gate = opts.gate;
  // the roll-ups folded from stored messages are stored (and the messages acknowledged) after each
  // pull once their interval has passed, and when the consumer closes
  const flushRollups = rollups
    ? async (final: boolean) => {
        try {
          await (final ? rollups.flush() : rollups.flushIfDue());
        } catch (err) {
          logger.warn({ err }, 'storing roll-ups failed; their messages come again');
        }
      }
    : undefined;
  const loops = [batchLoop(consumer, { logger, name: 'invocation records', gate, afterPull: flushRollups }, storeBatch)];
  if (opts.overheads !== false) {
    await ensureMetricsStream(nc);
    const oc = await durableConsumer(nc, METRICS_STREAM, opts.overheadsDurableName ?? OVERHEADS_CONSUMER, SUBJECTS.overheadAll);
    loops.push(batchLoop(oc, { logger, name: 'overheads', gate }, storeOverheads));
  }

  logger.info({ stream: INVOCATIONS_STREAM, consumer: durable }, 'storing invocation records from JetStream');
  return {
    stats,
    async close() {
      await Promise.all(loops.map((l) => l.close()));
    },
  };
}

/** The ids of a message's records (for onStored). */
function idsOf(message: InvocationMessage): string[] {
  if (Array.isArray(message)) return message.map((r) => r.id);
  return [...(message.chunk ? message.chunk.ids.slice(1, -1).split('\n') : []), ...message.rows.map((r) => r.id)];
}

async function durableConsumer(nc: NatsConnection, stream: string, durable: string, subject: string, ackWaitMs = 30_000): Promise<Consumer> {
  const jsm = await nc.jetstreamManager();
  try {
    const info = await jsm.consumers.info(stream, durable);
    if (info.config.ack_wait !== nanos(ackWaitMs)) await jsm.consumers.update(stream, durable, { ack_wait: nanos(ackWaitMs) });
  } catch {
    await jsm.consumers.add(stream, {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: subject,
      ack_wait: nanos(ackWaitMs),
      max_ack_pending: 20_000,
    });
  }
  return nc.jetstream().consumers.get(stream, durable);
}

/**
 * How many messages the next pull asks for: one while the host is busy (anything more would be
 * delivered only to wait at the gate), PULL_AHEAD_MESSAGES on a quiet host or when the gate let the
 * last pull through for its age on a busy one (catching up). On a quiet host a pull of several
 * gathers a trickle for up to FETCH_EXPIRES_MS into one insert, with one pull and wake-up of NATS and
 * the control plane per batch rather than per agent message (docs/benchmarks.md has the warm runs
 * of both).
 */
export function nextPullSize(catchingUp: boolean, gate: { busy(): boolean } | undefined): number {
  return !catchingUp && gate?.busy() ? 1 : PULL_AHEAD_MESSAGES;
}

/**
 * Pulls messages (nextPullSize says how many) and hands each pull to store once the gate lets it
 * through; store acks. One pull at a time: while a pull waits at the gate nothing more is pulled, so
 * the backlog stays in JetStream (durably) rather than in this process's memory, and NATS spends
 * nothing delivering it. (nats.js's consume() kept pulling while its messages waited unread.) A pull
 * ends with its last message or after FETCH_EXPIRES_MS. close() stops pulling and stores what was
 * pulled.
 */
function batchLoop(
  consumer: Consumer,
  // afterPull: after each pull, empty or not, and once more (final) when closing
  o: { logger: Logger; name: string; gate?: IngestGate; afterPull?: (final: boolean) => Promise<void> },
  store: (batch: JsMsg[]) => Promise<void>,
): { close(): Promise<void> } {
  let closed = false;
  let current: ConsumerMessages | undefined;
  let size = nextPullSize(false, o.gate);
  const loop = (async () => {
    while (!closed) {
      try {
        current = await consumer.fetch({ max_messages: size, expires: FETCH_EXPIRES_MS });
        const batch: JsMsg[] = [];
        for await (const msg of current) batch.push(msg);
        current = undefined;
        if (batch.length > 0) {
          const catchingUp = o.gate && !closed ? await o.gate.admit(publishedMs(batch[0]), batch.reduce((n, m) => n + m.data.length, 0)) : false;
          await store(batch);
          size = nextPullSize(catchingUp, o.gate);
        }
        await o.afterPull?.(false);
      } catch (err) {
        if (!closed) {
          o.logger.warn({ err }, `${o.name} consumer stopped; restarting`);
          await new Promise((r) => setTimeout(r, 1_000));
        }
      }
    }
  })();
  return {
    async close() {
      closed = true;
      current?.stop();
      await loop.catch(() => undefined);
      await o.afterPull?.(true);
    },
  };
}
