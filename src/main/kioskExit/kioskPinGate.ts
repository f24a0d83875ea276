// The guard on the kiosk exit PIN. Settings stores only an scrypt hash of the
// PIN (config.kioskPinHash; kioskPin.ts checks a typed PIN against it in
// constant time). Two doors take a typed PIN: the hidden way out of kiosk mode
// (a long press on the logo), and changing or removing the PIN in Settings.
// Both go through this one gate, so wrong PINs from either count together: no
// PIN set means nothing to check, and repeated wrong PINs lock both doors for
// a while, so the 10,000 four-digit PINs cannot simply be tried one after
// another on the touchscreen.
import type { KioskExitOutcome } from '../../shared/api';
import { verifyKioskPin } from './kioskPin';

/** The gate itself never says 'unavailable': that is a headless server's answer. */
export type KioskGateOutcome = Exclude<KioskExitOutcome, { result: 'unavailable' }>;

/** A typed PIN checked for a door other than the exit: 'right' instead of 'exit'. */
export type KioskPinCheck = { result: 'right' } | Exclude<KioskGateOutcome, { result: 'exit' }>;

export interface KioskPinGateOptions {
  /**
   * The stored hash in force now (config.kioskPinHash, changed from Settings at
   * run time); absent or empty means no PIN is set.
   */
  pinHash: () => string | undefined;
  /** ms since epoch. */
  now: () => number;
  /** Wrong PINs in a row before the first lock. */
  freeAttempts?: number;
  /** The first lock; each further wrong PIN doubles it, up to maxLockMs. */
  lockMs?: number;
  maxLockMs?: number;
  /** The constant-time check; kioskPin's verifyKioskPin unless a test swaps it. */
  verify?: (pin: string, pinHash: string) => Promise<boolean>;
}

/**
 * Decides each typed PIN: the right one passes (and forgets past mistakes);
 * wrong ones count, and after `freeAttempts` of them the gate stays shut for
 * lockMs, doubling with each further mistake. An attempt made while another is
 * being checked counts against the same budget. It has the kiosk exit port's
 * shape (tryExit), so the kiosk can use it as its way out.
 */
export class KioskPinGate {
  private failures = 0;
  private lockedUntil = 0;
  private readonly freeAttempts: number;
  private readonly lockMs: number;
  private readonly maxLockMs: number;
  private readonly verify: (pin: string, pinHash: string) => Promise<boolean>;

  constructor(private readonly options: KioskPinGateOptions) {
    this.freeAttempts = options.freeAttempts ?? 5;
    this.lockMs = options.lockMs ?? 30_000;
    this.maxLockMs = options.maxLockMs ?? 15 * 60_000;
    this.verify = options.verify ?? verifyKioskPin;
  }

  /** False when no PIN is set: the screen then offers no way out at all. */
  get enabled(): boolean {
    return (this.options.pinHash() ?? '') !== '';
  }

  async check(pin: string): Promise<KioskPinCheck> {
    const pinHash = this.options.pinHash();
    if (pinHash === undefined || pinHash === '') return { result: 'disabled' };
    const now = this.options.now();
    if (now < this.lockedUntil) return { result: 'locked', retryAfterMs: this.lockedUntil - now };
    // Counted before the slow check, so attempts made at once cannot share one slot.
    this.failures += 1;
    const over = this.failures - this.freeAttempts;
    if (over >= 0) this.lockedUntil = now + Math.min(this.maxLockMs, this.lockMs * 2 ** over);
    if (await this.verify(pin, pinHash)) {
      this.failures = 0;
      this.lockedUntil = 0;
      return { result: 'right' };
    }
    return { result: 'wrong', attemptsLeft: Math.max(0, this.freeAttempts - this.failures) };
  }

  /** The kiosk exit's door: the same check, where the right PIN means 'exit'. */
  async tryExit(pin: string): Promise<KioskGateOutcome> {
    const outcome = await this.check(pin);
    return outcome.result === 'right' ? { result: 'exit' } : outcome;
  }
}
