// The PIN that lets the owner leave kiosk mode. Only a salted scrypt hash is
// stored (in config.json), so reading the file does not give the PIN away;
// scrypt makes trying all 10^4..10^8 PINs against a stolen hash slow.
import {
  randomBytes,
  scrypt as scryptCallback,
  timingSafeEqual,
  type ScryptOptions,
} from 'node:crypto';

/** 4 to 8 digits: typed on the kiosk's number pad. */
export const KIOSK_PIN_PATTERN = /^\d{4,8}$/;

/** scrypt$<N>$<r>$<p>$<salt>$<hash>, salt and hash in base64url; the hash is always 32 bytes (43 characters). */
export const KIOSK_PIN_HASH_PATTERN =
  /^scrypt\$(\d{1,7})\$(\d{1,3})\$(\d{1,3})\$([A-Za-z0-9_-]{16,})\$([A-Za-z0-9_-]{43})$/;

/** About 50 ms and 16 MiB per try on a Pi 5: unnoticed at the kiosk, slow for a brute force. */
const COST = { N: 2 ** 14, r: 8, p: 1 };
const KEY_BYTES = 32;

function scrypt(pin: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCallback(pin, salt, KEY_BYTES, { ...options, maxmem: 64 * 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

export async function hashKioskPin(pin: string): Promise<string> {
  if (!KIOSK_PIN_PATTERN.test(pin)) throw new RangeError('A kiosk PIN is 4 to 8 digits');
  const salt = randomBytes(16);
  const key = await scrypt(pin, salt, COST);
  return [
    'scrypt',
    COST.N,
    COST.r,
    COST.p,
    salt.toString('base64url'),
    key.toString('base64url'),
  ].join('$');
}

/** Whether pin is the one the hash was made from; false for a malformed hash. */
export async function verifyKioskPin(pin: string, stored: string): Promise<boolean> {
  const parts = KIOSK_PIN_HASH_PATTERN.exec(stored);
  if (!parts || !KIOSK_PIN_PATTERN.test(pin)) return false;
  const [, n, r, p, salt = '', hash = ''] = parts;
  const expected = Buffer.from(hash, 'base64url');
  const key = await scrypt(pin, Buffer.from(salt, 'base64url'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  }).catch(() => null);
  return key !== null && key.length === expected.length && timingSafeEqual(key, expected);
}
