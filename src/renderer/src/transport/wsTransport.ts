// A phone's transport: the API over one WebSocket to the server that served the page.
// Calls are the RPC client's and sessions the session client's, as for the
// kiosk; this file owns the socket: JSON text, the heartbeat that notices a dead
// link, reconnection with exponential backoff, and the link state. After the
// last attempt the link is 'lost' until retry(), or until the page becomes
// visible again or the browser comes back online.
import { Emitter } from '../../../shared/emitter';
import { HearthCallError, type HearthTransport, type LinkState } from '../../../shared/transport';
import type { ClientFrame } from '../../../shared/wire';
import { defaultBackoff, jitteredDelay, type BackoffPolicy } from './backoff';
import { defaultHeartbeat, Heartbeat, type HeartbeatPolicy } from './heartbeat';
import { tabResumeStore, type ResumeStore } from './resumeStore';
import { createRpcClient, type FramePort } from './rpcClient';
import { SessionClient } from './sessionClient';
import { transportSurface } from './transportSurface';
import { watchWakeUps, type WakeSource } from './wakeUps';

/** The part of the WebSocket API used here; the browser's and the `ws` package's both fit. */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((event: never) => void) | null;
  onclose: ((event: never) => void) | null;
  onerror: ((event: never) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  /** Set to 'arraybuffer': speech frames arrive as bytes, not Blobs. */
  binaryType: string;
  /** JSON text for frames; bytes (a binary message) for audio frames. */
  send(data: string | Uint8Array): void;
  close(code?: number, reason?: string): void;
}
export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface WsTransportOptions {
  url: string;
  /** Defaults to the global WebSocket (browsers); tests pass the `ws` package's client. */
  WebSocket?: WebSocketConstructor;
  backoff?: BackoffPolicy;
  heartbeat?: HeartbeatPolicy;
  /** Where the session to resume is kept; defaults to the tab's sessionStorage. */
  resume?: ResumeStore;
  /** Where page-visible and back-online come from; defaults to the window, if any. */
  wake?: WakeSource;
  /** For the backoff's jitter; [0, 1). */
  random?: () => number;
}

const OPEN = 1;
/** A second gap this soon after the first waits out the backoff instead of reconnecting at once. */
const GAP_RETRY_MS = 10_000;

export function defaultWsUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}

export function createWsTransport(options: WsTransportOptions): HearthTransport {
  const Ctor = options.WebSocket ?? (globalThis.WebSocket as unknown as WebSocketConstructor);
  const policy = options.backoff ?? defaultBackoff;
  const links = new Emitter<LinkState>();
  const frames = new Emitter<unknown>();
  const speech = new Emitter<Uint8Array>();

  let link: LinkState = { state: 'connecting' };
  let socket: WebSocketLike | null = null;
  /** Reconnection attempts since the session was last live. */
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  let pings = 0;
  let lastGapAt = -Infinity;

  // Whichever socket is current carries the frames; between sockets, sending fails at once.
  const send = (frame: ClientFrame): void => {
    if (!socket || socket.readyState !== OPEN) {
      throw new HearthCallError('disconnected', 'Not connected to Hearth');
    }
    socket.send(JSON.stringify(frame));
  };
  // Audio frames go as binary messages on the same socket, and fail the same way between sockets.
  const sendAudio = (bytes: Uint8Array): void => {
    if (!socket || socket.readyState !== OPEN) {
      throw new HearthCallError('disconnected', 'Not connected to Hearth');
    }
    socket.send(bytes);
  };
  const port: FramePort = { post: send, onFrame: (listener) => frames.subscribe(listener) };
  const client = createRpcClient(port);
  const session = new SessionClient({
    send,
    resume: options.resume ?? tabResumeStore(),
    onLive: () => {
      attempt = 0;
      setLink({ state: 'connected' });
    },
    // An event was skipped: start over on a new socket, at once unless that was
    // just tried (then the backoff paces it); the resume fills the gap.
    onGap: () => {
      abandon();
      linkDown();
      const now = Date.now();
      if (now - lastGapAt > GAP_RETRY_MS) connectNow();
      lastGapAt = now;
    },
  });
  const heartbeat = new Heartbeat(options.heartbeat ?? defaultHeartbeat, {
    ping: () => send({ t: 'ping', id: ++pings }),
    dead: () => {
      abandon();
      linkDown();
    },
    hidden: () => typeof document !== 'undefined' && document.visibilityState === 'hidden',
  });

  function setLink(next: LinkState): void {
    link = next;
    links.fire(next);
  }

  function connect(): void {
    timer = undefined;
    let ws: WebSocketLike;
    try {
      ws = new Ctor(options.url);
    } catch {
      linkDown();
      return;
    }
    socket = ws;
    ws.binaryType = 'arraybuffer';
    // Also bounds the opening: a socket that says nothing in time counts as a failed attempt.
    heartbeat.start();
    ws.onopen = () => {
      if (socket !== ws) return;
      heartbeat.heard();
      send(session.hello());
    };
    ws.onmessage = (event) => {
      if (socket !== ws) return;
      heartbeat.heard();
      receive(event.data);
    };
    ws.onerror = () => {}; // a close event always follows
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      heartbeat.stop();
      linkDown();
    };
  }

  /**
   * Lets go of the current socket without waiting for its closing handshake:
   * over a link that is gone, that handshake would never finish.
   */
  function abandon(): void {
    const ws = socket;
    socket = null;
    heartbeat.stop();
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onclose = null;
    try {
      ws.close();
    } catch {
      // Already closing.
    }
  }

  function linkDown(): void {
    client.failPending('The connection to Hearth was lost');
    if (closed) return;
    if (attempt >= policy.maxAttempts) {
      setLink({ state: 'lost', reason: `No answer after ${policy.maxAttempts} attempts` });
      return;
    }
    attempt += 1;
    setLink({ state: 'reconnecting', attempt, maxAttempts: policy.maxAttempts });
    timer = setTimeout(connect, jitteredDelay(attempt, policy, options.random));
  }

  function receive(data: unknown): void {
    if (data instanceof ArrayBuffer) {
      speech.fire(new Uint8Array(data));
      return;
    }
    if (typeof data !== 'string') return;
    let frame: unknown;
    try {
      frame = JSON.parse(data);
    } catch {
      console.warn('hearth: dropped a frame that is not JSON');
      return;
    }
    session.receive(frame);
    frames.fire(frame);
  }

  /** Skips the rest of the backoff wait. */
  function connectNow(): void {
    if (closed || socket) return;
    clearTimeout(timer);
    connect();
  }

  /** The user asked (Retry), or the page woke up: try at once, with a fresh set of attempts. */
  function wakeUp(): void {
    if (closed) return;
    if (link.state === 'connected') return heartbeat.check();
    if (socket) return; // an attempt is already under way
    attempt = 0;
    setLink({ state: 'connecting' });
    connectNow();
  }

  const stopWatching = watchWakeUps(wakeUp, options.wake);
  connect();

  return transportSurface({
    client,
    session,
    links,
    currentLink: () => link,
    sendAudio,
    onSpeech: (listener) => speech.subscribe(listener),
    retry: wakeUp,
    close() {
      if (closed) return;
      closed = true;
      clearTimeout(timer);
      stopWatching();
      heartbeat.dispose();
      session.dispose();
      client.dispose();
      const ws = socket;
      socket = null;
      ws?.close();
      links.dispose();
      frames.dispose();
      speech.dispose();
    },
  });
}
