// The owner's hidden way out of the kiosk: a long press on the logo, then the
// PIN set in settings. Settings stores only an scrypt hash of the PIN
// (config.kioskPinHash, see config/kioskPin.ts, which also checks a typed PIN
// against it in constant time). This gate adds what the screen needs around
// that check: no PIN set means no way out from the screen at all, and repeated
// wrong PINs lock the exit for a while, so the 10,000 four-digit PINs cannot
// simply be tried one after another on the touchscreen.
import { verifyKioskPin } from '../config/kioskPin';
import type { KioskExitOutcome, KioskExitPort } from '../contracts/kioskExit';

/** The gate itself never says 'unavailable': that is a headless server's answer. */
export type KioskGateOutcome = Exclude<KioskExitOutcome, { result: 'unavailable' }>;

export interface KioskExitGateOptions {
  /**
   * The stored hash in force now (config.kioskPinHash, changed from Settings at
   * run time); absent or empty turns the exit off.
   */
  pinHash: () => string | undefined;
  /** ms since epoch. */
  now: () => number;
  /** Wrong PINs in a row before the first lock. */
  freeAttempts?: number;
  /** The first lock; each further wrong PIN doubles it, up to maxLockMs. */
  lockMs?: number;
  maxLockMs?: number;
  /** The constant-time check; config/kioskPin's verifyKioskPin unless a test swaps it. */
  verify?: (pin: string, pinHash: string) => Promise<boolean>;
}

/**
 * Decides each exit attempt: the right PIN opens it (and forgets past
 * mistakes); wrong ones count, and after `freeAttempts` of them the gate stays
 * shut for lockMs, doubling with each further mistake. An attempt made while
 * another is being checked counts against the same budget.
 */
export class KioskExitGate implements KioskExitPort {
  private failures = 0;
  private lockedUntil = 0;
  private readonly freeAttempts: number;
  private readonly lockMs: number;
  private readonly maxLockMs: number;
  private readonly verify: (pin: string, pinHash: string) => Promise<boolean>;

  constructor(private readonly options: KioskExitGateOptions) {
    this.freeAttempts = options.freeAttempts ?? 5;
    this.lockMs = options.lockMs ?? 30_000;
    this.maxLockMs = options.maxLockMs ?? 15 * 60_000;
    this.verify = options.verify ?? verifyKioskPin;
  }

  /** False when no PIN is set: the screen then offers no way out at all. */
  get enabled(): boolean {
    return (this.options.pinHash() ?? '') !== '';
  }

  async tryExit(pin: string): Promise<KioskGateOutcome> {
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
      return { result: 'exit' };
    }
    return { result: 'wrong', attemptsLeft: Math.max(0, this.freeAttempts - this.failures) };
  }
}

/** How long the app waits after a successful exit before it quits, so the reply reaches the page. */
export const QUIT_AFTER_EXIT_MS = 250;

/**
 * The kiosk's port: the gate decides, and a successful exit quits the app
 * once the reply has gone out (quitting closes the IPC channel it travels on).
 */
export function quittingKioskExit(
  gate: KioskExitGate,
  quit: () => void,
  later: (run: () => void) => void = (run) => setTimeout(run, QUIT_AFTER_EXIT_MS),
): KioskExitPort {
  return {
    async tryExit(pin) {
      const outcome = await gate.tryExit(pin);
      if (outcome.result === 'exit') later(quit);
      return outcome;
    },
  };
}
