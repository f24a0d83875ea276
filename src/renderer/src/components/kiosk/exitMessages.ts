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
      return `Locked: try again in ${Math.max(1, Math.ceil(outcome.retryAfterMs / 1000))} s`;
    case 'disabled':
      return 'No PIN is set: set one in Settings first';
    case 'unavailable':
      return 'Not running as a kiosk: there is nothing to leave';
  }
}
