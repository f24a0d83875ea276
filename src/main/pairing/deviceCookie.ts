// The cookie a paired phone holds its device token in. HttpOnly keeps page
// scripts from reading it, SameSite=Strict keeps other sites from riding on
// it, and a long Max-Age keeps the phone paired until the owner forgets it.
// The owner's browser cookie (ownerCookie.ts) is built and read the same way.

export const DEVICE_COOKIE = 'hearth_device';

/** Ten years: pairing lasts until the device is forgotten. */
const MAX_AGE_SECONDS = 10 * 365 * 24 * 60 * 60;

export interface DeviceCookieOptions {
  /** Add Secure (only when served over HTTPS; a LAN address over HTTP would lose it). */
  secure?: boolean;
  maxAgeSeconds?: number;
}

/** A Set-Cookie value for a base64url token: HttpOnly, SameSite=Strict, site-wide. */
export function tokenCookie(
  name: string,
  token: string,
  options: DeviceCookieOptions = {},
): string {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) throw new Error(`a ${name} token is base64url`);
  const parts = [
    `${name}=${token}`,
    'Path=/',
    `Max-Age=${options.maxAgeSeconds ?? MAX_AGE_SECONDS}`,
    'HttpOnly',
    'SameSite=Strict',
  ];
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}

/** The Set-Cookie value that removes a cookie tokenCookie set. */
export function clearedCookie(name: string): string {
  return `${name}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict`;
}

/** One cookie's value from a Cookie request header, if it is there and not empty. */
export function readCookie(cookieHeader: string | undefined, name: string): string | undefined {
  if (!cookieHeader) return undefined;
  for (const pair of cookieHeader.split(';')) {
    const at = pair.indexOf('=');
    if (at < 0) continue;
    if (pair.slice(0, at).trim() !== name) continue;
    const value = pair.slice(at + 1).trim();
    return value || undefined;
  }
  return undefined;
}

/** The Set-Cookie value that gives a phone its device token. */
export function deviceCookie(token: string, options: DeviceCookieOptions = {}): string {
  return tokenCookie(DEVICE_COOKIE, token, options);
}

/** The Set-Cookie value that removes the device cookie (a forgotten device). */
export function clearedDeviceCookie(): string {
  return clearedCookie(DEVICE_COOKIE);
}

/** The device token from a Cookie request header, if there is one. */
export function readDeviceToken(cookieHeader: string | undefined): string | undefined {
  return readCookie(cookieHeader, DEVICE_COOKIE);
}
