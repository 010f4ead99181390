// Invocation records in messages NATS takes. A batch's size is estimated on the hot path from its
// characters, but JSON escapes control characters six-fold and UTF-8 takes up to three bytes a
// character, so a function's output can make a message larger than the server's max_payload. Such a
// message would be refused forever, and with it the other functions' records it carries: the pump
// (common/src/jetstream-pump.ts) hands it here to be split, or, for one record, to have its logs cut.
import { encodeInvocationBatch, invocationEventsOf, type InvocationEvent, type OutboxItem } from '@stratus/common';

export const LOGS_CUT_MARKER = '\n[stratus] logs cut to fit one telemetry message\n';

const encodedBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value));
const recordBytes = (event: InvocationEvent): number => encodedBytes(encodeInvocationBatch([event]));

/** What to publish instead of an invocation batch of `bytes` encoded bytes, over `maxBytes`. */
export function fitInvocationMessage(item: OutboxItem, bytes: number, maxBytes: number): OutboxItem[] {
  const { events } = invocationEventsOf(item.payload);
  if (events.length > 1) {
    const half = Math.ceil(events.length / 2);
    return [events.slice(0, half), events.slice(half)].map((part) => ({
      subject: item.subject,
      msgId: part[0].id, // as for any batch: its first record's id (the refused message never arrived)
      payload: encodeInvocationBatch(part),
      bytes: Math.ceil((item.bytes * part.length) / events.length),
      records: part.length,
    }));
  }
  const cut = events.length === 1 ? cutToFit(events[0], bytes, maxBytes) : undefined;
  return cut ? [{ ...item, payload: encodeInvocationBatch([cut]), bytes: Math.min(item.bytes, maxBytes), records: 1 }] : [];
}

/** The record with its logs (then its error message) cut so that it encodes in maxBytes; undefined if it cannot. */
function cutToFit(event: InvocationEvent, bytes: number, maxBytes: number): InvocationEvent | undefined {
  let e = event;
  let size = bytes;
  for (const field of ['logs', 'errorMessage'] as const) {
    for (let attempt = 0; attempt < 8 && size > maxBytes; attempt++) {
      const text = e[field] ?? '';
      if (text.length === 0) break;
      const textBytes = encodedBytes(text);
      // keep the share of the text that fits, assuming its escapes are spread evenly; 5% to spare
      const keep = Math.floor((text.length * Math.max(0, maxBytes * 0.95 - (size - textBytes))) / textBytes);
      const marker = field === 'logs' ? LOGS_CUT_MARKER : '…';
      e = { ...e, [field]: keep > marker.length ? text.slice(0, keep - marker.length) + marker : '', ...(field === 'logs' ? { logsTruncated: true } : {}) };
      size = recordBytes(e);
    }
  }
  return size <= maxBytes ? e : undefined;
}
