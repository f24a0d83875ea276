// The one event emitter (after VS Code's base/common/event.ts). Subscribing
// returns a Subscription: call it, or dispose it, to unsubscribe. A listener
// that throws is isolated: the error goes to onListenerError (a log line in
// main, the console in a browser) and every other listener still runs.
import type { Disposable } from './lifecycle';

export type Subscription = (() => void) & Disposable;
export type Listener<T> = (value: T) => void;

export class Emitter<T> implements Disposable {
  readonly #listeners = new Set<Listener<T>>();
  readonly #onListenerError: (error: unknown) => void;
  #disposed = false;

  constructor(onListenerError: (error: unknown) => void = reportToConsole) {
    this.#onListenerError = onListenerError;
  }

  /** Adds a listener; the returned subscription removes it. */
  subscribe(listener: Listener<T>): Subscription {
    if (this.#disposed) return subscription(() => {});
    // Wrapped so the same function subscribed twice is two subscriptions.
    const entry: Listener<T> = (value) => listener(value);
    this.#listeners.add(entry);
    return subscription(() => this.#listeners.delete(entry));
  }

  fire(value: T): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(value);
      } catch (error) {
        this.#onListenerError(error);
      }
    }
  }

  get size(): number {
    return this.#listeners.size;
  }

  dispose(): void {
    this.#disposed = true;
    this.#listeners.clear();
  }
}

export function subscription(off: () => void): Subscription {
  let done = false;
  const unsubscribe = (): void => {
    if (done) return;
    done = true;
    off();
  };
  return Object.assign(unsubscribe, { dispose: unsubscribe });
}

function reportToConsole(error: unknown): void {
  console.error('hearth: an event listener failed', error);
}
