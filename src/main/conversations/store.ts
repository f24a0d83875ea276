// Conversations in memory, kept on disk under <dataDir>/conversations: per
// conversation a JSON file, replaced atomically now and then, and a journal of
// the changes since (see journal.ts). Streamed text is appended every
// saveIntervalMs, so after kill -9 a restart finds every completed message and
// the partial answer, which it marks interrupted.
//
// A full disk must not stop Hearth: start-up succeeds with unsaved repairs kept
// in memory; a prompt whose save fails is refused and leaves no trace; changes
// that failed to save are written once a later save succeeds or a retry does.
//
// A delete can be undone for a short while: the files move to trash (see
// trash.ts) and restore() moves them back. Who started a conversation is
// recorded in its file; who may delete it is the service's call.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import {
  UNDO_DELETE_WINDOW_MS,
  type Conversation,
  type ConversationSummary,
  type Message,
} from '../../shared/api';
import { OWNER_STARTER, type ConversationStarter } from '../../shared/conversationStarter';
import type { Logger } from '../base/log';
import { ApiFailure } from '../contracts/failure';
import { nodeFileSystem, type StorageFileSystem } from '../base/fileSystem';
import { ConversationFile, type DiskState } from './conversationFile';
import { assertUuid } from './ids';
import { applyRecord, type AddRecord, type MessagePatch } from './journal';
import { loadConversations, readConversation, recoverInterrupted } from './loadConversations';
import { describeSaveError, saveFailure } from './saveFailure';
import { SaveScheduler } from './saveScheduler';
import { titleFrom, UNTITLED } from './title';
import { ConversationTrash, type TrashedConversation } from './trash';

export type { MessagePatch } from './journal';

export interface ConversationStoreOptions {
  /** The conversations directory, usually <dataDir>/conversations. */
  dir: string;
  logger: Logger;
  /** How often a streaming answer's new text is appended to its journal (default 500 ms). */
  saveIntervalMs?: number;
  /** Streamed text is fsynced at most this often (default 5 s); other changes at once. */
  textSyncMs?: number;
  /** How often changes that failed to save (a full disk) are tried again (default 5 s). */
  retryMs?: number;
  /** Timestamps for createdAt and updatedAt. */
  now?: () => number;
  /** Where the files are written; node:fs unless a bench counts the writes. */
  fs?: StorageFileSystem;
  /** A clock that never jumps, for the fsync cadence and the undo window. */
  monotonic?: () => number;
  /** How long a deleted conversation can be brought back (default UNDO_DELETE_WINDOW_MS). */
  undoWindowMs?: number;
}

export function conversationsDirectory(dataDir: string): string {
  return join(dataDir, 'conversations');
}

export class ConversationStore implements AsyncDisposable {
  readonly #dir: string;
  readonly #logger: Logger;
  readonly #fs: StorageFileSystem;
  readonly #textSyncMs: number;
  readonly #now: () => number;
  readonly #monotonic: () => number;
  readonly #conversations = new Map<string, Conversation>();
  readonly #files = new Map<string, ConversationFile>();
  readonly #saving: SaveScheduler;
  readonly #trash: ConversationTrash;
  #disposing: Promise<void> | undefined;

