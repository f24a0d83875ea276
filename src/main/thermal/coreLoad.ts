// The cooling check's heat source: one busy worker thread per core, started
// together and wound down together.
import type { ManagedThread } from '../threads/managedThread';

export class CoreLoad {
  readonly #createThread: (index: number) => ManagedThread;
  #threads: ManagedThread[] = [];

  constructor(createThread: (index: number) => ManagedThread) {
    this.#createThread = createThread;
  }

  /** Threads started and not yet gone. */
  get threads(): number {
    return this.#threads.length;
  }

  /** Starts count threads; onFailure hears why one of them could not run. */
  start(count: number, onFailure: (message: string) => void): void {
    this.#threads = Array.from({ length: count }, (_, i) => this.#createThread(i));
    for (const thread of this.#threads) {
      thread.onError((error) => onFailure(error.message));
      thread.start().catch((error: Error) => onFailure(error.message));
    }
  }

  /** Resolves once every thread has exited. */
  async stop(): Promise<void> {
    const threads = this.#threads;
    // Ask all first so they wind down together, then wait for each.
    for (const thread of threads) thread.stop();
    await Promise.all(threads.map((thread) => thread[Symbol.asyncDispose]()));
    if (this.#threads === threads) this.#threads = [];
  }
}
