// The API over WebSocket: each socket is one client of the RPC endpoint, its
// frames carried as JSON text. Bad frames are answered, never fatal; slow and
// dead clients are cut off so they cannot hold memory.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';
import type { Subscription } from '../../shared/emitter';
import type { HearthApi } from '../rpc/hearthApi';
import { serveRpc } from '../rpc/rpcEndpoint';
import type { Logger } from '../base/log';
import { wsChannel } from './wsChannel';
import type { WsLimits } from './wsLimits';

export interface WsApiOptions extends WsLimits {
  hearth: HearthApi;
  logger: Logger;
}

interface Client {
  id: string;
  socket: WebSocket;
  alive: boolean;
  connectedAt: number;
  /** Serving the API to this socket, and counting it as a connected client. */
  serving: Subscription[];
}

export class WsApi {
  readonly wss: WebSocketServer;
  readonly #clients = new Map<WebSocket, Client>();
  readonly #options: WsApiOptions;
  readonly #pingTimer: NodeJS.Timeout;
  #closed = false;

  constructor(options: WsApiOptions) {
    this.#options = options;
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: options.maxPayloadBytes,
      // Token frames are tiny; compression would cost CPU per frame on a Pi for nothing.
      perMessageDeflate: false,
      clientTracking: false,
    });
    this.wss.on('connection', (socket: WebSocket, request: IncomingMessage) =>
      this.#accept(socket, request),
    );
    this.#pingTimer = setInterval(() => this.#heartbeat(), options.pingIntervalMs);
  }

  #accept(socket: WebSocket, request: IncomingMessage): void {
    const { hearth, logger } = this.#options;
    const id = `ws-${randomUUID().slice(0, 8)}`;
    const channel = wsChannel(socket, {
      clientId: id,
      logger,
      maxFrameBytes: this.#options.maxFrameBytes,
      maxBufferedBytes: this.#options.maxBufferedBytes,
      onCutOff: () => this.#drop(client),
    });
    const endpoint = serveRpc(channel, {
      handlers: hearth.handlers,
      events: hearth.events,
      clientId: id,
      logger,
      transport: 'ws',
    });
    const client: Client = {
      id,
      socket,
      alive: true,
      connectedAt: Date.now(),
      serving: [endpoint, hearth.clients.connect('browser')],
    };
    this.#clients.set(socket, client);
    logger.info('ws_connected', {
      clientId: id,
      remoteAddress: request.socket.remoteAddress,
      clients: this.#clients.size,
    });
    socket.on('pong', () => {
      client.alive = true;
    });
    socket.on('error', (error) => {
      // ws closes the socket itself after an error (e.g. 1009 for an oversized frame).
      logger.warn('ws_error', { clientId: id, error: error.message });
    });
    socket.on('close', (code, reason) => {
      this.#drop(client);
      logger.info('ws_disconnected', {
        clientId: id,
        code,
        reason: reason.toString(),
        durationMs: Date.now() - client.connectedAt,
        clients: this.#clients.size,
      });
    });
  }

  /** Forgets a client at once, so it no longer counts or hears events. */
  #drop(client: Client): void {
    for (const part of client.serving) part.dispose();
    this.#clients.delete(client.socket);
  }

  #heartbeat(): void {
    for (const client of this.#clients.values()) {
      if (!client.alive) {
        this.#options.logger.warn('ws_dead', { clientId: client.id });
        this.#drop(client);
        client.socket.terminate();
        continue;
      }
      client.alive = false;
      client.socket.ping();
    }
  }

  /** Closes every socket (1001 going away), waiting briefly for clean closes. */
  async close(graceMs = 1000): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#pingTimer);
    const clients = [...this.#clients.values()];
    // No event goes out while the sockets say goodbye.
    for (const client of clients) this.#drop(client);
    await Promise.all(
      clients.map(
        ({ socket }) =>
          new Promise<void>((resolve) => {
            if (socket.readyState === WebSocket.CLOSED) return resolve();
            const timer = setTimeout(() => socket.terminate(), graceMs);
            socket.once('close', () => {
              clearTimeout(timer);
              resolve();
            });
            socket.close(1001, 'server shutting down');
          }),
      ),
    );
    this.#clients.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
