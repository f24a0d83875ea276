// The cookie an owner's browser holds once it has opened the owner page. It
// carries a token derived from the owner secret (never the secret itself), so
// it outlives restarts and stops working the moment the secret is rotated.
// Built like the device cookie: HttpOnly, SameSite=Strict, Path=/.
import { clearedCookie, readCookie, tokenCookie, type DeviceCookieOptions } from './deviceCookie';

export const OWNER_COOKIE = 'hearth_owner';

/** The Set-Cookie value that makes a browser the owner. */
export function ownerCookie(token: string, options: DeviceCookieOptions = {}): string {
  return tokenCookie(OWNER_COOKIE, token, options);
}

/** The Set-Cookie value that removes an owner cookie that no longer works. */
export function clearedOwnerCookie(): string {
  return clearedCookie(OWNER_COOKIE);
}

/** The owner token from a Cookie request header, if there is one. */
export function readOwnerToken(cookieHeader: string | undefined): string | undefined {
  return readCookie(cookieHeader, OWNER_COOKIE);
}
