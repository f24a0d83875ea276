// A WebSocket server on loopback that speaks the session protocol the way
// Hearth's does, small enough to steer from a client test: it welcomes each
// hello (resuming a known session when its secret matches), sends a snapshot
// or the missed events, answers pings and calls, and can fall silent like a
// link Wi-Fi dropped without a word.
import { WebSocketServer, type WebSocket } from 'ws';
import type { HearthEvent } from '../shared/api';
import type { ClientFrame, HelloFrame, ServerFrame } from '../shared/wire';
import { snapshot } from './rendererFakes';

type Handlers = Record<string, (args: unknown) => unknown>;

interface Session {
  id: string;
  secret: string;
  /** Every event of the session, seq = index + 1. */
  events: HearthEvent[];
}

export interface SessionServer {
  port: number;
  /** Every hello received, in order. */
  hellos: HelloFrame[];
  /** Every frame received other than hello. */
  received: ClientFrame[];
  /** Every binary message (an audio frame) received, as bytes. */
  audio: Uint8Array[];
  /** Sends an event to the one session, numbered, to whichever socket has it now. */
  emit(event: HearthEvent): void;
  /** Sends a raw frame to every open socket. */
  sendRaw(frame: unknown): void;
  /** Stops answering anything, pongs included, without closing: a half-open link. */
  silence(): void;
  /** Drops every socket at once. */
  terminateAll(): void;
  close(): Promise<void>;
}

export async function startSessionServer(
  handlers: Handlers = {},
  port = 0,
): Promise<SessionServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  const hellos: HelloFrame[] = [];
  const received: ClientFrame[] = [];
  const audio: Uint8Array[] = [];
  let session: Session | undefined;
  let live: WebSocket | undefined;
  let silent = false;
  let sessions = 0;

  const send = (socket: WebSocket, frame: ServerFrame | unknown) => {
    if (!silent && socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
  };

  const hello = (socket: WebSocket, frame: HelloFrame) => {
    hellos.push(frame);
    const resume = frame.resume;
    const resumed =
      !!resume && resume.sessionId === session?.id && resume.secret === session.secret;
    if (!resumed || !session) {
      session = { id: `session-${++sessions}`, secret: `secret-${sessions}`, events: [] };
    }
    live = socket;
    const { id, secret, events } = session;
    send(socket, { t: 'welcome', sessionId: id, secret, resumed, role: 'owner' });
    const lastSeq = resume?.lastSeq ?? 0;
    if (resumed && lastSeq <= events.length) {
      events.slice(lastSeq).forEach((event, i) => {
        send(socket, { t: 'event', seq: lastSeq + i + 1, event });
      });
      return;
    }
    send(socket, { t: 'snapshot', seq: events.length, snapshot: snapshot() });
  };

  const call = (socket: WebSocket, frame: Extract<ClientFrame, { t: 'call' }>) => {
    const handler = handlers[frame.name];
    send(
      socket,
      handler
        ? { t: 'result', id: frame.id, ok: true, value: handler(frame.args) }
        : {
            t: 'result',
            id: frame.id,
            ok: false,
            error: { code: 'not_found', message: 'no such thing' },
          },
    );
  };

  wss.on('connection', (socket) => {
    socket.on('message', (data, isBinary) => {
      if (isBinary) {
        audio.push(new Uint8Array(data as Buffer));
        return;
      }
      const frame = JSON.parse(String(data)) as ClientFrame;
      if (frame.t === 'hello') return hello(socket, frame);
      received.push(frame);
      if (frame.t === 'ping') send(socket, { t: 'pong', id: frame.id });
      if (frame.t === 'call') call(socket, frame);
    });
  });

  return {
    port: (wss.address() as { port: number }).port,
    hellos,
    received,
    audio,
    emit(event) {
      if (!session) throw new Error('no session yet');
      session.events.push(event);
      if (live) send(live, { t: 'event', seq: session.events.length, event });
    },
    sendRaw(frame) {
      for (const socket of wss.clients) send(socket, frame);
    },
    silence() {
      silent = true;
    },
    terminateAll() {
      for (const socket of wss.clients) socket.terminate();
    },
    close() {
      for (const socket of wss.clients) socket.terminate();
      return new Promise((resolve) => wss.close(() => resolve()));
    },
  };
}
