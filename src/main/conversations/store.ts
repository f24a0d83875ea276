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
// A delete can be undone for a short while: the files move to trash and
// restore() moves them back (deletion.ts, trash.ts). Who started a conversation is
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
import { moveToTrash, nothingToRestore, restoreDeleted, type DeletionContext } from './deletion';
import { loadConversations } from './loadConversations';
import { appendText, locateMessage, updateMessage, type MessageEditContext } from './messageEdits';
import { describeSaveError, saveFailure } from './saveFailure';
import { SaveScheduler } from './saveScheduler';
import { titleFrom, UNTITLED } from './title';
import { ConversationTrash } from './trash';

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
  readonly #deletion: DeletionContext;
  readonly #edits: MessageEditContext;
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
    this.#deletion = {
      fs: this.#fs,
      dir: this.#dir,
      logger: this.#logger,
      now: this.#now,
      trash: this.#trash,
    };
    this.#edits = {
      conversations: this.#conversations,
      files: this.#files,
      saving: this.#saving,
      now: this.#now,
    };
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
    await this.#saving.saveRepairs();
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
    const found = locateMessage(this.#conversations, conversationId, messageId);
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
      await file.saveNew(created);
    } catch (error) {
      this.#logger.error('conversation_save_failed', {
        conversationId: created.id,
        error: describeSaveError(error),
      });
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
   * to trash, durably, where restore() can find them for the undo window
   * (deletion.ts). False if there was no such conversation.
   */
  async delete(id: string): Promise<boolean> {
    assertUuid(id, 'conversation');
    const conversation = this.#conversations.get(id);
    const file = this.#files.get(id);
    if (!conversation || !file) return false;
    this.#conversations.delete(id);
    this.#files.delete(id);
    this.#saving.cancel(id);
    await moveToTrash(this.#deletion, { id, conversation, file });
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
    // Nothing in the trash can stand for a conversation that is here.
    if (this.#conversations.has(id)) throw nothingToRestore(this.#trash);
    const { conversation, state } = await restoreDeleted(this.#deletion, id, allowed);
    this.#conversations.set(id, conversation);
    this.#files.set(id, this.#newFile(id, state));
    if (state.unsaved) this.#saving.soon(id);
    this.#logger.info('conversation_restored', { conversationId: id });
    const summary = this.list().find((s) => s.id === id);
    if (!summary) throw new ApiFailure('internal', 'Hearth could not bring the conversation back');
    return summary;
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
  updateMessage(
    conversationId: string,
    messageId: string,
    patch: MessagePatch,
    save: 'now' | 'soon' = 'now',
  ): Promise<Message | undefined> {
    return updateMessage(this.#edits, conversationId, messageId, patch, save);
  }

  /** Streamed text: in memory at once, appended to the journal at most every saveIntervalMs. */
  appendText(conversationId: string, messageId: string, text: string): void {
    appendText(this.#edits, conversationId, messageId, text);
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
      await this.#saving.saveAtExit();
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
}
