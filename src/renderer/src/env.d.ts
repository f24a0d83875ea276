import type { HearthBridge } from '../../shared/transport';

declare global {
  interface Window {
    /** Present only in the Electron kiosk, where the preload exposes it. */
    hearth?: HearthBridge;
  }
}

export {};
