// Conversations on disk: <dataDir>/conversations/<id>.json, one file each,
// validated on load, replaced atomically on save. Streaming answers are saved
// every saveIntervalMs (not per token), so after kill -9 a restart finds every
// completed message and the partial answer, which it marks interrupted.
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  conversation as conversationSchema,
  type Conversation,
  type ConversationSummary,
  type Message,
} from '../../shared/api';
import type { Logger } from '../base/log';
import { TEMP_SUFFIX, writeFileAtomic } from './atomicWrite';
import { titleFrom, UNTITLED } from './title';

export interface ConversationStoreOptions {
  /** The conversations directory, usually <dataDir>/conversations. */
  dir: string;
  logger: Logger;
  /** How often a streaming answer's partial text is saved. */
  saveIntervalMs?: number;
  now?: () => number;
}

export type MessagePatch = Partial<Omit<Message, 'id' | 'role' | 'createdAt'>>;

export function conversationsDirectory(dataDir: string): string {
  return join(dataDir, 'conversations');
}

export class ConversationStore {
  readonly #dir: string;
  readonly #logger: Logger;
  readonly #saveIntervalMs: number;
  readonly #now: () => number;
  readonly #conversations = new Map<string, Conversation>();
  /** Pending periodic saves. */
  readonly #timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Per-conversation chain of writes, so saves of one file never overlap. */
  readonly #writes = new Map<string, Promise<void>>();
  #closed = false;

  constructor(options: ConversationStoreOptions) {
    this.#dir = options.dir;
    this.#logger = options.logger;
    this.#saveIntervalMs = options.saveIntervalMs ?? 500;
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#conversations.size;
  }

  /** Reads every conversation file; sets aside the ones that are corrupt. */
  async load(): Promise<void> {
    await mkdir(this.#dir, { recursive: true });
    const names = (await readdir(this.#dir)).sort();
    for (const name of names) {
      const path = join(this.#dir, name);
      if (name.endsWith(TEMP_SUFFIX)) {
        // A write that a crash cut short; the previous version is intact.
        await rm(path, { force: true });
        continue;
      }
      if (!name.endsWith('.json')) continue;
      const loaded = await this.#read(path, name);
      if (!loaded) continue;
      const recovered = recoverInterrupted(loaded);
      this.#conversations.set(loaded.id, loaded);
      if (recovered > 0) {
        this.#logger.warn('conversation_recovered', {
          conversationId: loaded.id,
          interruptedMessages: recovered,
        });
        await this.#save(loaded.id);
      }
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
      }))
      .sort((a, b) => b.updatedAt - a.updatedAt || a.id.localeCompare(b.id));
  }

  has(id: string): boolean {
    return this.#conversations.has(id);
  }

  /** A copy of the conversation, or undefined. */
  get(id: string): Conversation | undefined {
    const found = this.#conversations.get(id);
    return found ? structuredClone(found) : undefined;
  }

  message(conversationId: string, messageId: string): Message | undefined {
    const found = this.#conversations.get(conversationId)?.messages.find((m) => m.id === messageId);
    return found ? { ...found } : undefined;
  }

  async create(): Promise<Conversation> {
    const now = this.#now();
    const created: Conversation = {
      id: randomUUID(),
      title: UNTITLED,
      createdAt: now,
      updatedAt: now,
      messages: [],
    };
    this.#conversations.set(created.id, created);
    await this.#save(created.id);
    return structuredClone(created);
  }

