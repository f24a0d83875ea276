// A phone's transport: the API over one WebSocket to the server that served the page.
// Reconnects by itself with exponential backoff; after the last attempt the link is
// 'lost' until retry(). Session resume (replaying missed events) will sit beneath this.
import type { CommandArgs, CommandName, CommandResult, HearthEvent } from '../../../shared/api';
import { HearthCallError, type HearthTransport, type LinkState } from '../../../shared/transport';
import { serverFrame, type CallFrame } from '../../../shared/wire';
import { backoffDelay, defaultBackoff, type BackoffPolicy } from './backoff';
import { eventOf, resultOf } from './validate';

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

interface PendingCall {
  name: CommandName;
  resolve: (value: never) => void;
  reject: (error: Error) => void;
}

export function createWsTransport(options: WsTransportOptions): HearthTransport {
  const Ctor = options.WebSocket ?? (globalThis.WebSocket as unknown as WebSocketConstructor);
  const policy = options.backoff ?? defaultBackoff;
  const eventListeners = new Set<(event: HearthEvent) => void>();
  const linkListeners = new Set<(link: LinkState) => void>();
  const pending = new Map<number, PendingCall>();

  let link: LinkState = { state: 'connecting' };
  let socket: WebSocketLike | null = null;
  /** Reconnection attempts since the last good connection. */
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  let nextId = 1;

  function setLink(next: LinkState): void {
    link = next;
    for (const listener of linkListeners) listener(next);
  }

  function failPending(message: string): void {
    for (const call of pending.values()) call.reject(new HearthCallError('disconnected', message));
    pending.clear();
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
    failPending('The connection to Hearth was lost');
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
    let raw: unknown;
    try {
      raw = JSON.parse(data);
    } catch {
      console.warn('hearth: dropped a frame that is not JSON');
      return;
    }
    const frame = serverFrame.safeParse(raw);
    if (!frame.success) {
      // A malformed reply still settles its call, so the caller is not left waiting.
      const id = (raw as { t?: unknown; id?: unknown } | null)?.id;
      const call = typeof id === 'number' ? pending.get(id) : undefined;
      if (call && (raw as { t?: unknown }).t === 'result') {
        pending.delete(id as number);
        call.reject(new HearthCallError('bad_response', `${call.name}: malformed reply`));
      } else {
        eventOf((raw as { event?: unknown } | null)?.event ?? raw); // warns
      }
      return;
    }
    const value = frame.data;
    if (value.t === 'event') {
      for (const listener of eventListeners) listener(value.event);
      return;
    }
    const call = pending.get(value.id);
    if (!call) return;
    pending.delete(value.id);
    try {
      call.resolve(resultOf(call.name, value) as never);
    } catch (error) {
      call.reject(error as Error);
    }
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
      if (!socket || socket.readyState !== OPEN) {
        return Promise.reject(new HearthCallError('disconnected', 'Not connected to Hearth'));
      }
      const id = nextId++;
      const frame: CallFrame = { t: 'call', id, name, args };
      const ws = socket;
      return new Promise<CommandResult<K>>((resolve, reject) => {
        pending.set(id, { name, resolve: resolve as (value: never) => void, reject });
        ws.send(JSON.stringify(frame));
      });
    },
    onEvent(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    onLink(listener) {
      linkListeners.add(listener);
      listener(link);
      return () => linkListeners.delete(listener);
    },
    retry: reconnectNow,
    close() {
      if (closed) return;
      closed = true;
      clearTimeout(timer);
      target?.removeEventListener('online', onWake);
      target?.document?.removeEventListener('visibilitychange', onWake);
      failPending('The connection was closed');
      const ws = socket;
      socket = null;
      ws?.close();
      eventListeners.clear();
      linkListeners.clear();
    },
  };
}
