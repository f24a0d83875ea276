// The API over WebSocket: each text frame is a call, answered by a result frame;
// every HearthApi event goes to every open socket. Bad frames are answered, never
// fatal; slow and dead clients are cut off so they cannot hold memory.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { z } from 'zod';
import { commands, type ApiError, type HearthEvent } from '../../shared/api';
import { callFrame, type EventFrame, type ResultFrame } from '../../shared/wire';
import { dispatch } from '../rpc/dispatch';
import type { HearthApi } from '../rpc/hearthApi';
import type { Logger } from '../base/log';

export interface WsApiOptions {
  hearth: HearthApi;
  logger: Logger;
  /** Frames above this many bytes are refused with an error result; the socket stays open. */
  maxFrameBytes: number;
  /** Frames above this many bytes close the socket (1009) before they are buffered whole. */
  maxPayloadBytes: number;
  /** A client whose unsent data passes this many bytes is disconnected. */
  maxBufferedBytes: number;
  pingIntervalMs: number;
}

/** Result frames for errors that belong to no call (the frame had no usable id) carry this id. */
export const NO_CALL_ID = -1;

interface Client {
  id: string;
  socket: WebSocket;
  alive: boolean;
  connectedAt: number;
}

function rawToBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

function describeFrameIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? issue.path.join('.') : 'frame'}: ${issue.message}`)
    .join('; ');
}

/** The id of a rejected frame, when it has one the client could be waiting on. */
function usableId(value: unknown): number {
  if (typeof value !== 'object' || value === null) return NO_CALL_ID;
  const id = (value as { id?: unknown }).id;
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : NO_CALL_ID;
}

function usableIdOfRaw(data: RawData): number {
  try {
    return usableId(JSON.parse(rawToBuffer(data).toString('utf8')));
  } catch {
    return NO_CALL_ID;
  }
}

export class WsApi {
  readonly wss: WebSocketServer;
  readonly #clients = new Map<WebSocket, Client>();
  readonly #options: WsApiOptions;
  readonly #unsubscribe: () => void;
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
    this.#unsubscribe = options.hearth.events.subscribe((event) => this.broadcast(event));
    this.#pingTimer = setInterval(() => this.#heartbeat(), options.pingIntervalMs);
  }

  get clientCount(): number {
    return this.#clients.size;
  }

  broadcast(event: HearthEvent): void {
    if (this.#clients.size === 0) return;
    const frame: EventFrame = { t: 'event', event };
    const text = JSON.stringify(frame); // once per event, not once per client
    for (const client of this.#clients.values()) this.#send(client, text);
  }

  #accept(socket: WebSocket, request: IncomingMessage): void {
    const client: Client = {
      id: `ws-${randomUUID().slice(0, 8)}`,
      socket,
      alive: true,
      connectedAt: Date.now(),
    };
    this.#clients.set(socket, client);
    const { logger } = this.#options;
    logger.info('ws_connected', {
      clientId: client.id,
      remoteAddress: request.socket.remoteAddress,
      clients: this.#clients.size,
    });
    socket.on('pong', () => {
      client.alive = true;
    });
    socket.on('message', (data, isBinary) => {
      this.#onFrame(client, data, isBinary).catch((error: unknown) => {
        // A result that cannot be serialised, say: the caller still gets an answer.
        logger.error('ws_call_failed', { clientId: client.id, error: String(error) });
        this.#send(
          client,
          JSON.stringify({
            t: 'result',
            id: usableIdOfRaw(data),
            ok: false,
            error: { code: 'internal', message: 'the call failed on the server' },
          } satisfies ResultFrame),
        );
      });
    });
    socket.on('error', (error) => {
      // ws closes the socket itself after an error (e.g. 1009 for an oversized frame).
      logger.warn('ws_error', { clientId: client.id, error: error.message });
    });
    socket.on('close', (code, reason) => {
      this.#clients.delete(socket);
      logger.info('ws_disconnected', {
        clientId: client.id,
        code,
        reason: reason.toString(),
        durationMs: Date.now() - client.connectedAt,
        clients: this.#clients.size,
      });
    });
  }

  async #onFrame(client: Client, data: RawData, isBinary: boolean): Promise<void> {
    const bytes = rawToBuffer(data);
    const { maxFrameBytes } = this.#options;
    if (isBinary)
      return this.#reject(
        client,
        NO_CALL_ID,
        'binary frames are not accepted; send JSON text',
        bytes.length,
      );
    let parsed: unknown;
    try {
      parsed = JSON.parse(bytes.toString('utf8'));
    } catch {
      return this.#reject(client, NO_CALL_ID, 'frame is not valid JSON', bytes.length);
    }
    if (bytes.length > maxFrameBytes) {
      return this.#reject(
        client,
        usableId(parsed),
        `frame of ${bytes.length} bytes exceeds the limit of ${maxFrameBytes} bytes`,
        bytes.length,
      );
    }
    const frame = callFrame.safeParse(parsed);
    if (!frame.success) {
      const name = (parsed as { name?: unknown } | null)?.name;
      const message =
        typeof name === 'string' && !Object.hasOwn(commands, name)
          ? `unknown command: ${name.slice(0, 64)}`
          : `bad call frame: ${describeFrameIssues(frame.error)}`;
      return this.#reject(client, usableId(parsed), message, bytes.length);
    }
    const { id, name, args } = frame.data;
    const outcome = await dispatch(this.#options.hearth.handlers, name, args, {
      clientId: client.id,
    });
    const result: ResultFrame = outcome.ok
      ? { t: 'result', id, ok: true, value: outcome.value }
      : { t: 'result', id, ok: false, error: outcome.error };
    this.#send(client, JSON.stringify(result));
  }

  #reject(client: Client, id: number, message: string, bytes: number): void {
    this.#options.logger.warn('ws_bad_frame', { clientId: client.id, reason: message, bytes });
    const error: ApiError = { code: 'bad_request', message };
    const result: ResultFrame = { t: 'result', id, ok: false, error };
    this.#send(client, JSON.stringify(result));
  }

  #send(client: Client, text: string): void {
    const { socket } = client;
    if (socket.readyState !== WebSocket.OPEN) return;
    // A client that stopped reading (a sleeping phone, a stalled tab) would make
    // every event pile up in our memory; cut it off instead. It can reconnect.
    if (socket.bufferedAmount + text.length > this.#options.maxBufferedBytes) {
      this.#options.logger.warn('ws_slow_client', {
        clientId: client.id,
        bufferedBytes: socket.bufferedAmount,
        limitBytes: this.#options.maxBufferedBytes,
      });
      this.#clients.delete(socket);
      socket.terminate();
      return;
    }
    socket.send(text);
  }

  #heartbeat(): void {
    for (const client of this.#clients.values()) {
      if (!client.alive) {
        this.#options.logger.warn('ws_dead', { clientId: client.id });
        this.#clients.delete(client.socket);
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
    this.#unsubscribe();
    const sockets = [...this.#clients.keys()];
    await Promise.all(
      sockets.map(
        (socket) =>
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
