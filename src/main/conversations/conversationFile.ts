// The files of one conversation: <id>.json, rewritten whole now and then, and
// <id>.journal, appended while it changes. Writes run one at a time, in order.
import { join } from 'node:path';
import type { Conversation } from '../../shared/api';
import { writeFileAtomic } from '../base/atomicWrite';
import { errorCode, type StorageFileSystem } from '../base/fileSystem';
import {
  applyRecord,
  contentHash,
  encodeRecords,
  JOURNAL_SUFFIX,
  journalHeader,
  type AddRecord,
  type JournalRecord,
  type MessagePatch,
} from './journal';
import { trashName, type TrashedFile } from './trash';

/**
 * The journal is folded into the JSON once it is this many times the JSON's
 * size: rarely enough that rewrites stay a small share of what streaming
 * writes, often enough that a restart replays little.
 */
const JOURNAL_RATIO = 4;
/** A JSON this small costs no more to rewrite than a journal line (one flash page). */
const SMALL_JSON_BYTES = 4096;

export interface ConversationFileOptions {
  fs: StorageFileSystem;
  dir: string;
  id: string;
  /** Streamed text is fsynced at most this often; changes of status at once. */
  textSyncMs: number;
  monotonic: () => number;
}

/** What is on disk when the store opens a conversation. */
export interface DiskState {
  /** Hash of the JSON text on disk; undefined before the first write. */
  base: string | undefined;
  jsonBytes: number;
  /** True when a journal file exists. */
  hasJournal: boolean;
  /**
   * Its size when it ended cleanly (every line whole, for this JSON), so more
   * can be appended to it; undefined means it is folded in at the next write.
   */
  cleanJournalBytes?: number;
  /** Memory holds changes the files may lack. */
  unsaved: boolean;
}

export interface SaveOptions {
  /** fsync before resolving. */
  sync: boolean;
  /** Messages to add: written first, and only then added to memory by `commit`. */
  add?: AddRecord;
}

export class ConversationFile {
  readonly #options: ConversationFileOptions;
  readonly #jsonPath: string;
  readonly #journalPath: string;
  #base: string | undefined;
  #jsonBytes: number;
  /** Bytes in the journal. */
  #journalBytes: number;
  /** The journal file may exist (after a failed write it is assumed to). */
  #journalExists: boolean;
  #unsaved: boolean;
  #lastSync = 0;
  /** Changes already made in memory, in order, waiting for the next write. */
  #queue: JournalRecord[] = [];
  #writes: Promise<void> = Promise.resolve();

  constructor(options: ConversationFileOptions, state: DiskState) {
    this.#options = options;
    this.#jsonPath = join(options.dir, `${options.id}.json`);
    this.#journalPath = join(options.dir, `${options.id}${JOURNAL_SUFFIX}`);
    this.#base = state.base;
    this.#jsonBytes = state.jsonBytes;
    this.#journalExists = state.hasJournal;
    this.#journalBytes = state.cleanJournalBytes ?? 0;
    // Appending after a torn or stale line would hide the new lines from a replay.
    this.#unsaved = state.unsaved || (state.hasJournal && state.cleanJournalBytes === undefined);
  }

  /** Memory holds changes that a failed write did not store; the next write rewrites the JSON. */
  get unsaved(): boolean {
    return this.#unsaved;
  }

  get hasQueued(): boolean {
    return this.#queue.length > 0;
  }

  queueText(index: number, text: string): void {
    const last = this.#queue.at(-1);
    if (last && 't' in last && last.i === index) last.t += text;
    else this.#queue.push({ i: index, t: text });
  }

  queuePatch(index: number, patch: MessagePatch, at: number | undefined): void {
    this.#queue.push(at === undefined ? { i: index, set: patch } : { i: index, set: patch, at });
  }

