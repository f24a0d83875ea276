// Deleted conversations, kept a short while so a delete can be undone. A
// delete renames <id>.json (then <id>.journal) to <name>.deleted-<ms since
// epoch> in the same folder: a rename needs no free space and is atomic, so
// a crash in the undo window loses nothing, and the conversation stays out of
// the list because only <id>.json is loaded. Undo renames the files back
// (the journal first, the JSON last: the JSON's rename is what brings it back).
//
// Trash is removed for good once the window has passed: by a timer this class
// owns while Hearth runs, and at start-up for what an earlier run left. The
// time in the name is the wall clock, read only at start-up; while running,
// expiry follows a monotonic clock, so a clock set at boot (a Pi without a
// network) neither purges early nor keeps trash forever.
import { join } from 'node:path';
import { conversation as conversationSchema, type Conversation } from '../../shared/api';
import type { ConversationStarter } from '../../shared/conversationStarter';
import { removeDurably } from '../base/atomicWrite';
import { errorCode, type StorageFileSystem } from '../base/fileSystem';
import type { Logger } from '../base/log';
import { JOURNAL_SUFFIX } from './journal';

export const TRASH_MARK = '.deleted-';

/** <uuid>.json.deleted-<ms> or <uuid>.journal.deleted-<ms>. */
const TRASH_NAME = new RegExp(
  `^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\\.(json|journal)\\.deleted-(\\d{1,15})$`,
);

export function trashName(fileName: string, deletedAt: number): string {
  return `${fileName}${TRASH_MARK}${deletedAt}`;
}

export interface TrashName {
  id: string;
  kind: 'json' | 'journal';
  deletedAt: number;
  /** The file's name before it was deleted. */
  live: string;
}

export function parseTrashName(name: string): TrashName | undefined {
  const match = TRASH_NAME.exec(name);
  if (!match?.[1] || !match[2] || !match[3]) return undefined;
  const kind = match[2] === 'json' ? 'json' : 'journal';
  const live = kind === 'json' ? `${match[1]}.json` : `${match[1]}${JOURNAL_SUFFIX}`;
  return { id: match[1], kind, deletedAt: Number(match[3]), live };
}

/** One file moved to trash, by name within the conversations folder. */
export interface TrashedFile {
  live: string;
  trashed: string;
}

export interface TrashedConversation {
  id: string;
  /** Wall clock at the delete; the files' names carry it. */
  deletedAt: number;
  /** The JSON first, then the journal if there was one. */
  files: TrashedFile[];
  /** Known when deleted by this run; read from the trashed JSON otherwise. */
  startedBy?: ConversationStarter;
  /**
   * The conversation as memory held it, when deleted by this run: a change a
   * full disk kept from the files comes back with it too.
   */
  conversation?: Conversation;
  /** Whether the files held everything memory did when they were moved. */
  complete: boolean;
}

export interface ConversationTrashOptions {
  fs: StorageFileSystem;
  dir: string;
  logger: Logger;
  /** Wall clock: names the trash, and dates what an earlier run left. */
  now: () => number;
  /** A clock that never jumps, for expiry while running. */
  monotonic: () => number;
  windowMs: number;
}

export class ConversationTrash {
  readonly #options: ConversationTrashOptions;
  /** By conversation id, with the monotonic time each one expires. */
  readonly #entries = new Map<string, { entry: TrashedConversation; expiresAt: number }>();
  /** Being brought back: not purged, and not claimed twice. */
  readonly #claimed = new Set<string>();
  readonly #pending = new Set<Promise<unknown>>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #disposed = false;

  constructor(options: ConversationTrashOptions) {
    this.#options = options;
  }

  get windowMs(): number {
    return this.#options.windowMs;
  }

