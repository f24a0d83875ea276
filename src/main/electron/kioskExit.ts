// The owner's hidden way out of the kiosk: a long press on the logo, then the
// PIN set in settings. The composition root owns the one PIN gate (it also
// guards changing the PIN in Settings, with the same lockout); the kiosk only
// adds what a successful exit means here: quitting the app.
import type { KioskExitPort } from '../kioskExit/kioskExitPort';

/** How long the app waits after a successful exit before it quits, so the reply reaches the page. */
export const QUIT_AFTER_EXIT_MS = 250;

/**
 * The kiosk's port: the gate decides, and a successful exit quits the app
 * once the reply has gone out (quitting closes the IPC channel it travels on).
 */
export function quittingKioskExit(
  gate: KioskExitPort,
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
