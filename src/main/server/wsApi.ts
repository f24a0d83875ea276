// The API over WebSocket: each socket is one connection of the RPC endpoint, its
// frames carried as JSON text, its client known by the principal the upgrade
// established. Connections are capped in total and per phone; slow and dead
// clients are cut off so they cannot hold memory; a forgotten phone's sockets
// close at once, and so do owner browsers' when the owner secret is rotated.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';
import type { Subscription } from '../../shared/emitter';
import type { Logger } from '../base/log';
import type { HearthApi } from '../clients/hearthApi';
import { isValidPrincipal, type Principal } from '../clients/principal';
import { serveRpc } from '../clients/connection';
import { wsChannel } from './wsChannel';
import { endSocket } from './wsClose';
import type { WsLimits } from './wsLimits';

export interface WsApiOptions extends WsLimits {
  hearth: HearthApi;
  logger: Logger;
}

interface Client {
  id: string;
  socket: WebSocket;
  principal: Principal;
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
  readonly #forgetting: Subscription;
  #closed = false;

  constructor(options: WsApiOptions) {
    this.#options = options;
    this.wss = new WebSocketServer({
      noServer: true,
      // ws counts bytes as they arrive and closes (1009) past this, before parsing.
      maxPayload: options.maxPayloadBytes,
      // Token frames are tiny; compression would cost CPU per frame on a Pi for nothing.
      perMessageDeflate: false,
      clientTracking: false,
      // One message per turn of the event loop, not a whole TCP read's worth at
      // once: a flood of small frames must not hold the kiosk's screen still.
      allowSynchronousEvents: false,
    });
    this.wss.on(
      'connection',
      (socket: WebSocket, request: IncomingMessage, principal?: Principal) =>
        this.accept(socket, request, principal),
    );
    this.#pingTimer = setInterval(() => this.#heartbeat(), options.pingIntervalMs);
    this.#forgetting = options.hearth.clients.onForget((deviceId) => this.#closeDevice(deviceId));
  }

  /**
   * Serves one upgraded socket as the given principal. Without one it is
   * refused, whatever address it comes from: the upgrade decides who is who.
   */
  accept(socket: WebSocket, request: IncomingMessage, principal?: Principal): void {
    const { hearth, logger } = this.#options;
    const remoteAddress = request.socket.remoteAddress;
    const who = principal;
    if (this.#closed || !who || !isValidPrincipal(who)) {
      logger.warn('ws_refused', { reason: 'no principal', remoteAddress });
      socket.terminate();
      return;
    }
    const refusal = this.#overCap(who);
    if (refusal) {
      logger.warn('ws_refused', { reason: refusal, remoteAddress, deviceId: who.deviceId });
      endSocket(socket, 'too_many');
      return;
    }
    const id = `ws-${randomUUID().slice(0, 8)}`;
    const client: Client = {
      id,
      socket,
      principal: who,
      alive: true,
      connectedAt: Date.now(),
      serving: [],
    };
    const channel = wsChannel(socket, {
      connectionId: id,
      logger,
      maxBufferedBytes: this.#options.maxBufferedBytes,
      onCutOff: () => this.#drop(client),
    });
    client.serving.push(
      serveRpc(channel, {
        clients: hearth.clients,
        principal: who,
        logger,
        transport: 'ws',
        connectionId: id,
        close: (reason) => {
          this.#drop(client);
          endSocket(socket, reason);
        },
      }),
      // A phone's open connections are its own client's to count (the kiosk's device list shows them).
      ...(who.deviceId === undefined ? [] : [hearth.clients.connectDevice(who.deviceId)]),
    );
    this.#clients.set(socket, client);
    logger.info('ws_connected', {
      connectionId: id,
      role: who.role,
      deviceId: who.deviceId,
      remoteAddress,
      clients: this.#clients.size,
    });
    socket.on('pong', () => {
      client.alive = true;
    });
    socket.on('error', (error) => {
      // ws closes the socket itself after an error (e.g. 1009 for an oversized frame).
      logger.warn('ws_error', { connectionId: id, error: error.message });
    });
    socket.on('close', (code, reason) => {
      this.#drop(client);
      logger.info('ws_disconnected', {
        connectionId: id,
        code,
        reason: reason.toString(),
        durationMs: Date.now() - client.connectedAt,
        clients: this.#clients.size,
      });
    });
  }

  /** Open connections: all, or one phone's. */
  connections(deviceId?: string): number {
    return deviceId === undefined
      ? this.#clients.size
      : this.#options.hearth.clients.connectionsOf(deviceId);
  }

  #overCap(principal: Principal): string | undefined {
    if (this.#clients.size >= this.#options.maxConnections) return 'too many connections';
    const { deviceId } = principal;
    if (
      deviceId !== undefined &&
      this.#options.hearth.clients.connectionsOf(deviceId) >= this.#options.maxConnectionsPerDevice
    ) {
      return 'too many connections from this device';
    }
    return undefined;
  }

  /** Forgets a client at once, so it no longer counts or hears events. */
  #drop(client: Client): void {
    if (this.#clients.get(client.socket) !== client) return;
    this.#clients.delete(client.socket);
    for (const part of client.serving) part.dispose();
  }

  #closeDevice(deviceId: string): void {
    for (const client of [...this.#clients.values()]) {
      if (client.principal.deviceId !== deviceId) continue;
      this.#drop(client);
      endSocket(client.socket, 'forgotten');
    }
  }

  /**
   * The owner secret was rotated: every owner socket here is a browser that
   * proved the old one (the kiosk is the owner over IPC), so all of them close.
   */
  closeOwners(): number {
    let closed = 0;
    for (const client of [...this.#clients.values()]) {
      if (client.principal.role !== 'owner') continue;
      this.#drop(client);
      endSocket(client.socket, 'revoked');
      closed++;
    }
    if (closed > 0) this.#options.logger.info('ws_owners_signed_out', { connections: closed });
    return closed;
  }

  #heartbeat(): void {
    for (const client of [...this.#clients.values()]) {
      if (!client.alive) {
        this.#options.logger.warn('ws_dead', { connectionId: client.id });
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
    this.#forgetting.dispose();
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
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
