// A phone as the server meets it, for Node-level network tests: a real `ws`
// client that speaks the protocol the browser speaks (hello first, resume with
// the last sequence number processed, acks, an application heartbeat) and
// reconnects by itself when its link goes. It keeps the conversation as a
// phone would show it and records every way the stream could go wrong (a
// skipped, repeated or out-of-order sequence number; streamed text that does
// not add up to the final answer), so a test can demand none happened.
import WebSocket from 'ws';
import type {
  CommandArgs,
  CommandName,
  CommandResult,
  HearthEvent,
  Message,
} from '../../shared/api';
import { serverFrame, type ServerFrame, type WelcomeFrame } from '../../shared/wire';

export interface PhoneClientOptions {
  /** The server's (or a proxy's) WebSocket URL, e.g. ws://127.0.0.1:8737/ws. */
  url: string;
  /** Sent as the Origin header; by default the URL's own origin, as a browser would. */
  origin?: string;
  /** The device cookie (`hearth_device=...`), for a paired phone. */
  cookie?: string;
  /** Dial from this address (e.g. 127.0.0.2, which a test server treats as a phone). */
  localAddress?: string;
  /** How often the heartbeat ping goes out (ms). */
  heartbeatMs?: number;
  /** No frame at all for this long means the link is dead: the socket is dropped (ms). */
  deadAfterMs?: number;
  /** Wait between a lost link and the next attempt (ms); tests keep it short. */
  retryMs?: number;
  /** Acknowledge processed events at most this often (ms). */
  ackEveryMs?: number;
  /** Reconnect after a lost link (default true). */
  reconnect?: boolean;
  /** Ask to resume this session in the first hello (to try someone else's, say). */
  resume?: { sessionId: string; secret: string; lastSeq: number };
}

/** Why a call failed: its error code from the server, or 'disconnected' when the link went first. */
export class CallError extends Error {
  override name = 'CallError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

/** An answer as this phone shows it. */
export interface ShownMessage {
  conversationId: string;
  message: Message;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export class PhoneClient implements AsyncDisposable {
  readonly options: Required<
    Omit<PhoneClientOptions, 'cookie' | 'origin' | 'localAddress' | 'resume'>
  > &
    Pick<PhoneClientOptions, 'cookie' | 'origin' | 'localAddress'>;
  /** Every welcome, in order: resumed or new. */
  readonly welcomes: Omit<WelcomeFrame, 'secret'>[] = [];
  /** Snapshots received, and how many came in place of a replay after a resume. */
  snapshots = 0;
  gapSnapshots = 0;
  /** Things that must never happen; a test asserts this stays empty. */
  readonly violations: string[] = [];
  /** Events processed, by type. */
  readonly eventCounts = new Map<string, number>();
  /** ping → pong round trips (ms). */
  readonly heartbeats: number[] = [];
  /** Connection attempt → welcome, for each resumed session (ms). */
  readonly resumeTimes: number[] = [];
  /** Links that went down while this client was running. */
  linksLost = 0;
  /** How each connection ended, as the close frame (or its absence, 1006) said. */
  readonly closes: { code: number; reason: string }[] = [];
  lastSeq = 0;
  /** The messages this phone shows, by id. */
  readonly shown = new Map<string, ShownMessage>();

  #socket: WebSocket | undefined;
  #session: { id: string; secret: string } | undefined;
  #welcomed = false;
  #nextCallId = 1;
  #nextPingId = 1;
  readonly #pending = new Map<number, Pending>();
  readonly #pings = new Map<number, number>();
  readonly #eventListeners = new Set<(event: HearthEvent, seq: number) => void>();
  readonly #frameListeners = new Set<(frame: ServerFrame) => void>();
  readonly #waitingForWelcome = new Set<() => void>();
  readonly #timers = new Set<NodeJS.Timeout>();
  #heartbeat: NodeJS.Timeout | undefined;
  #lastHeardAt = 0;
  #lastAcked = 0;
  #lastPingAt = 0;
  #attemptStartedAt = 0;
  #disposed = false;

  constructor(options: PhoneClientOptions) {
    if (options.resume) {
      this.#session = { id: options.resume.sessionId, secret: options.resume.secret };
      this.lastSeq = options.resume.lastSeq;
    }
    this.options = {
      heartbeatMs: 1000,
      deadAfterMs: 3000,
      retryMs: 20,
      ackEveryMs: 100,
      reconnect: true,
      ...options,
    };
  }

  get sessionId(): string | undefined {
    return this.#session?.id;
  }

  /** What this client would resume with: its session id and secret. */
  get resumeToken(): { sessionId: string; secret: string } | undefined {
    return this.#session && { sessionId: this.#session.id, secret: this.#session.secret };
  }

  get role(): WelcomeFrame['role'] | undefined {
    return this.welcomes.at(-1)?.role;
  }

  /** True between a welcome and the loss of that link. */
  get connected(): boolean {
    return this.#welcomed && this.#socket?.readyState === WebSocket.OPEN;
  }

  /** Connects and resolves once welcomed (the first snapshot follows). */
  async connect(): Promise<this> {
    this.#open();
    await this.welcomed();
    return this;
  }

  /** Resolves when the current (or next) connection has been welcomed. */
  welcomed(): Promise<void> {
    if (this.connected) return Promise.resolve();
    return new Promise((resolve) => this.#waitingForWelcome.add(resolve));
  }

  /** Calls a command once the link is up; fails with 'disconnected' if the link drops first. */
  async call<K extends CommandName>(name: K, args: CommandArgs<K>): Promise<CommandResult<K>> {
    await this.welcomed();
    const socket = this.#socket;
    if (!socket) throw new CallError('disconnected', 'no link');
    const id = this.#nextCallId++;
    return new Promise<CommandResult<K>>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      socket.send(JSON.stringify({ t: 'call', id, name, args }));
    });
  }

