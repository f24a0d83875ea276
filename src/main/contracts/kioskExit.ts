// The owner's way out of kiosk mode, as the API service sees it. Only the
// Electron kiosk has one (it checks the PIN and closes the app); a headless
// server has none, and the service then answers 'unavailable'.
import type { KioskExitOutcome } from '../../shared/api';

export type { KioskExitOutcome } from '../../shared/api';

export interface KioskExitPort {
  /** Checks a typed PIN; on 'exit' the kiosk closes once the reply has gone out. */
  tryExit(pin: string): Promise<KioskExitOutcome>;
}

/**
 * Builds the port once settings exist: `pinHash` reads the PIN hash in force
 * at each attempt, since the owner may set, change or remove the PIN at any time.
 */
export type KioskExitFactory = (pinHash: () => string | undefined) => KioskExitPort;
