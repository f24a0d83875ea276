// The state cache's index: which file holds which conversation's state, what it
// was saved under, and its checksum. It is the only thing that makes a state
// file trusted: a file the index does not name (a save cut short) is removed.
import { z } from 'zod';

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
