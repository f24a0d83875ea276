// What the PIN pad says after each attempt to leave kiosk mode.
import type { KioskExitOutcome } from '../../../../shared/api';

export function exitMessage(outcome: KioskExitOutcome): string {
  switch (outcome.result) {
    case 'exit':
      return 'Leaving kiosk mode…';
    case 'wrong': {
      const left = outcome.attemptsLeft;
      if (left === 0) return 'Wrong PIN, no tries left: the next one must wait';
      return `Wrong PIN, ${left} ${left === 1 ? 'try' : 'tries'} left`;
    }
    case 'locked':
      return lockedMessage(Math.ceil(outcome.retryAfterMs / 1000));
    case 'disabled':
      return 'No PIN is set: set one in Settings first';
    case 'unavailable':
      return 'Not running as a kiosk: there is nothing to leave';
  }
}

/** The lock as it counts down; at 0 the owner may try again. */
export function lockedMessage(secondsLeft: number): string {
  return secondsLeft > 0 ? `Locked: try again in ${secondsLeft} s` : 'You can try again now';
}

export interface ExitStatus {
  /** On screen: while locked, the seconds left, updated every second. */
  shown: string;
  /**
   * For a screen reader's live region: while locked, only the start and the end
   * of the lock. A polite region re-read every second would queue thirty
   * announcements and drown out everything else; the person needs to hear how
   * long to wait, and when the wait is over.
   */
  spoken: string;
  /** Whether Leave kiosk must wait. */
  locked: boolean;
}

/** A message that is shown and spoken as it is (nothing tried yet, or the call failed). */
export function plainStatus(message: string): ExitStatus {
  return { shown: message, spoken: message, locked: false };
}

export function exitStatus(outcome: KioskExitOutcome, secondsLeft: number): ExitStatus {
  if (outcome.result !== 'locked') return plainStatus(exitMessage(outcome));
  const locked = secondsLeft > 0;
  return {
    shown: lockedMessage(secondsLeft),
    spoken: locked ? exitMessage(outcome) : lockedMessage(0),
    locked,
  };
}