  /** Conversations that can still be brought back. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * Start-up: finds the trash an earlier run left. What is older than the
   * window (or dated in the future: the clock was wrong then or is now) is
   * removed; the rest can still be undone until its window ends.
   */
  async load(): Promise<void> {
    const { fs, dir, now, windowMs } = this.#options;
    const groups = new Map<string, { id: string; deletedAt: number; names: TrashName[] }>();
    for (const name of await fs.readdir(dir)) {
      const parsed = parseTrashName(name);
      if (!parsed) continue;
      const key = `${parsed.id} ${parsed.deletedAt}`;
      const group = groups.get(key) ?? { id: parsed.id, deletedAt: parsed.deletedAt, names: [] };
      group.names.push(parsed);
      groups.set(key, group);
    }
    // The newest trash of a conversation is the one to bring back; older ones are superseded.
    const newest = new Map<string, number>();
    for (const { id, deletedAt, names } of groups.values()) {
      if (names.some((n) => n.kind === 'json') && deletedAt > (newest.get(id) ?? -1)) {
        newest.set(id, deletedAt);
      }
    }
    const at = now();
    for (const { id, deletedAt, names } of groups.values()) {
      const files = names
        .sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'json' ? -1 : 1))
        .map((n) => ({ live: n.live, trashed: trashName(n.live, n.deletedAt) }));
      const age = at - deletedAt;
      if (newest.get(id) !== deletedAt || age < 0 || age >= windowMs) {
        await this.#purge({ id, deletedAt, files, complete: true }, 'start-up');
        continue;
      }
      this.#keep({ id, deletedAt, files, complete: true }, windowMs - age);
    }
    this.#schedule();
  }

  /** Records a conversation whose files were just moved to trash. */
  add(entry: TrashedConversation): void {
    if (this.#disposed) return;
    this.#keep(entry, this.#options.windowMs);
    this.#schedule();
  }

  has(id: string): boolean {
    return this.#entries.has(id);
  }

  /**
   * Claims a trashed conversation to bring it back: it is not purged until
   * release(). Undefined when it is gone (or another undo has it).
   */
  claim(id: string): TrashedConversation | undefined {
    const held = this.#entries.get(id);
    if (!held || this.#claimed.has(id)) return undefined;
    this.#claimed.add(id);
    return held.entry;
  }

  /** Ends a claim: the conversation is back (and leaves the trash), or stays trash as before. */
  release(id: string, restored: boolean): void {
    this.#claimed.delete(id);
    if (restored) this.#entries.delete(id);
    this.#schedule();
  }

  /** Who started a trashed conversation, read from its JSON when this run did not delete it. */
  async starterOf(entry: TrashedConversation): Promise<ConversationStarter | undefined> {
    if (entry.startedBy !== undefined || entry.conversation) return entry.startedBy;
    const json = entry.files[0];
    if (!json) return undefined;
    try {
      const text = await this.#options.fs.readFile(join(this.#options.dir, json.trashed));
      const parsed = conversationSchema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data.startedBy : undefined;
    } catch {
      // Unreadable: it would be set aside on restore anyway; the owner's, so no phone may.
      return undefined;
    }
  }

  /** Renames the files back: the journal first, the JSON (which makes it live again) last. */
  async restoreFiles(entry: TrashedConversation): Promise<void> {
    const { fs, dir } = this.#options;
    for (const file of [...entry.files].reverse()) {
      await fs.rename(join(dir, file.trashed), join(dir, file.live));
    }
    await fs.syncDirectory(dir);
  }

  /** Waits for a trash operation the store started (a move), so dispose() can wait for it too. */
  track<T>(operation: Promise<T>): Promise<T> {
    this.#pending.add(operation);
    const forget = () => this.#pending.delete(operation);
    operation.then(forget, forget);
    return operation;
  }

  /**
   * Stops the timer and waits for moves and removals under way. Trash still
   * in its window stays on disk: the next start-up removes it once it is old.
   */
  async dispose(): Promise<void> {
    this.#disposed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  #keep(entry: TrashedConversation, remainingMs: number): void {
    this.#entries.set(entry.id, { entry, expiresAt: this.#options.monotonic() + remainingMs });
  }

  /** One timer, for the trash that expires first. */
  #schedule(): void {
    if (this.#disposed) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    let first = Infinity;
    for (const [id, { expiresAt }] of this.#entries) {
      if (!this.#claimed.has(id)) first = Math.min(first, expiresAt);
    }
    if (first === Infinity) return;
    const delay = Math.max(0, first - this.#options.monotonic());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.track(this.#purgeExpired());
    }, delay);
  }

  async #purgeExpired(): Promise<void> {
    const now = this.#options.monotonic();
    for (const [id, { entry, expiresAt }] of [...this.#entries]) {
      if (expiresAt > now || this.#claimed.has(id)) continue;
      this.#entries.delete(id);
      await this.#purge(entry, 'expired');
    }
    this.#schedule();
  }

  /** Removes trash for good: the journal first, so a crash never leaves a JSON without its journal. */
  async #purge(entry: TrashedConversation, why: 'expired' | 'start-up'): Promise<void> {
    const { fs, dir, logger } = this.#options;
    const paths = [...entry.files].reverse().map((f) => join(dir, f.trashed));
    try {
      await removeDurably(fs, ...paths);
      logger.info('conversation_purged', { conversationId: entry.id, why });
    } catch (error) {
      // Tried again at the next start-up; nothing depends on it before then.
      if (errorCode(error) !== 'ENOENT') {
        logger.warn('conversation_purge_failed', {
          conversationId: entry.id,
          error: (error as Error).message,
        });
      }
    }
  }
}
