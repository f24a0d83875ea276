import type { HearthTransport } from '../../../shared/transport';
import { createIpcTransport } from './ipcTransport';
import { createWsTransport, defaultWsUrl } from './wsTransport';

/** The kiosk has the preload bridge; a browser (phone) talks WebSocket to the same origin. */
export function pickTransport(): HearthTransport {
  if (window.hearth) return createIpcTransport(window.hearth);
  return createWsTransport({ url: defaultWsUrl(window.location) });
}