  constructor(options: ConversationStoreOptions) {
    this.#dir = options.dir;
    this.#logger = options.logger;
    this.#fs = options.fs ?? nodeFileSystem;
    this.#textSyncMs = options.textSyncMs ?? 5000;
    this.#now = options.now ?? Date.now;
    this.#monotonic = options.monotonic ?? (() => performance.now());
    this.#saving = new SaveScheduler({
      logger: options.logger,
      files: this.#files,
      current: (id) => this.#conversations.get(id),
      saveIntervalMs: options.saveIntervalMs ?? 500,
      retryMs: options.retryMs ?? 5000,
    });
    this.#trash = new ConversationTrash({
      fs: this.#fs,
      dir: this.#dir,
      logger: this.#logger,
      now: this.#now,
      monotonic: this.#monotonic,
      windowMs: options.undoWindowMs ?? UNDO_DELETE_WINDOW_MS,
    });
  }

  get size(): number {
    return this.#conversations.size;
  }

  /**
   * Reads every conversation; sets aside the ones that are corrupt, and
   * removes deleted ones whose undo window has passed. Repairs
   * that cannot be saved (a full disk) stay in memory, with one warning, and
   * are retried; they do not make start-up fail.
   */
  async load(): Promise<void> {
    const loaded = await loadConversations({
      fs: this.#fs,
      dir: this.#dir,
      logger: this.#logger,
      now: this.#now,
    });
    for (const { conversation, state } of loaded) {
      this.#conversations.set(conversation.id, conversation);
      this.#files.set(conversation.id, this.#newFile(conversation.id, state));
    }
    await this.#trash.load();
    const failures = await this.#saving.saveAllPending();
    if (failures.length > 0) {
      this.#logger.warn('conversations_unsaved', {
        count: failures.length,
        conversationIds: failures.map((f) => f.id),
        problem: describeSaveError(failures[0]?.error),
        retryInMs: this.#saving.retryMs,
      });
      this.#saving.retryLater();
    }
    this.#logger.info('conversations_loaded', { count: this.#conversations.size, dir: this.#dir });
  }

  /** Summaries, most recently updated first. */
  list(): ConversationSummary[] {
    return [...this.#conversations.values()]
      .map((c) => ({
        id: c.id,
        title: c.title,
        updatedAt: c.updatedAt,
        messageCount: c.messages.length,
        startedBy: c.startedBy ?? OWNER_STARTER,
      }))
      .sort((a, b) => b.updatedAt - a.updatedAt || a.id.localeCompare(b.id));
  }

  has(id: string): boolean {
    assertUuid(id, 'conversation');
    return this.#conversations.has(id);
  }

  /** A copy of the conversation, or undefined. */
  get(id: string): Conversation | undefined {
    assertUuid(id, 'conversation');
    const found = this.#conversations.get(id);
    return found ? structuredClone(found) : undefined;
  }

  message(conversationId: string, messageId: string): Message | undefined {
    const found = this.#locate(conversationId, messageId);
    return found ? { ...found.message } : undefined;
  }

  /**
   * A new, empty conversation started by `startedBy`, saved before it is
   * returned (else ApiFailure, and no trace).
   */
  async create(startedBy: ConversationStarter = OWNER_STARTER): Promise<Conversation> {
    this.#assertOpen();
    const now = this.#now();
    const created: Conversation = {
      id: randomUUID(),
      title: UNTITLED,
      createdAt: now,
      updatedAt: now,
      messages: [],
      startedBy,
    };
    const state: DiskState = { base: undefined, jsonBytes: 0, hasJournal: false, unsaved: true };
    const file = this.#newFile(created.id, state);
    try {
      await file.save(() => created, { sync: true });
    } catch (error) {
      this.#logger.error('conversation_save_failed', {
        conversationId: created.id,
        error: describeSaveError(error),
      });
      // The rename may have happened before the directory fsync failed.
      await this.#fs.remove(join(this.#dir, `${created.id}.json`)).catch(() => {});
      throw saveFailure(error);
    }
    this.#conversations.set(created.id, created);
    this.#files.set(created.id, file);
    return structuredClone(created);
  }

  /** Who started the conversation (the owner for files from before it was recorded). */
  starterOf(id: string): ConversationStarter | undefined {
    assertUuid(id, 'conversation');
    const found = this.#conversations.get(id);
    return found && (found.startedBy ?? OWNER_STARTER);
  }

  /**
   * Deletes the conversation: it leaves the list at once and its files move
   * to trash, durably, where restore() can find them for the undo window.
   * False if there was no such conversation.
   */
  async delete(id: string): Promise<boolean> {
    assertUuid(id, 'conversation');
    const conversation = this.#conversations.get(id);
    const file = this.#files.get(id);
    if (!conversation || !file) return false;
    this.#conversations.delete(id);
    this.#files.delete(id);
    this.#saving.cancel(id);
    const deletedAt = this.#now();
    let moved;
    try {
      moved = await this.#trash.track(file.moveToTrash(conversation, deletedAt));
    } catch (error) {
      this.#logger.error('conversation_delete_failed', {
        conversationId: id,
        error: describeSaveError(error),
      });
      throw new ApiFailure(
        'internal',
        `Hearth could not delete the conversation: ${describeSaveError(error)}`,
      );
    }
    this.#trash.add({
      id,
      deletedAt,
      files: moved.files,
      startedBy: conversation.startedBy ?? OWNER_STARTER,
      conversation,
      complete: moved.complete,
    });
    return true;
  }

  /**
   * Brings back a conversation deleted within the undo window, exactly as it
   * was, if `allowed` says its starter's conversations may be. Throws
   * ApiFailure: not_found when there is nothing to bring back, forbidden when
   * not allowed.
   */
  async restore(
    id: string,
    allowed: (startedBy: ConversationStarter) => boolean,
  ): Promise<ConversationSummary> {
    assertUuid(id, 'conversation');
    this.#assertOpen();
    const entry = this.#conversations.has(id) ? undefined : this.#trash.claim(id);
    if (!entry) {
      const seconds = Math.max(1, Math.round(this.#trash.windowMs / 1000));
      throw new ApiFailure(
        'not_found',
        `That conversation cannot be brought back: Undo works for ${seconds} seconds after a delete.`,
      );
    }
    let restored = false;
    try {
      const startedBy = (await this.#trash.starterOf(entry)) ?? OWNER_STARTER;
      if (!allowed(startedBy)) {
        throw new ApiFailure(
          'forbidden',
          'Only the device that started this conversation, or the Hearth screen, can bring it back.',
        );
      }
      await this.#reinstate(entry);
      restored = true;
    } finally {
      this.#trash.release(id, restored);
    }
    const summary = this.list().find((s) => s.id === id);
    if (!summary) throw new ApiFailure('internal', 'Hearth could not bring the conversation back');
    return summary;
  }

  /** Moves the files back and reads them; memory's copy wins where the files lack something. */
  async #reinstate(entry: TrashedConversation): Promise<void> {
    const { id } = entry;
    try {
      await this.#trash.restoreFiles(entry);
    } catch (error) {
      this.#logger.error('conversation_restore_failed', {
        conversationId: id,
        error: describeSaveError(error),
      });
      throw new ApiFailure(
        'internal',
        `Hearth could not bring the conversation back: ${describeSaveError(error)}`,
      );
    }
    const hasJournal = entry.files.length > 1;
    const context = { fs: this.#fs, dir: this.#dir, logger: this.#logger, now: this.#now };
    const loaded = await readConversation(context, id, hasJournal);
    if (!loaded) {
      throw new ApiFailure('internal', 'The deleted conversation could not be read back');
    }
    let { conversation, state } = loaded;
    if (entry.conversation && !entry.complete) {
      // The files lacked changes a full disk kept from them: memory has them.
      conversation = entry.conversation;
      recoverInterrupted(conversation);
      state = { ...state, unsaved: true };
    }
    this.#conversations.set(id, conversation);
    this.#files.set(id, this.#newFile(id, state));
    if (state.unsaved) this.#saving.soon(id);
    this.#logger.info('conversation_restored', { conversationId: id });
  }

  /**
   * Appends messages (a prompt and its answer) and saves them before
   * returning. If the save fails, memory is left as it was and an ApiFailure
   * says why ('storage_full' for a full disk): no later save can write them.
   */
  async addMessages(conversationId: string, messages: Message[]): Promise<Conversation> {
    assertUuid(conversationId, 'conversation');
    for (const m of messages) assertUuid(m.id, 'message');
    this.#assertOpen();
    const target = this.#conversations.get(conversationId);
    const file = this.#files.get(conversationId);
    if (!target || !file) throw new ApiFailure('not_found', `No conversation ${conversationId}`);
    let title = target.title;
    for (const m of messages)
      if (title === UNTITLED && m.role === 'user') title = titleFrom(m.text);
    const record: AddRecord = { add: messages.map((m) => ({ ...m })), title, at: this.#now() };
    try {
      // Memory changes only once the messages are on disk.
      await this.#saving.save(conversationId, file, { sync: true, add: record }, () =>
        applyRecord(target, record),
      );
    } catch (error) {
      throw saveFailure(error);
    }
    if (!this.#conversations.has(conversationId)) {
      throw new ApiFailure('not_found', `No conversation ${conversationId}`);
    }
    return structuredClone(target);
  }

  /**
   * Changes a message in memory at once. `save: 'now'` writes before
   * resolving (status changes, final text; a failure rejects with ApiFailure
   * and the change is saved later); `'soon'` writes within saveIntervalMs.
   */
  async updateMessage(
    conversationId: string,
    messageId: string,
    patch: MessagePatch,
    save: 'now' | 'soon' = 'now',
  ): Promise<Message | undefined> {
    const found = this.#locate(conversationId, messageId);
    const file = this.#files.get(conversationId);
    if (!found || !file) return undefined;
    const { conversation, message, index } = found;
    const recorded = { ...patch };
    // The final text usually equals what was streamed: the journal has it already.
    if (recorded.text === message.text) delete recorded.text;
    Object.assign(message, patch);
    const at = save === 'now' ? this.#now() : undefined;
    if (at !== undefined) conversation.updatedAt = at;
    file.queuePatch(index, recorded, at);
    if (save === 'soon') {
      this.#saving.soon(conversationId);
    } else {
      await this.#saving.save(conversationId, file, { sync: true }).catch((error: unknown) => {
        throw saveFailure(error);
      });
    }
    return { ...message };
  }

  /** Streamed text: in memory at once, appended to the journal at most every saveIntervalMs. */
  appendText(conversationId: string, messageId: string, text: string): void {
    const found = this.#locate(conversationId, messageId);
    const file = this.#files.get(conversationId);
    if (!found || !file || text === '') return;
    found.message.text += text;
    file.queueText(found.index, text);
    this.#saving.soon(conversationId);
  }

  /** Writes every pending change now; rejects with the first failure. */
  async flush(): Promise<void> {
    const failures = await this.#saving.saveAllPending();
    if (failures[0]) throw saveFailure(failures[0].error);
  }

  /**
   * Stops the timers, writes what is pending and waits for every write. It
   * always completes and releases the timers; if a last write fails, it logs
   * it and then rejects with an Error that says how many conversations were
   * not saved and why. Calling it again returns the same promise.
   */
  dispose(): Promise<void> {
    this.#disposing ??= (async () => {
      await this.#trash.dispose();
      this.#saving.stop();
      const failures = await this.#saving.saveAllPending();
      await Promise.all([...this.#files.values()].map((file) => file.settled()));
      if (failures.length === 0) return;
      const problem = describeSaveError(failures[0]?.error);
      this.#logger.error('conversations_not_saved_at_exit', {
        count: failures.length,
        conversationIds: failures.map((f) => f.id),
        problem,
      });
      throw new Error(
        `Hearth could not save ${failures.length} conversation(s) before closing: ${problem}`,
        { cause: failures[0]?.error },
      );
    })();
    return this.#disposing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  #newFile(id: string, state: DiskState): ConversationFile {
    const options = {
      fs: this.#fs,
      dir: this.#dir,
      id,
      textSyncMs: this.#textSyncMs,
      monotonic: this.#monotonic,
    };
    return new ConversationFile(options, state);
  }

  #assertOpen(): void {
    if (this.#disposing) throw new ApiFailure('internal', 'Hearth is shutting down');
  }

  #locate(
    conversationId: string,
    messageId: string,
  ): { conversation: Conversation; message: Message; index: number } | undefined {
    assertUuid(conversationId, 'conversation');
    const conversation = this.#conversations.get(conversationId);
    if (!conversation) return undefined;
    // The message that changes is nearly always the last one.
    for (let index = conversation.messages.length - 1; index >= 0; index--) {
      const message = conversation.messages[index];
      if (message?.id === messageId) return { conversation, message, index };
    }
    return undefined;
  }
}
