// Limits wrong pairing codes per address (see addressKey), so one host cannot
// try codes quickly. Only wrong codes count: a correct one is never refused for
// what other addresses did, and an address's own correct code starts it over.
// Five wrong codes within a minute lock that address out, for twice as long
// each time it happens again (1, 2, 4 … at most 60 minutes).
//
// Why no global cap: a cap over all addresses, checked before the code, let one
// LAN host with a few addresses keep pairing locked for everyone. What stops
// guessing is the code itself: 128 random bits (2^128, about 3.4e38 codes),
// valid for 5 minutes and for one use. Within one code's life an address can
// send at most 15 wrong codes (5, locked 1 min, 5, locked 2 min, 5); even a
// million addresses make 1.5e7 (about 2^24) guesses per code, a chance of
// 2^-104 per code, and with a new code every 5 minutes (about 2^17 a year)
// still 2^-87 a year. A global budget would lower that further only by letting
// an attacker lock out, or rotate away, the owner's own correct code.
//
// Memory stays bounded: an address is forgotten once it has been quiet (and
// not locked out) for a while, and when too many are remembered the least
// recently failed go first. Flooding the table that way can shed a lockout,
// which buys an attacker a few more guesses out of 2^128, nothing more.
import { addressKey } from './addressKey';

export interface AttemptLimiterOptions {
  now?: () => number;
  /** Wrong codes one address may send within windowMs (default 5). */
  perAddress?: number;
  /** The sliding window the counts above cover (default one minute). */
  windowMs?: number;
  /** The first lockout; each further one doubles (default one minute). */
  lockoutMs?: number;
  /** The longest lockout (default one hour). */
  maxLockoutMs?: number;
  /** An address quiet (and not locked out) for this long starts over (default one hour). */
  forgetAfterMs?: number;
  /** Most addresses remembered (default 10,000). */
  maxAddresses?: number;
}

export type AttemptVerdict = { allowed: true } | { allowed: false; retryAfterMs: number };

interface AddressRecord {
  /** Times of recent wrong codes, oldest first, at most perAddress. */
  failures: number[];
  lockedUntil: number;
  lockouts: number;
  lastFailureAt: number;
}

export class AttemptLimiter {
  readonly #now: () => number;
  readonly #perAddress: number;
  readonly #windowMs: number;
  readonly #lockoutMs: number;
  readonly #maxLockoutMs: number;
  readonly #forgetAfterMs: number;
  readonly #maxAddresses: number;
  /** Least recently failed first. */
  readonly #addresses = new Map<string, AddressRecord>();

  constructor(options: AttemptLimiterOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#perAddress = options.perAddress ?? 5;
    this.#windowMs = options.windowMs ?? 60_000;
    this.#lockoutMs = options.lockoutMs ?? 60_000;
    this.#maxLockoutMs = options.maxLockoutMs ?? 60 * 60_000;
    this.#forgetAfterMs = options.forgetAfterMs ?? 60 * 60_000;
    this.#maxAddresses = options.maxAddresses ?? 10_000;
  }

  /** Number of addresses remembered now. */
  get size(): number {
    return this.#addresses.size;
  }

  /**
   * Whether a code from this address may be checked now: false only while this
   * address is locked out. Ask before checking the code, so a locked-out
   * address learns nothing about its guesses.
   */
  check(address: string | undefined): AttemptVerdict {
    const now = this.#now();
    this.#evictStale(now);
    const record = this.#addresses.get(addressKey(address));
    if (record && record.lockedUntil > now) {
      return { allowed: false, retryAfterMs: record.lockedUntil - now };
    }
    return { allowed: true };
  }

  /** Records a wrong code; returns whether the next attempt would be allowed. */
  failed(address: string | undefined): AttemptVerdict {
    const now = this.#now();
    const key = addressKey(address);
    const record = this.#addresses.get(key) ?? {
      failures: [],
      lockedUntil: 0,
      lockouts: 0,
      lastFailureAt: now,
    };
    // Re-inserted at the end: the Map stays in order of last failure.
    this.#addresses.delete(key);
    this.#addresses.set(key, record);
    record.lastFailureAt = now;
    if (record.lockedUntil <= now) {
      this.#dropOld(record.failures, now);
      record.failures.push(now);
      if (record.failures.length >= this.#perAddress) {
        record.lockouts++;
        const lockout = this.#lockoutMs * 2 ** Math.min(record.lockouts - 1, 30);
        record.lockedUntil = now + Math.min(lockout, this.#maxLockoutMs);
        record.failures = [];
      }
    }
    while (this.#addresses.size > this.#maxAddresses) this.#forgetOldest();
    return this.check(address);
  }

  /** A correct code: this address starts over. */
  succeeded(address: string | undefined): void {
    this.#addresses.delete(addressKey(address));
  }

  #dropOld(times: number[], now: number): void {
    while (times.length > 0 && (times[0] ?? 0) <= now - this.#windowMs) times.shift();
  }

  /** Forgets quiet addresses from the front (the least recently failed); amortized O(1). */
  #evictStale(now: number): void {
    for (const [key, record] of this.#addresses) {
      const quiet = now - record.lastFailureAt >= this.#forgetAfterMs;
      if (!quiet || record.lockedUntil > now) break;
      this.#addresses.delete(key);
    }
  }

  #forgetOldest(): void {
    const oldest = this.#addresses.keys().next();
    if (!oldest.done) this.#addresses.delete(oldest.value);
  }
}
