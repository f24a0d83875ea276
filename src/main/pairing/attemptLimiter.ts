// Limits wrong pairing codes, so nobody on the network can try codes until
// one fits. Each address (see addressKey) gets a few wrong codes per minute;
// more locks it out, for twice as long each time it happens again. A global
// cap bounds what many addresses together may try. Memory stays bounded: an
// address is forgotten once it has been quiet for a while, and when too many
// are remembered the least recently active go first (the global cap makes
// flooding the table to shake off a lockout take hours).
import { addressKey } from './addressKey';

export interface AttemptLimiterOptions {
  now?: () => number;
  /** Wrong codes one address may send within windowMs (default 5). */
  perAddress?: number;
  /** Wrong codes all addresses together may send within windowMs (default 30). */
  global?: number;
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

export type AttemptVerdict =
  { allowed: true } | { allowed: false; retryAfterMs: number; scope: 'address' | 'global' };

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
  readonly #global: number;
  readonly #windowMs: number;
  readonly #lockoutMs: number;
  readonly #maxLockoutMs: number;
  readonly #forgetAfterMs: number;
  readonly #maxAddresses: number;
  /** Least recently failed first. */
  readonly #addresses = new Map<string, AddressRecord>();
  /** Times of recent wrong codes from anywhere, oldest first, at most `global`. */
  readonly #recent: number[] = [];

  constructor(options: AttemptLimiterOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#perAddress = options.perAddress ?? 5;
    this.#global = options.global ?? 30;
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

  /** Whether a code from this address may be checked now. Ask before checking the code. */
  check(address: string | undefined): AttemptVerdict {
    const now = this.#now();
    this.#evictStale(now);
    const record = this.#addresses.get(addressKey(address));
    if (record && record.lockedUntil > now) {
      return { allowed: false, retryAfterMs: record.lockedUntil - now, scope: 'address' };
    }
    this.#dropOld(this.#recent, now);
    const oldest = this.#recent[0];
    if (this.#recent.length >= this.#global && oldest !== undefined) {
      return { allowed: false, retryAfterMs: oldest + this.#windowMs - now, scope: 'global' };
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
    this.#recent.push(now);
    if (this.#recent.length > this.#global) this.#recent.shift();
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
