// One port that answers both https and plain http, so a phone that types the
// address without https:// (or scans an old QR code) is sent to the secure
// page instead of failing. Every TLS connection opens with a handshake record,
// whose first byte is 0x16; plain HTTP starts with a method's letter. The
// first byte picks the server; the byte is put back so that server reads the
// connection from its start.
import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { createServer, type Server, type Socket } from 'node:net';

/** The TLS record type of a handshake (RFC 8446 §5.1): a ClientHello begins with it. */
const TLS_HANDSHAKE = 0x16;
/** A connection that sends nothing for this long is closed before either server sees it. */
export const FIRST_BYTE_TIMEOUT_MS = 10_000;

export interface TlsFront {
  /** The one listening server: listen on it, and read its address. */
  readonly server: Server;
  /** Stops listening and ends every connection, whichever server holds it. */
  close(): Promise<void>;
}

export function tlsFront(
  secure: HttpsServer,
  plain: HttpServer,
  options: { firstByteTimeoutMs?: number } = {},
): TlsFront {
  const timeoutMs = options.firstByteTimeoutMs ?? FIRST_BYTE_TIMEOUT_MS;
  /** Connections whose first byte has not come yet: no server owns them. */
  const waiting = new Set<Socket>();
  const server = createServer((socket) => {
    waiting.add(socket);
    socket.on('error', () => socket.destroy());
    socket.setTimeout(timeoutMs, () => socket.destroy());
    socket.once('close', () => waiting.delete(socket));
    socket.once('data', (first: Buffer) => {
      waiting.delete(socket);
      socket.setTimeout(0);
      socket.pause();
      socket.unshift(first);
      const to = first[0] === TLS_HANDSHAKE ? secure : plain;
      to.emit('connection', socket);
      // The server now reads it; 'data' listeners of its own take over.
      process.nextTick(() => socket.resume());
    });
  });
  // Node's HTTP servers track their connections (header timeouts, closeAllConnections)
  // from their 'listening' event; these two never listen themselves, the front does.
  server.once('listening', () => {
    secure.emit('listening');
    plain.emit('listening');
  });
  return {
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of waiting) socket.destroy();
        for (const inner of [secure, plain]) {
          inner.closeAllConnections();
          // Clears their connection-check timers; they hold no listening handle.
          inner.close();
        }
      }),
  };
}
