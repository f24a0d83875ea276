// Each conversation's evaluated state on disk, so a conversation that left its
// session slot, or Hearth itself, continues without evaluating its history
// again. Files are written under a temporary name, fsynced and renamed, and
// only then named in the index (written atomically): a crash at any point leaves
// either the old entry or the new one, and files the index does not name are
// removed at the next start. Before a file is handed to llama.cpp its size,
// sha256 and header are checked against the index; anything wrong removes it,
// with one log line. The total stays under a budget, least recently used out.
import { createHash, randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { removeDurably, renameDurably, writeFileAtomic } from '../../base/atomicWrite';
import { nodeFileSystem, syncFile, type StorageFileSystem } from '../../base/fileSystem';
import type { Logger } from '../../base/log';
import { fileSha256, readStateHeader } from './stateFile';
import { INDEX_FILE, readStateIndex, type StateEntry } from './stateIndex';

/** Where the states live: beside the conversations, in the data directory. */
export function stateCacheDirectory(dataDir: string): string {
  return join(dataDir, 'state-cache');
}

export interface StateCacheOptions {
  dir: string;
  /** Bytes all states may take together; 0 turns the cache off. */
  budgetBytes: number;
  logger: Logger;
  fs?: StorageFileSystem;
  now?: () => number;
}

/** What a state was saved under, and must match to be loaded. */
export interface StateStamp {
  key: string;
  /** turnsDigest() of the turns the state holds. */
  turnsDigest: string;
  /** How many turns that is: the conversation's last ones. */
  turns: number;
}

/** What a state must match to be loaded now. */
export interface StateExpectation {
  key: string;
  /** The digest of the conversation's last `turns` turns as the store has them now. */
  digestOfLast(turns: number): string | undefined;
}

/** Writes a state to the given path (LlamaContextSequence.saveStateToFile). */
export type WriteState = (path: string) => Promise<unknown>;

export class ConversationStateCache {
  readonly #dir: string;
  readonly #logger: Logger;
  readonly #fs: StorageFileSystem;
  readonly #now: () => number;
  readonly #entries = new Map<string, StateEntry>();
  #budget: number;
  /** Index writes and file moves, one at a time. */
  #work: Promise<unknown> = Promise.resolve();
  /** The index has been read and the folder exists. */
  readonly #loaded: Promise<void>;
  /** A state was used since the index was last written: its place in the order is news. */
  #usedSinceWrite = false;

  /** Reads the index in the background and removes what it does not vouch for. */
  constructor(options: StateCacheOptions) {
    this.#dir = options.dir;
    this.#logger = options.logger;
    this.#fs = options.fs ?? nodeFileSystem;
    this.#now = options.now ?? Date.now;
    this.#budget = options.budgetBytes;
    this.#loaded = this.#load().catch((error: unknown) => {
      // Without its folder the cache holds nothing: conversations are evaluated as before.
      this.#budget = 0;
      this.#logger.warn('state_cache_unavailable', { dir: this.#dir, error: String(error) });
    });
    this.#work = this.#loaded;
  }

  /** A cache whose index has been read. */
  static async open(options: StateCacheOptions): Promise<ConversationStateCache> {
    const cache = new ConversationStateCache(options);
    await cache.settled();
    return cache;
  }

  get enabled(): boolean {
    return this.#budget > 0;
  }

  get totalBytes(): number {
    let total = 0;
    for (const entry of this.#entries.values()) total += entry.bytes;
    return total;
  }

  /** Conversations with a saved state, least recently used first. */
  conversations(): string[] {
    return [...this.#entries.values()]
      .sort((a, b) => a.lastUsed - b.lastUsed)
      .map((entry) => entry.conversationId);
  }

  /** A new budget: states over it go, least recently used first; 0 removes them all. */
  setBudget(bytes: number): Promise<void> {
    this.#budget = bytes;
    return this.#serial(() => this.#fitBudget());
  }

  /**
   * Saves the conversation's state: `write` writes it to a temporary file, which
   * becomes the conversation's state once it is on disk. Returns the bytes
   * written, or 0 when the cache is off or the state alone is over the budget.
   */
  async save(conversationId: string, stamp: StateStamp, write: WriteState): Promise<number> {
    return (await this.stage(conversationId, stamp, write)).saved;
  }

  /**
   * Writes the state to a temporary file now, and resolves once it is written:
   * the sequence it came from may then be reused. Making it durable (fsync,
   * checksum, rename, index) follows in the background, off the next answer's
   * way; `saved` resolves with the bytes kept once it is done (0: not kept).
   */
  async stage(
    conversationId: string,
    stamp: StateStamp,
    write: WriteState,
  ): Promise<{ saved: Promise<number> }> {
    await this.#loaded;
    if (!this.enabled) return { saved: Promise.resolve(0) };
    const name = `${fileTag(conversationId)}-${randomBytes(6).toString('hex')}.state`;
    const temp = join(this.#dir, `${name}.tmp`);
    try {
      await write(temp);
    } catch (error) {
      await this.#fs.remove(temp).catch(() => {});
      throw error;
    }
    return { saved: this.#serial(() => this.#keep(conversationId, stamp, name, temp)) };
  }

  /** Makes a written state the conversation's: on disk, checked, named in the index. */
  async #keep(
    conversationId: string,
    stamp: StateStamp,
    name: string,
    temp: string,
  ): Promise<number> {
    let bytes: number;
    try {
      await syncFile(temp);
      bytes = (await stat(temp)).size;
      if (bytes > this.#budget) {
        await this.#fs.remove(temp);
        this.#logger.info('state_over_budget', { conversationId, bytes, budget: this.#budget });
        return 0;
      }
      const header = await readStateHeader(temp, bytes);
      if ('problem' in header) throw new Error(`llama.cpp wrote a bad state: ${header.problem}`);
      const sha256 = await fileSha256(temp);
      await renameDurably(this.#fs, temp, join(this.#dir, name));
      const old = this.#entries.get(conversationId);
      this.#entries.set(conversationId, {
        conversationId,
        file: name,
        bytes,
        sha256,
        ...stamp,
        tokens: header.tokens,
        lastUsed: this.#now(),
      });
      await this.#writeIndex();
      if (old) await removeDurably(this.#fs, join(this.#dir, old.file));
    } catch (error) {
      await this.#fs.remove(temp).catch(() => {});
      throw error;
    }
    await this.#fitBudget(conversationId);
    return bytes;
  }

  /**
   * The path of the conversation's state if it may be loaded now: saved under the
   * same key and the same turns, and its bytes are the ones saved. A state that
   * fails a check is removed.
   */
  async usable(
    conversationId: string,
    expected: StateExpectation,
  ): Promise<{ path: string; turns: number } | undefined> {
    // Not queued behind the writes in progress (another conversation's state being
    // made durable): the person is waiting for this one. Only a refusal is queued.
    await this.#loaded;
    const entry = this.#entries.get(conversationId);
    if (!entry || !this.enabled) return undefined;
    const path = join(this.#dir, entry.file);
    const problem = await this.#problem(entry, path, expected);
    if (problem) {
      this.#logger.warn('state_refused', { conversationId, reason: problem });
      await this.#serial(() => this.#drop(conversationId, entry));
      return undefined;
    }
    entry.lastUsed = this.#now();
    this.#usedSinceWrite = true;
    return { path, turns: entry.turns };
  }

  /** Writes down which states were used lately, if that changed (an orderly shutdown). */
  rememberUse(): Promise<void> {
    return this.#serial(async () => {
      if (this.#usedSinceWrite && this.enabled) await this.#writeIndex();
    });
  }

  /** Forgets the conversation's state (it was deleted). */
  remove(conversationId: string): Promise<void> {
    return this.#serial(() => this.#drop(conversationId));
  }

  /** Removes every state saved under another key (a new model, context or system prompt). */
  retainOnly(key: string): Promise<void> {
    return this.#serial(async () => {
      const stale = [...this.#entries.values()].filter((entry) => entry.key !== key);
      if (stale.length === 0) return;
      for (const entry of stale) this.#entries.delete(entry.conversationId);
      await this.#writeIndex();
      await removeDurably(this.#fs, ...stale.map((entry) => join(this.#dir, entry.file)));
      this.#logger.info('states_invalidated', { count: stale.length });
    });
  }

  /** Waits for the writes in progress. */
  settled(): Promise<void> {
    return this.#work.then(
      () => {},
      () => {},
    );
  }

  async #problem(
    entry: StateEntry,
    path: string,
    expected: StateExpectation,
  ): Promise<string | undefined> {
    if (entry.key !== expected.key) return 'saved for another model, context or system prompt';
    if (entry.turnsDigest !== expected.digestOfLast(entry.turns)) {
      return 'the conversation changed since it was saved';
    }
    let bytes: number;
    try {
      bytes = (await stat(path)).size;
    } catch {
      return 'its file is missing';
    }
    if (bytes !== entry.bytes) return `its file holds ${bytes} bytes, not the ${entry.bytes} saved`;
    if ((await fileSha256(path)) !== entry.sha256) return 'its checksum does not match';
    const header = await readStateHeader(path, bytes);
    if ('problem' in header) return header.problem;
    if (header.tokens !== entry.tokens)
      return `it holds ${header.tokens} tokens, not ${entry.tokens}`;
    return undefined;
  }

  /** Forgets the conversation's state; only `expected` when given (not a newer one saved since). */
  async #drop(conversationId: string, expected?: StateEntry): Promise<void> {
    const entry = this.#entries.get(conversationId);
    if (!entry || (expected && entry !== expected)) return;
    this.#entries.delete(conversationId);
    await this.#writeIndex();
    await removeDurably(this.#fs, join(this.#dir, entry.file));
  }

  /** Removes least recently used states until the total fits; `keep` goes last. */
  async #fitBudget(keep?: string): Promise<void> {
    const order = [...this.#entries.values()].sort(
      (a, b) =>
        Number(a.conversationId === keep) - Number(b.conversationId === keep) ||
        a.lastUsed - b.lastUsed,
    );
    const gone: StateEntry[] = [];
    let total = this.totalBytes;
    for (const entry of order) {
      if (total <= this.#budget) break;
      total -= entry.bytes;
      gone.push(entry);
      this.#entries.delete(entry.conversationId);
    }
    if (gone.length === 0) return;
    await this.#writeIndex();
    await removeDurably(this.#fs, ...gone.map((entry) => join(this.#dir, entry.file)));
    this.#logger.info('states_evicted', { count: gone.length, budget: this.#budget });
  }

  #writeIndex(): Promise<void> {
    this.#usedSinceWrite = false;
    const index = { version: 1, entries: [...this.#entries.values()] };
    return writeFileAtomic(this.#fs, join(this.#dir, INDEX_FILE), JSON.stringify(index));
  }

  async #load(): Promise<void> {
    const entries = await readStateIndex(this.#fs, this.#dir, this.#logger);
    for (const entry of entries) this.#entries.set(entry.conversationId, entry);
    await this.#fitBudget();
  }

  #serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#work.then(task, task);
    this.#work = run.catch(() => {});
    return run;
  }
}

/** A conversation's files start with a tag of its id: ids never reach a path. */
function fileTag(conversationId: string): string {
  return createHash('sha256').update(conversationId).digest('hex').slice(0, 16);
}
