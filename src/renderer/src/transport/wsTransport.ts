// A phone's transport: the API over one WebSocket to the server that served the page.
// The frames and their checks are the RPC client's, as for the kiosk; this file
// owns the socket: JSON text, reconnection with exponential backoff, and the
// link state. After the last attempt the link is 'lost' until retry().
import type { CommandArgs, CommandName, CommandResult } from '../../../shared/api';
import { Emitter } from '../../../shared/emitter';
import { HearthCallError, type HearthTransport, type LinkState } from '../../../shared/transport';
import { backoffDelay, defaultBackoff, type BackoffPolicy } from './backoff';
import { createRpcClient, type FramePort } from './rpcClient';

/** The part of the WebSocket API used here; the browser's and the `ws` package's both fit. */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((event: never) => void) | null;
  onclose: ((event: never) => void) | null;
  onerror: ((event: never) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}
export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface WsTransportOptions {
  url: string;
  /** Defaults to the global WebSocket (browsers); tests pass the `ws` package's client. */
  WebSocket?: WebSocketConstructor;
  backoff?: BackoffPolicy;
}

const OPEN = 1;

export function defaultWsUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}

export function createWsTransport(options: WsTransportOptions): HearthTransport {
  const Ctor = options.WebSocket ?? (globalThis.WebSocket as unknown as WebSocketConstructor);
  const policy = options.backoff ?? defaultBackoff;
  const links = new Emitter<LinkState>();
  const frames = new Emitter<unknown>();

  let link: LinkState = { state: 'connecting' };
  let socket: WebSocketLike | null = null;
  /** Reconnection attempts since the last good connection. */
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  // Whichever socket is current carries the frames; between sockets, posting fails at once.
  const port: FramePort = {
    post(frame) {
      if (!socket || socket.readyState !== OPEN) {
        throw new HearthCallError('disconnected', 'Not connected to Hearth');
      }
      socket.send(JSON.stringify(frame));
    },
    onFrame: (listener) => frames.subscribe(listener),
  };
  const client = createRpcClient(port);

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
    ws.onopen = () => {
      if (socket !== ws) return;
      attempt = 0;
      setLink({ state: 'connected' });
    };
    ws.onmessage = (event) => {
      if (socket === ws) receive(event.data);
    };
    ws.onerror = () => {}; // a close event always follows
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      linkDown();
    };
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
    timer = setTimeout(connect, backoffDelay(attempt, policy));
  }

  function receive(data: unknown): void {
    if (typeof data !== 'string') return;
    let frame: unknown;
    try {
      frame = JSON.parse(data);
    } catch {
      console.warn('hearth: dropped a frame that is not JSON');
      return;
    }
    frames.fire(frame);
  }

  function reconnectNow(): void {
    if (closed || link.state === 'connected' || link.state === 'connecting') return;
    clearTimeout(timer);
    attempt = 0;
    setLink({ state: 'connecting' });
    connect();
  }

  // A phone that wakes up or regains its network should not wait out a 30 s backoff.
  const onWake = () => {
    if (typeof document !== 'undefined' && document.visibilityState === 'hidden') return;
    reconnectNow();
  };
  const target = typeof window !== 'undefined' ? window : undefined;
  target?.addEventListener('online', onWake);
  target?.document?.addEventListener('visibilitychange', onWake);

  connect();

  return {
    call<K extends CommandName>(name: K, args: CommandArgs<K>): Promise<CommandResult<K>> {
      return client.call(name, args);
    },
    onEvent: (listener) => client.onEvent(listener),
    onLink(listener) {
      const subscription = links.subscribe(listener);
      listener(link);
      return subscription;
    },
    retry: reconnectNow,
    close() {
      if (closed) return;
      closed = true;
      clearTimeout(timer);
      target?.removeEventListener('online', onWake);
      target?.document?.removeEventListener('visibilitychange', onWake);
      client.dispose();
      const ws = socket;
      socket = null;
      ws?.close();
      links.dispose();
      frames.dispose();
    },
  };
}
