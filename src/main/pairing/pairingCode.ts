// The one-time code in the kiosk's "Connect a phone" QR and the start-up
// pairing URL. Exactly one code is valid at a time; it works once and for a
// few minutes, then a fresh one takes its place and onRotate tells the kiosk
// to redraw its QR. 128 random bits make guessing hopeless even before the
// attempt limiter counts wrong codes.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Emitter, type Subscription } from '../../shared/emitter';
import type { Disposable } from '../../shared/lifecycle';
import { realScheduler, type Scheduler } from '../base/scheduler';

export interface PairingCode {
  /** URL-safe (base64url), 22 characters. */
  readonly code: string;
  /** ms since epoch. */
  readonly expiresAt: number;
}

export interface PairingCodesOptions {
  /** How long a code stays valid (default 5 minutes). */
  ttlMs?: number;
  scheduler?: Scheduler;
  onListenerError?: (error: unknown) => void;
}

export const PAIRING_CODE_TTL_MS = 5 * 60_000;

export class PairingCodes implements Disposable {
  readonly #ttlMs: number;
  readonly #scheduler: Scheduler;
  readonly #onRotate: Emitter<PairingCode>;
  #current: PairingCode;
  #digest: Buffer;
  #stopWatching: (() => void) | undefined;
  #disposed = false;

  constructor(options: PairingCodesOptions = {}) {
    this.#ttlMs = options.ttlMs ?? PAIRING_CODE_TTL_MS;
    this.#scheduler = options.scheduler ?? realScheduler;
    this.#onRotate = new Emitter(options.onListenerError);
    this.#current = this.#fresh();
    this.#digest = digest(this.#current.code);
  }

  /** Fires with the new code whenever the old one is used up or expires. */
  onRotate(listener: (code: PairingCode) => void): Subscription {
    return this.#onRotate.subscribe(listener);
  }

  /** The code to show now (a fresh one if the last has expired). */
  current(): PairingCode {
    this.#rotateIfExpired();
    return this.#current;
  }

  /**
   * True exactly once for the current, unexpired code; the code is then
   * replaced. Anything else (a wrong, expired or used-up code) is false.
   */
  redeem(candidate: string): boolean {
    if (this.#disposed) return false;
    this.#rotateIfExpired();
    // Hashing first gives equal-length inputs, so the comparison takes the
    // same time however much of the code an attacker has right.
    const matches = timingSafeEqual(digest(candidate), this.#digest);
    if (matches) this.rotate();
    return matches;
  }

  /** Replaces the code now (the owner asked for a new one, or it was used). */
  rotate(): PairingCode {
    this.#current = this.#fresh();
    this.#digest = digest(this.#current.code);
    this.#onRotate.fire(this.#current);
    return this.#current;
  }

  /**
   * Checks every everyMs whether the code expired, so onRotate fires (and the
   * QR refreshes) even when nobody asks for the code. Runs until dispose().
   */
  startExpiryWatch(everyMs = 1000): () => void {
    if (this.#disposed) throw new Error('PairingCodes is disposed');
    this.#stopWatching?.();
    const stop = this.#scheduler.every(everyMs, () => this.#rotateIfExpired());
    this.#stopWatching = () => {
      stop();
      this.#stopWatching = undefined;
    };
    return this.#stopWatching;
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#stopWatching?.();
    this.#onRotate.dispose();
    // Nothing can be redeemed after dispose; a new code nobody has seen makes sure.
    this.#digest = digest(randomBytes(16).toString('base64url'));
  }

  #rotateIfExpired(): void {
    if (!this.#disposed && this.#scheduler.now() >= this.#current.expiresAt) this.rotate();
  }

  #fresh(): PairingCode {
    return {
      code: randomBytes(16).toString('base64url'),
      expiresAt: this.#scheduler.now() + this.#ttlMs,
    };
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
