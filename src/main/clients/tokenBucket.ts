// A per-client message-rate limit: a client may send `burst` messages at once,
// then `ratePerSecond` on average. Refilled lazily from the clock on each call,
// so an idle client costs no timer and a few numbers of memory.

export interface TokenBucketOptions {
  /** Tokens added per second, on average. */
  ratePerSecond: number;
  /** Most tokens the bucket holds; also the size of a burst after quiet. */
  burst: number;
  /** ms since epoch (or any monotonic ms). */
  now?: () => number;
}

export class TokenBucket {
  readonly #ratePerMs: number;
  readonly #burst: number;
  readonly #now: () => number;
  #tokens: number;
  #refilledAt: number;

  constructor(options: TokenBucketOptions) {
    if (!(options.ratePerSecond > 0) || !Number.isFinite(options.ratePerSecond)) {
      throw new RangeError(`ratePerSecond must be a positive number, not ${options.ratePerSecond}`);
    }
    if (!(options.burst >= 1) || !Number.isFinite(options.burst)) {
      throw new RangeError(`burst must be at least 1, not ${options.burst}`);
    }
    this.#ratePerMs = options.ratePerSecond / 1000;
    this.#burst = options.burst;
    this.#now = options.now ?? Date.now;
    this.#tokens = options.burst;
    this.#refilledAt = this.#now();
  }

  /** Tokens available now (fractional while refilling). */
  get available(): number {
    this.#refill();
    return this.#tokens;
  }

  /** Takes n tokens if there are that many; otherwise takes none and returns false. */
  take(n = 1): boolean {
    this.#refill();
    if (this.#tokens < n) return false;
    this.#tokens -= n;
    return true;
  }

  /** ms until n tokens are available (0 if they are now; Infinity if n exceeds the burst). */
  msUntil(n = 1): number {
    if (n > this.#burst) return Infinity;
    this.#refill();
    return this.#tokens >= n ? 0 : Math.ceil((n - this.#tokens) / this.#ratePerMs);
  }

  #refill(): void {
    const now = this.#now();
    // A clock that steps back (NTP, a test) must not drain or overfill the bucket.
    const elapsed = Math.max(0, now - this.#refilledAt);
    this.#refilledAt = now;
    this.#tokens = Math.min(this.#burst, this.#tokens + elapsed * this.#ratePerMs);
  }
}
