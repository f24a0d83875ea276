// One lifecycle for everything that holds a resource (after VS Code's
// base/common/lifecycle.ts). Words mean one thing everywhere:
//   dispose() releases everything an object owns, for good; it is idempotent and
//             safe to call while work is still running. `await using` calls it.
//   stop(...) ends one activity (an answer, a cooling check, a thread) that the
//             owner may start again; the object itself stays usable.
//   close()   is kept for I/O endpoints, as Node uses it: a server or a socket.
// An owner registers what it owns in a DisposableStore, so disposing the owner
// disposes the tree, newest first, and one failure does not strand the rest.

export interface Disposable {
  dispose(): void | Promise<void>;
}

/** A disposable that runs fn once. */
export function toDisposable(fn: () => void | Promise<void>): Disposable & AsyncDisposable {
  let done = false;
  const dispose = async (): Promise<void> => {
    if (done) return;
    done = true;
    await fn();
  };
  return { dispose, [Symbol.asyncDispose]: dispose };
}

export class DisposableStore implements Disposable, AsyncDisposable {
  readonly #items: Disposable[] = [];
  #disposing: Promise<void> | undefined;

  get isDisposed(): boolean {
    return this.#disposing !== undefined;
  }

  /** Takes ownership of item; if the store is already disposed, disposes it at once. */
  add<T extends Disposable>(item: T): T {
    if (this.#disposing) {
      void Promise.resolve()
        .then(() => item.dispose())
        .catch(() => {});
      return item;
    }
    this.#items.push(item);
    return item;
  }

  /** Shorthand for add(toDisposable(fn)). */
  defer(fn: () => void | Promise<void>): void {
    this.add(toDisposable(fn));
  }

  /**
   * Disposes everything, newest first. Every item is disposed even when an
   * earlier one throws; the failures are rethrown together at the end.
   */
  dispose(): Promise<void> {
    this.#disposing ??= (async () => {
      const errors: unknown[] = [];
      for (const item of this.#items.splice(0).reverse()) {
        try {
          await item.dispose();
        } catch (error) {
          errors.push(error);
        }
      }
      if (errors.length === 1) throw errors[0];
      if (errors.length > 1) throw new AggregateError(errors, 'several resources failed to close');
    })();
    return this.#disposing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }
}