  /** Sends any text as one frame (for fuzzing and refusals). */
  sendRaw(data: string | Buffer): void {
    this.#socket?.send(data);
  }

  onEvent(listener: (event: HearthEvent, seq: number) => void): () => void {
    this.#eventListeners.add(listener);
    return () => this.#eventListeners.delete(listener);
  }

  /** Hears every frame the server sends, before this client acts on it. */
  onFrame(listener: (frame: ServerFrame) => void): () => void {
    this.#frameListeners.add(listener);
    return () => this.#frameListeners.delete(listener);
  }

  /** Resolves with the answer once the server says it ended (complete, stopped, error). */
  answer(messageId: string): Promise<Message> {
    const done = (): Message | undefined => {
      const message = this.shown.get(messageId)?.message;
      return message && !['queued', 'streaming'].includes(message.status) ? message : undefined;
    };
    return new Promise((resolve) => {
      const now = done();
      if (now) return resolve(now);
      const stop = this.onEvent(() => {
        const finished = done();
        if (!finished) return;
        stop();
        resolve(finished);
      });
    });
  }

  /** Drops the link from this side, as a phone whose radio turns off would (no close frame). */
  cut(): void {
    this.#socket?.terminate();
  }

  async close(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#stopHeartbeat();
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    const socket = this.#socket;
    this.#failPending('client closed');
    if (socket && socket.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        socket.terminate();
      });
    }
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #open(): void {
    if (this.#disposed) return;
    const headers: Record<string, string> = {
      origin: this.options.origin ?? new URL(this.options.url.replace(/^ws/, 'http')).origin,
    };
    if (this.options.cookie) headers.cookie = this.options.cookie;
    this.#attemptStartedAt = performance.now();
    const socket = new WebSocket(this.options.url, {
      headers,
      perMessageDeflate: false,
      ...(this.options.localAddress ? { localAddress: this.options.localAddress } : {}),
    });
    this.#socket = socket;
    this.#welcomed = false;
    socket.on('open', () => {
      const resume = this.#session && {
        sessionId: this.#session.id,
        secret: this.#session.secret,
        lastSeq: this.lastSeq,
      };
      socket.send(JSON.stringify(resume ? { t: 'hello', resume } : { t: 'hello' }));
      this.#lastHeardAt = performance.now();
      this.#startHeartbeat(socket);
    });
    socket.on('message', (data) => {
      this.#lastHeardAt = performance.now();
      this.#receive(String(data));
    });
    // The close event follows and does the work.
    socket.on('error', () => {});
    socket.on('close', (code, reason) => {
      if (this.#socket !== socket) return;
      this.closes.push({ code, reason: reason.toString() });
      if (this.#welcomed) this.linksLost++;
      this.#welcomed = false;
      this.#stopHeartbeat();
      this.#failPending('the link dropped before the answer came');
      if (this.options.reconnect) this.#later(this.options.retryMs, () => this.#open());
    });
  }

  #receive(text: string): void {
    let frame: ServerFrame;
    try {
      frame = serverFrame.parse(JSON.parse(text));
    } catch (error) {
      this.violations.push(`unreadable frame: ${String(error).slice(0, 200)}`);
      return;
    }
    for (const listener of this.#frameListeners) listener(frame);
    switch (frame.t) {
      case 'welcome':
        return this.#welcome(frame);
      case 'snapshot':
        this.snapshots++;
        if (this.welcomes.at(-1)?.resumed) this.gapSnapshots++;
        this.lastSeq = frame.seq;
        this.#lastAcked = Math.min(this.#lastAcked, frame.seq);
        for (const [id, shown] of this.shown) {
          if (shown.conversationId === frame.open?.id) this.shown.delete(id);
        }
        for (const message of frame.open?.messages ?? []) {
          this.shown.set(message.id, { conversationId: frame.open?.id ?? '', message });
        }
        return;
      case 'event':
        if (frame.seq !== this.lastSeq + 1) {
          this.violations.push(`event seq ${frame.seq} after ${this.lastSeq}`);
        }
        this.lastSeq = frame.seq;
        this.#apply(frame.event, frame.seq);
        return;
      case 'result': {
        const pending = this.#pending.get(frame.id);
        this.#pending.delete(frame.id);
        if (frame.ok) pending?.resolve(frame.value);
        else pending?.reject(new CallError(frame.error.code, frame.error.message));
        return;
      }
      case 'pong': {
        const sentAt = this.#pings.get(frame.id);
        this.#pings.delete(frame.id);
        if (sentAt !== undefined) this.heartbeats.push(performance.now() - sentAt);
        return;
      }
    }
  }

  #welcome(frame: WelcomeFrame): void {
    const { secret, ...visible } = frame;
    this.welcomes.push(visible);
    if (frame.resumed) {
      if (frame.sessionId !== this.#session?.id) {
        this.violations.push('welcome resumed a session this client never had');
      }
      this.resumeTimes.push(performance.now() - this.#attemptStartedAt);
    }
    this.#session = { id: frame.sessionId, secret };
    this.#welcomed = true;
    for (const resolve of this.#waitingForWelcome) resolve();
    this.#waitingForWelcome.clear();
  }

  #apply(event: HearthEvent, seq: number): void {
    this.eventCounts.set(event.type, (this.eventCounts.get(event.type) ?? 0) + 1);
    if (event.type === 'message') {
      const before = this.shown.get(event.message.id)?.message;
      const ended = !['queued', 'streaming'].includes(event.message.status);
      // The final message must say what the streamed tokens said, or some were
      // lost, repeated or reordered on the way.
      if (
        before &&
        ended &&
        event.message.role === 'assistant' &&
        before.text !== event.message.text
      ) {
        this.violations.push(
          `message ${event.message.id}: streamed ${JSON.stringify(before.text.slice(-80))} ` +
            `but the answer is ${JSON.stringify(event.message.text.slice(-80))}`,
        );
      }
      this.shown.set(event.message.id, {
        conversationId: event.conversationId,
        message: event.message,
      });
    } else if (event.type === 'tokens') {
      const shown = this.shown.get(event.messageId);
      if (!shown) this.violations.push(`tokens for a message never shown (seq ${seq})`);
      else shown.message = { ...shown.message, text: shown.message.text + event.text };
    }
    for (const listener of this.#eventListeners) listener(event, seq);
  }

  #startHeartbeat(socket: WebSocket): void {
    this.#stopHeartbeat();
    this.#lastPingAt = performance.now();
    this.#heartbeat = setInterval(
      () => {
        const now = performance.now();
        if (now - this.#lastHeardAt > this.options.deadAfterMs) {
          // Nothing heard, not even a pong: the link is a black hole.
          socket.terminate();
          return;
        }
        if (socket.readyState !== WebSocket.OPEN) return;
        if (now - this.#lastPingAt >= this.options.heartbeatMs) {
          this.#lastPingAt = now;
          const id = this.#nextPingId++;
          this.#pings.set(id, now);
          socket.send(JSON.stringify({ t: 'ping', id }));
        }
        if (this.#welcomed && this.lastSeq > this.#lastAcked) {
          this.#lastAcked = this.lastSeq;
          socket.send(JSON.stringify({ t: 'ack', seq: this.lastSeq }));
        }
      },
      Math.min(this.options.heartbeatMs, this.options.ackEveryMs),
    );
  }

  #stopHeartbeat(): void {
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
    this.#pings.clear();
  }

  #failPending(why: string): void {
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const call of pending) call.reject(new CallError('disconnected', why));
  }

  #later(ms: number, then: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      then();
    }, ms);
    this.#timers.add(timer);
  }
}
