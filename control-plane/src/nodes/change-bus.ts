// In-process fan-out of changes (functions and nodes) to every Watch stream. Publishers call
// publish() after their change is committed; each subscriber gets events in publication order.
import type { WatchEventInput } from '@stratus/proto';

export type ChangeListener = (event: WatchEventInput) => void;

export class ChangeBus {
  private readonly listeners = new Set<ChangeListener>();

  /** Returns the unsubscribe function. */
  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(event: WatchEventInput): void {
    for (const listener of this.listeners) listener(event);
  }

  get subscribers(): number {
    return this.listeners.size;
  }
}
