// Fan-out of API events from the services to every connected client.
import type { HearthEvent } from '../../shared/api';

export type EventListener = (event: HearthEvent) => void;

export class EventHub {
  readonly #listeners = new Set<EventListener>();

  subscribe(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(event: HearthEvent): void {
    for (const listener of this.#listeners) {
      // One broken client must not stop the others from hearing the event.
      try {
        listener(event);
      } catch {
        /* the transport logs its own failures */
      }
    }
  }

  get size(): number {
    return this.#listeners.size;
  }
}
