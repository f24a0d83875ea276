// How a WebSocket is ended from this side: a close code the client can act on,
// then, if the peer does not answer the close (a half-open link), termination.
import type { WebSocket } from 'ws';
import type { LinkCloseReason } from '../clients/client';

/** Close codes and reasons the client sees; 4000-4999 are the application's own. */
export const WS_CLOSE: Readonly<Record<LinkCloseReason, { code: number; reason: string }>> =
  Object.freeze({
    /** Another connection resumed this session: do not reconnect from here. */
    taken_over: { code: 4000, reason: 'session taken over by a newer connection' },
    /** The device was forgotten on the kiosk: pair again. */
    forgotten: { code: 4001, reason: 'this device was forgotten; pair it again' },
    /** The owner secret was rotated: open the new owner page link. */
    revoked: { code: 4003, reason: 'owner browsers were signed out; open the new owner page link' },
    flooding: { code: 1008, reason: 'too many messages' },
    too_many: { code: 1013, reason: 'too many connections; try again later' },
    failed: { code: 1011, reason: 'the session could not be brought up to date' },
  });

const CLOSING_OR_CLOSED = 2;

/** Sends a close frame, and terminates the socket if the close is not answered in graceMs. */
export function endSocket(socket: WebSocket, why: LinkCloseReason, graceMs = 1000): void {
  if (socket.readyState >= CLOSING_OR_CLOSED) return;
  const timer = setTimeout(() => socket.terminate(), graceMs);
  socket.once('close', () => clearTimeout(timer));
  const { code, reason } = WS_CLOSE[why];
  socket.close(code, reason);
}
