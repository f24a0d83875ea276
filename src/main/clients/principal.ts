// Who is at the other end of a connection, as the transport established it
// before the first frame: the owner (the kiosk's own window, or a browser that
// proved the owner secret) or a paired phone, known by its device token.
import { OWNER_STARTER, starterKey } from '../../shared/conversationStarter';
import type { ClientRole } from '../../shared/role';

export interface Principal {
  role: ClientRole;
  /** The paired phone, when role is 'device'. */
  deviceId?: string;
  /** "Chrome on Android", for log lines. */
  deviceName?: string;
}

export const OWNER: Readonly<Principal> = Object.freeze({ role: 'owner' });

/**
 * What a session's resume secret is bound to: the phone ("device:<id>"), or
 * "owner" for the owner, whose connections carry no device token. The same key
 * names who started a conversation (shared/conversationStarter.ts).
 */
export function deviceKeyOf(principal: Pick<Principal, 'role' | 'deviceId'>): string {
  return starterKey(principal) ?? OWNER_STARTER;
}

/** A device principal must name its device; anything else is refused. */
export function isValidPrincipal(principal: Principal): boolean {
  if (principal.role === 'owner') return true;
  return typeof principal.deviceId === 'string' && principal.deviceId.length > 0;
}