  async delete(id: string): Promise<boolean> {
    if (!this.#conversations.has(id)) return false;
    this.#conversations.delete(id);
    this.#cancelTimer(id);
    await this.#writes.get(id);
    await rm(this.#path(id), { force: true });
    this.#writes.delete(id);
    return true;
  }

  /** Appends messages and saves before returning. */
  async addMessages(conversationId: string, messages: Message[]): Promise<Conversation> {
    const target = this.#require(conversationId);
    for (const message of messages) {
      target.messages.push({ ...message });
      if (target.title === UNTITLED && message.role === 'user')
        target.title = titleFrom(message.text);
    }
    target.updatedAt = this.#now();
    await this.#save(conversationId);
    return structuredClone(target);
  }

  /**
   * Changes a message. `save: 'now'` writes before resolving (status changes,
   * final text); `'soon'` writes within saveIntervalMs (streamed text).
   */
  async updateMessage(
    conversationId: string,
    messageId: string,
    patch: MessagePatch,
    save: 'now' | 'soon' = 'now',
  ): Promise<Message | undefined> {
    const target = this.#conversations.get(conversationId);
    const message = target?.messages.find((m) => m.id === messageId);
    if (!target || !message) return undefined;
    Object.assign(message, patch);
    if (save === 'now') {
      target.updatedAt = this.#now();
      await this.#save(conversationId);
    } else {
      this.#saveSoon(conversationId);
    }
    return { ...message };
  }

  /** Streamed text: kept in memory at once, written at most every saveIntervalMs. */
  appendText(conversationId: string, messageId: string, text: string): void {
    const message = this.#conversations
      .get(conversationId)
      ?.messages.find((m) => m.id === messageId);
    if (!message) return;
    message.text += text;
    this.#saveSoon(conversationId);
  }

  /** Writes every pending change now. */
  async flush(): Promise<void> {
    const pending = [...this.#timers.keys()];
    await Promise.all(pending.map((id) => this.#save(id)));
    await Promise.all([...this.#writes.values()]);
  }

  async close(): Promise<void> {
    await this.flush();
    this.#closed = true;
  }

  // ---- files ----

  #path(id: string): string {
    return join(this.#dir, `${id}.json`);
  }

  #require(id: string): Conversation {
    const found = this.#conversations.get(id);
    if (!found) throw new Error(`no conversation ${id}`);
    return found;
  }

  async #read(path: string, name: string): Promise<Conversation | undefined> {
    let problem: string;
    try {
      const parsed = conversationSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
      if (parsed.success && `${parsed.data.id}.json` === name) return parsed.data;
      problem = parsed.success
        ? `its id ${parsed.data.id} does not match the file name`
        : parsed.error.issues
            .slice(0, 3)
            .map((i) => `${i.path.join('.') || 'file'}: ${i.message}`)
            .join('; ');
    } catch (error) {
      problem = (error as Error).message;
    }
    const aside = `${path}.corrupt-${new Date(this.#now()).toISOString().replace(/[:.]/g, '-')}`;
    try {
      await rename(path, aside);
    } catch (error) {
      this.#logger.error('conversation_set_aside_failed', {
        file: path,
        error: (error as Error).message,
      });
      return undefined;
    }
    this.#logger.warn('conversation_corrupt', { file: path, movedTo: aside, problem });
    return undefined;
  }

  #saveSoon(id: string): void {
    if (this.#timers.has(id) || this.#closed) return;
    this.#timers.set(
      id,
      // A failed save is logged in #save; the next change retries.
      setTimeout(() => this.#save(id).catch(() => {}), this.#saveIntervalMs),
    );
  }

  #cancelTimer(id: string): void {
    const timer = this.#timers.get(id);
    if (timer !== undefined) clearTimeout(timer);
    this.#timers.delete(id);
  }

  #save(id: string): Promise<void> {
    this.#cancelTimer(id);
    const previous = this.#writes.get(id) ?? Promise.resolve();
    const next = previous.then(async () => {
      const current = this.#conversations.get(id);
      // Deleted meanwhile: do not bring the file back.
      if (!current) return;
      try {
        await writeFileAtomic(this.#path(id), JSON.stringify(current));
      } catch (error) {
        this.#logger.error('conversation_save_failed', {
          conversationId: id,
          error: (error as Error).message,
        });
        throw error;
      }
    });
    // A failed save must not block the ones after it.
    this.#writes.set(
      id,
      next.catch(() => {}),
    );
    return next;
  }
}

/** A message left queued or streaming by a dead process becomes interrupted. */
function recoverInterrupted(conversation: Conversation): number {
  let changed = 0;
  for (const message of conversation.messages) {
    if (message.status === 'streaming' || message.status === 'queued') {
      message.status = 'interrupted';
      changed++;
    }
  }
  return changed;
}
