// Calls waiting for their result frame on one test phone. A link that drops
// fails them all with 'disconnected', as the browser's client does: whether the
// server got the call is unknown, so the caller must look before asking again.
import type { ResultFrame } from '../../shared/wire';

/** Why a call failed: its error code from the server, or 'disconnected' when the link went first. */
export class CallError extends Error {
  override name = 'CallError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export class PendingCalls {
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;

  /** A new call id, and the promise its result settles. */
  open<T>(): { id: number; result: Promise<T> } {
    const id = this.#nextId++;
    const result = new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
    });
    return { id, result };
  }

  settle(frame: ResultFrame): void {
    const pending = this.#pending.get(frame.id);
    this.#pending.delete(frame.id);
    if (frame.ok) pending?.resolve(frame.value);
    else pending?.reject(new CallError(frame.error.code, frame.error.message));
  }

  failAll(why: string): void {
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const call of pending) call.reject(new CallError('disconnected', why));
  }
}