  /**
   * Writes what is queued (and `add`), after the writes before it. `current`
   * reads the conversation when the write starts; undefined means it was
   * deleted, and nothing is written. `commit` runs once the write succeeded.
   */
  save(
    current: () => Conversation | undefined,
    options: SaveOptions,
    commit?: () => void,
  ): Promise<void> {
    const write = this.#writes.then(async () => {
      const conversation = current();
      if (!conversation) {
        this.#queue = [];
        return;
      }
      // Taken in the same tick as `conversation` is read, so memory and records agree.
      const records = this.#queue.splice(0);
      if (options.add) records.push(options.add);
      try {
        await this.#write(conversation, records, options);
      } catch (error) {
        // A journal line may be half written: from now on only a full rewrite is safe.
        this.#unsaved = true;
        this.#journalExists = true;
        throw error;
      }
      commit?.();
    });
    // A failed write must not block the ones after it.
    this.#writes = write.catch(() => {});
    return write;
  }

  /** Resolves once every write started so far has ended. */
  /**
   * Writes a conversation that has no file yet, synced. If that fails, no
   * trace of it is left (the rename may have happened before the directory
   * fsync failed) and the error is rethrown.
   */
  async saveNew(conversation: Conversation): Promise<void> {
    try {
      await this.save(() => conversation, { sync: true });
    } catch (error) {
      const { fs, dir, id } = this.#options;
      await fs.remove(join(dir, `${id}.json`)).catch(() => {});
      throw error;
    }
  }

  settled(): Promise<void> {
    return this.#writes;
  }

  /**
   * Moves the files to trash (see trash.ts), after the writes before it: the
   * JSON first, then the journal. Changes still queued are written first, so
   * the trash holds what memory does; if that fails (a full disk) the move
   * goes on, and `complete` says the files lack something.
   */
  moveToTrash(
    conversation: Conversation,
    deletedAt: number,
  ): Promise<{ files: TrashedFile[]; complete: boolean }> {
    const move = this.#writes.then(async () => {
      const { fs, dir, id } = this.#options;
      const records = this.#queue.splice(0);
      let complete = true;
      if (records.length > 0 || this.#unsaved) {
        try {
          await this.#write(conversation, records, { sync: true });
        } catch {
          complete = false;
        }
      }
      const files: TrashedFile[] = [];
      for (const live of [`${id}.json`, `${id}${JOURNAL_SUFFIX}`]) {
        const trashed = trashName(live, deletedAt);
        try {
          await fs.rename(join(dir, live), join(dir, trashed));
        } catch (error) {
          // A journal may not be there (none yet, or folded into the JSON).
          if (live !== `${id}.json` && errorCode(error) === 'ENOENT') continue;
          throw error;
        }
        files.push({ live, trashed });
      }
      await fs.syncDirectory(dir);
      return { files, complete };
    });
    this.#writes = move.then(
      () => {},
      () => {},
    );
    return move;
  }

  async #write(
    conversation: Conversation,
    records: JournalRecord[],
    options: SaveOptions,
  ): Promise<void> {
    if (records.length === 0 && !this.#unsaved) return;
    const lines = encodeRecords(records);
    const journalAfter = this.#journalBytes + Buffer.byteLength(lines);
    if (
      this.#unsaved ||
      this.#base === undefined ||
      this.#jsonBytes + journalAfter <= SMALL_JSON_BYTES ||
      journalAfter > this.#jsonBytes * JOURNAL_RATIO
    ) {
      let whole = conversation;
      if (options.add) {
        whole = structuredClone(conversation);
        applyRecord(whole, options.add);
      }
      await this.#compact(JSON.stringify(whole));
    } else {
      await this.#append(lines, options.sync);
    }
  }

  /** Rewrites the JSON with everything, then drops the journal it replaces. */
  async #compact(text: string): Promise<void> {
    const { fs } = this.#options;
    await writeFileAtomic(fs, this.#jsonPath, text);
    this.#base = contentHash(text);
    this.#jsonBytes = Buffer.byteLength(text);
    this.#unsaved = false;
    if (this.#journalExists) {
      // No directory fsync: if the removal is lost, the journal names the old
      // JSON text and is not applied on load.
      await fs.remove(this.#journalPath);
      this.#journalExists = false;
    }
    this.#journalBytes = 0;
  }

  async #append(lines: string, sync: boolean): Promise<void> {
    const { fs, textSyncMs, monotonic } = this.#options;
    const creating = !this.#journalExists;
    const data = creating ? journalHeader(this.#base ?? '') + lines : lines;
    const file = await fs.open(this.#journalPath, creating ? 'wx' : 'a');
    this.#journalExists = true;
    try {
      await file.write(data);
      if (creating || sync || monotonic() - this.#lastSync >= textSyncMs) {
        await file.sync();
        this.#lastSync = monotonic();
      }
    } finally {
      await file.close();
    }
    // A new file's name must be durable too, or power loss could drop the whole journal.
    if (creating) await fs.syncDirectory(this.#options.dir);
    this.#journalBytes += Buffer.byteLength(data);
  }
}
