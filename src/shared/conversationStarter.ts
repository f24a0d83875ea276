// Who started a conversation, and so who may delete it: the owner (the kiosk
// screen, an owner-page browser) may delete any conversation; a paired phone
// only the ones it started. A conversation records its starter as "owner" or
// "device:<device id>"; each client is told its own key the same way (the
// snapshot's `viewer`). The rule lives here once: main enforces it, the
// renderer uses it to show Delete only where it will work.
import type { ClientRole } from './role';
import { z } from 'zod/mini';

export const OWNER_STARTER = 'owner';

const STARTER_PATTERN =
  /^(?:owner|device:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export const conversationStarter = z
  .string()
  .check(z.regex(STARTER_PATTERN, 'expected "owner" or "device:" and a device id'));
export type ConversationStarter = z.infer<typeof conversationStarter>;

/** The key of a caller: the owner, or its phone; undefined for a phone that names no device. */
export function starterKey(caller: {
  role: ClientRole;
  deviceId?: string;
}): ConversationStarter | undefined {
  if (caller.role === 'owner') return OWNER_STARTER;
  return caller.deviceId === undefined ? undefined : `device:${caller.deviceId}`;
}

/**
 * Whether `viewer` may delete (and undo deleting) a conversation started by
 * `startedBy`. A conversation from before starters were recorded counts as the
 * owner's, so no phone can delete it.
 */
export function mayDeleteConversation(
  viewer: ConversationStarter | undefined,
  startedBy: ConversationStarter | undefined,
): boolean {
  if (viewer === undefined) return false;
  return viewer === OWNER_STARTER || viewer === (startedBy ?? OWNER_STARTER);
}
