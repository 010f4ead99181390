// Items gathered over one turn of the event loop, handed over together: the gateway and the agents
// send the invocations (and answers) of a turn as one InvokeBatchStream message, because grpc-js
// costs about the same CPU per message whatever it holds. setImmediate runs after the turn's I/O
// callbacks, so nothing waits for a timer: a lone item goes out in the same turn it came in.

export interface TurnBatcher<T> {
  push(item: T): void;
  /** Hands over what is gathered now (closing, or a caller that must not wait for the turn's end). */
  flush(): void;
}

export function createTurnBatcher<T>(deliver: (items: T[]) => void): TurnBatcher<T> {
  let items: T[] = [];
  let scheduled: NodeJS.Immediate | undefined;
  const flush = () => {
    if (scheduled) clearImmediate(scheduled);
    scheduled = undefined;
    if (items.length === 0) return;
    const batch = items;
    items = [];
    deliver(batch);
  };
  return {
    push(item: T) {
      items.push(item);
      scheduled ??= setImmediate(flush);
    },
    flush,
  };
}
