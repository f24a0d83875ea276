// The owner's way out of kiosk mode, as the API service sees it. Only the
// Electron kiosk has one (the shared PIN gate checks the PIN, the kiosk closes
// the app); a headless server has none, and the service then answers 'unavailable'.
import type { KioskExitOutcome } from '../../shared/api';

export type { KioskExitOutcome } from '../../shared/api';

export interface KioskExitPort {
  /** Checks a typed PIN; on 'exit' the kiosk closes once the reply has gone out. */
  tryExit(pin: string): Promise<KioskExitOutcome>;
}

/**
 * Builds the kiosk's port over the process's one PIN gate (which also guards
 * changing the PIN in Settings, so both count wrong PINs together): the kiosk
 * only adds what leaving means there, e.g. quitting the app.
 */
export type KioskExitFactory = (gate: KioskExitPort) => KioskExitPort;
