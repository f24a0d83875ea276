// window.hearth, built over the small part of ipcRenderer it needs, so it can be
// tested without Electron.
import type { HearthBridge } from '../shared/transport';
import { CALL_CHANNEL, EVENT_CHANNEL } from '../shared/channels';

type Handler = (event: unknown, payload: unknown) => void;

export interface BridgeIpc {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, handler: Handler): unknown;
  removeListener(channel: string, handler: Handler): unknown;
}

export function createBridge(ipc: BridgeIpc): HearthBridge {
  return {
    /** Resolves with the call's CallOutcome ({ ok, value } or { ok: false, error }). */
    call: (name, args) => ipc.invoke(CALL_CHANNEL, name, args),
    onEvent: (listener) => {
      // Only the payload crosses into the page, never the IpcRendererEvent (it holds `sender`).
      const forward: Handler = (_event, payload) => listener(payload);
      ipc.on(EVENT_CHANNEL, forward);
      return () => {
        ipc.removeListener(EVENT_CHANNEL, forward);
      };
    },
  };
}
