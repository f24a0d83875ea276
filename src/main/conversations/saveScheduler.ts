// When conversations are written: streamed text a little later (every
// saveIntervalMs), everything else at once, and what failed to save (a full
// disk) again on a timer or as soon as another save succeeds. It logs the
// first failure of a conversation, not every retry.
import type { Conversation } from '../../shared/api';
import type { Logger } from '../base/log';
import type { ConversationFile, SaveOptions } from './conversationFile';
import { describeSaveError } from './saveFailure';

export interface SaveFailure {
  id: string;
  error: unknown;
}

export interface SaveSchedulerOptions {
  logger: Logger;
  files: ReadonlyMap<string, ConversationFile>;
  /** The conversation as it is in memory now; undefined once deleted. */
  current: (id: string) => Conversation | undefined;
  saveIntervalMs: number;
  retryMs: number;
}

export class SaveScheduler {
  readonly #options: SaveSchedulerOptions;
  /** Pending appends of streamed text, by conversation. */
  readonly #timers = new Map<string, ReturnType<typeof setTimeout>>();
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #retrying = false;
  #stopped = false;

  constructor(options: SaveSchedulerOptions) {
    this.#options = options;
  }

  get retryMs(): number {
    return this.#options.retryMs;
  }

  /** Writes one conversation now; a failure is logged, retried later, and rethrown. */
  async save(
    id: string,
    file: ConversationFile,
    options: SaveOptions,
    commit?: () => void,
  ): Promise<void> {
    this.cancel(id);
    const wasUnsaved = file.unsaved;
    try {
      await file.save(() => this.#options.current(id), options, commit);
    } catch (error) {
      this.#failed(id, error, wasUnsaved);
      throw error;
    }
    this.#succeeded();
  }

  /** Writes the conversation's queued changes within saveIntervalMs. */
  soon(id: string): void {
    if (this.#timers.has(id) || this.#stopped) return;
    const timer = setTimeout(() => {
      this.#timers.delete(id);
      const file = this.#options.files.get(id);
      if (file) this.save(id, file, { sync: false }).catch(() => {});
    }, this.#options.saveIntervalMs);
    this.#timers.set(id, timer);
  }

  cancel(id: string): void {
    clearTimeout(this.#timers.get(id));
    this.#timers.delete(id);
  }

  /** Writes every conversation with changes not yet on disk; returns the ones that failed. */
  async saveAllPending(): Promise<SaveFailure[]> {
    for (const id of [...this.#timers.keys()]) this.cancel(id);
    const pending = [...this.#options.files].filter(([, f]) => f.unsaved || f.hasQueued);
    return this.#saveEach(pending.map(([id]) => id));
  }

  /**
   * At start-up: writes the repairs loading made. What cannot be written (a
   * full disk) stays in memory with one warning and is retried; start-up goes on.
   */
  async saveRepairs(): Promise<void> {
    const failures = await this.saveAllPending();
    if (failures.length === 0) return;
    this.#options.logger.warn('conversations_unsaved', {
      count: failures.length,
      conversationIds: failures.map((f) => f.id),
      problem: describeSaveError(failures[0]?.error),
      retryInMs: this.retryMs,
    });
    this.retryLater();
  }

  /**
   * At shutdown: stops the timers, writes what is pending and waits for every
   * write. If a last write fails, it logs it and rejects with an Error that
   * says how many conversations were not saved and why.
   */
  async saveAtExit(): Promise<void> {
    this.stop();
    const failures = await this.saveAllPending();
    await Promise.all([...this.#options.files.values()].map((file) => file.settled()));
    if (failures.length === 0) return;
    const problem = describeSaveError(failures[0]?.error);
    this.#options.logger.error('conversations_not_saved_at_exit', {
      count: failures.length,
      conversationIds: failures.map((f) => f.id),
      problem,
    });
    throw new Error(
      `Hearth could not save ${failures.length} conversation(s) before closing: ${problem}`,
      { cause: failures[0]?.error },
    );
  }

  /** Keeps retrying the conversations that could not be saved. */
  retryLater(): void {
    if (this.#retryTimer !== undefined || this.#stopped) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      void this.#retryUnsaved();
    }, this.#options.retryMs);
  }

  /** No timer runs after this; saves asked for explicitly still run. */
  stop(): void {
    this.#stopped = true;
    for (const id of [...this.#timers.keys()]) this.cancel(id);
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
  }

  async #saveEach(ids: string[]): Promise<SaveFailure[]> {
    const failures: SaveFailure[] = [];
    for (const id of ids) {
      const file = this.#options.files.get(id);
      if (!file) continue;
      try {
        await file.save(() => this.#options.current(id), { sync: true });
      } catch (error) {
        failures.push({ id, error });
      }
    }
    return failures;
  }

  #failed(id: string, error: unknown, wasUnsaved: boolean): void {
    if (!wasUnsaved) {
      this.#options.logger.error('conversation_save_failed', {
        conversationId: id,
        error: describeSaveError(error),
      });
    }
    this.retryLater();
  }

  /** A save worked, so there may be room again: retry the ones that failed. */
  #succeeded(): void {
    for (const file of this.#options.files.values()) {
      if (file.unsaved) {
        void this.#retryUnsaved();
        return;
      }
    }
  }

  async #retryUnsaved(): Promise<void> {
    if (this.#retrying) return;
    this.#retrying = true;
    try {
      const ids = [...this.#options.files].filter(([, f]) => f.unsaved).map(([id]) => id);
      const failures = await this.#saveEach(ids);
      const saved = ids.length - failures.length;
      if (saved > 0) this.#options.logger.info('conversations_saved_again', { count: saved });
      if (failures.length > 0) this.retryLater();
    } finally {
      this.#retrying = false;
    }
  }
}
