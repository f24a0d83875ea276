// Who is at the other end of a connection, as the transport established it
// before the first frame: the owner (the kiosk's own window, or a browser that
// proved the owner secret) or a paired phone, known by its device token.

export interface Principal {
  role: 'owner' | 'device';
  /** The paired phone, when role is 'device'. */
  deviceId?: string;
  /** "Chrome on Android", for log lines. */
  deviceName?: string;
}

export const OWNER: Readonly<Principal> = Object.freeze({ role: 'owner' });

/**
 * What a session's resume secret is bound to: the phone's device id, or one
 * name for the owner, whose connections carry no device token.
 */
export function deviceKeyOf(principal: Pick<Principal, 'role' | 'deviceId'>): string {
  return principal.role === 'device' && principal.deviceId !== undefined
    ? `device:${principal.deviceId}`
    : 'owner';
}

/** A device principal must name its device; anything else is refused. */
export function isValidPrincipal(principal: Principal): boolean {
  if (principal.role === 'owner') return true;
  return typeof principal.deviceId === 'string' && principal.deviceId.length > 0;
}
