// Every live ManagedThread, so tests and health checks can see what is running.
// Kept on globalThis under a registered symbol: one registry per process even
// if a bundler or test runner ends up with two copies of this module.

export interface ThreadInfo {
  /** worker_threads threadId. */
  id: number;
  name: string;
  /** When start() was called, ms since epoch. */
  startedAt: number;
}

export class ThreadRegistry {
  readonly #live = new Map<object, ThreadInfo>();

  add(owner: object, info: ThreadInfo): void {
    this.#live.set(owner, info);
  }

  delete(owner: object): void {
    this.#live.delete(owner);
  }

  /** Live threads, oldest first. */
  list(): ThreadInfo[] {
    return [...this.#live.values()].sort((a, b) => a.startedAt - b.startedAt);
  }

  get size(): number {
    return this.#live.size;
  }
}

const key = Symbol.for('hearth.threadRegistry');
const holder = globalThis as unknown as Record<symbol, ThreadRegistry | undefined>;

/** The process-wide registry that ManagedThread uses unless given another. */
export const threadRegistry: ThreadRegistry = (holder[key] ??= new ThreadRegistry());
