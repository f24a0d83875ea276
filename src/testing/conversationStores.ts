// Conversation stores for tests: each opened on a folder the test owns, and
// undone (stores disposed, then the folder removed) when the test ends.
import { afterEach } from 'vitest';
import type { Message } from '../shared/api';
import { ConversationStore, type ConversationStoreOptions } from '../main/conversations/store';
import { tempDir } from './inferenceFixtures';
import { createMemoryLogger } from './loggers';

/**
 * The undo steps of the running test: push one as soon as there is something
 * to undo. After each test they run newest first, so a store is disposed
 * before the folder under it is removed.
 */
export function cleanupsAfterEach(): (() => unknown)[] {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return cleanups;
}

export interface ConversationFolderOptions {
  /** A folder the caller already owns and removes; a fresh temp folder otherwise. */
  dir?: string;
  /** What every store opened on the folder gets unless open() says otherwise. */
  store?: Partial<Omit<ConversationStoreOptions, 'dir' | 'logger'>>;
  /** A test that fills the disk expects the last save to fail; it asserts on that itself. */
  ignoreFailedLastSave?: boolean;
}

/**
 * A folder of conversations and a way to open stores on it (as a restart
 * would), all logging to one memory logger.
 */
export function conversationFolder(
  cleanups: (() => unknown)[],
  options: ConversationFolderOptions = {},
) {
  const dir = options.dir ?? removedAfterTest(tempDir(), cleanups);
  const logger = createMemoryLogger();
  const open = (overrides: Partial<ConversationStoreOptions> = {}) => {
    const store = new ConversationStore({ dir, logger, ...options.store, ...overrides });
    cleanups.push(() =>
      options.ignoreFailedLastSave ? store.dispose().catch(() => {}) : store.dispose(),
    );
    return store;
  };
  return { dir, logger, open };
}

function removedAfterTest(folder: { path: string; remove(): void }, cleanups: (() => unknown)[]) {
  cleanups.push(folder.remove);
  return folder.path;
}

/** A message written just now: a fresh id, complete unless `extra` says otherwise. */
export const message = (
  role: Message['role'],
  text: string,
  extra: Partial<Message> = {},
): Message => ({
  id: crypto.randomUUID(),
  role,
  text,
  status: 'complete',
  createdAt: Date.now(),
  ...extra,
});
