// The state cache's index: which file holds which conversation's state, what it
// was saved under, and its checksum. It is the only thing that makes a state
// file trusted: a file the index does not name (a save cut short) is removed.
import { join } from 'node:path';
import { z } from 'zod';
import { removeDurably } from '../../base/atomicWrite';
import type { StorageFileSystem } from '../../base/fileSystem';
import type { Logger } from '../../base/log';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);

export const stateEntrySchema = z.object({
  conversationId: z.string().min(1).max(200),
  /** A file name in the cache folder, never a path. */
  file: z.string().regex(/^[0-9a-f]{16}-[0-9a-f]{12}\.state$/),
  bytes: z.number().int().nonnegative(),
  sha256: hex64,
  key: hex64,
  turnsDigest: hex64,
  /**
   * How many of the conversation's last turns the state holds: all of them, or
   * fewer when the oldest were trimmed to fit the context.
   */
  turns: z.number().int().nonnegative(),
  tokens: z.number().int().nonnegative(),
  /** ms since the epoch: least recently used goes first. */
  lastUsed: z.number().nonnegative(),
});

export type StateEntry = z.infer<typeof stateEntrySchema>;

export const stateIndexSchema = z.object({
  version: z.literal(1),
  entries: z.array(stateEntrySchema),
});

export const INDEX_FILE = 'index.json';

/**
 * The entries of the index in dir (none when it is missing or unreadable, with
 * one warning), after removing every file in dir it does not name: leftovers of
 * saves a crash cut short, and the files of an index that could not be read.
 */
export async function readStateIndex(
  fs: StorageFileSystem,
  dir: string,
  logger: Logger,
): Promise<StateEntry[]> {
  await fs.mkdir(dir);
  let entries: StateEntry[] = [];
  let raw: string | undefined;
  try {
    raw = await fs.readFile(join(dir, INDEX_FILE));
  } catch {
    raw = undefined;
  }
  if (raw !== undefined) {
    const parsed = stateIndexSchema.safeParse(safeJson(raw));
    if (parsed.success) entries = parsed.data.entries;
    else logger.warn('state_index_unreadable', { error: parsed.error.issues[0]?.message });
  }
  const named = new Set(entries.map((entry) => entry.file));
  const leftovers = (await fs.readdir(dir)).filter(
    (name) => name !== INDEX_FILE && !named.has(name),
  );
  if (leftovers.length > 0) await removeDurably(fs, ...leftovers.map((name) => join(dir, name)));
  return entries;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
