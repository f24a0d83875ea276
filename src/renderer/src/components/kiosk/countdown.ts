// Counts the PIN lock down a second at a time, so "try again in N s" stays true
// while the owner waits, and says 0 when the wait is over.

/** Whole seconds left until `until` (a Date.now() time), rounded up, never below 0. */
export function secondsUntil(until: number, now = Date.now()): number {
  return Math.max(0, Math.ceil((until - now) / 1000));
}

/** One countdown at a time; its owner stops it (on unmount, or when a new one starts). */
export class Countdown {
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly onTick: (secondsLeft: number) => void) {}

  /**
   * Calls onTick each time the whole seconds left until `until` go down, the last
   * time with 0, then stops; the caller shows the starting count itself. It reads
   * the clock on every tick rather than counting ticks, so a late timer (a busy
   * Pi) never makes the count run slow.
   */
  start(until: number): void {
    this.stop();
    const next = (): void => {
      const left = until - Date.now();
      if (left <= 0) return;
      // Wake when the shown number changes: at the next whole second before `until`.
      this.#timer = setTimeout(
        () => {
          this.#timer = undefined;
          const seconds = secondsUntil(until);
          this.onTick(seconds);
          if (seconds > 0) next();
        },
        left % 1000 || 1000,
      );
    };
    next();
  }

  stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
