// A phone as the server meets it, for Node-level network tests: a real `ws`
// client that speaks the protocol the browser speaks (hello first, resume with
// the last sequence number processed, acks, an application heartbeat) and
// reconnects by itself when its link goes. What it shows, and every way the
// stream could have gone wrong, is its PhoneView's.
import WebSocket from 'ws';
import type {
  CommandArgs,
  CommandName,
  CommandResult,
  HearthEvent,
  Message,
} from '../../shared/api';
import { serverFrame, type ServerFrame, type WelcomeFrame } from '../../shared/wire';
import { ClientHeartbeat } from './clientHeartbeat';
import { CallError, PendingCalls } from './pendingCalls';
import { PhoneView, type ShownMessage } from './phoneView';

export { CallError } from './pendingCalls';
export type { ShownMessage } from './phoneView';

export interface PhoneClientOptions {
  /** The server's (or a proxy's) WebSocket URL, e.g. ws://127.0.0.1:8737/ws. */
  url: string;
  /** Sent as the Origin header; by default the URL's own origin, as a browser would. */
  origin?: string;
  /** The device cookie (`hearth_device=...`) of a paired phone, or the owner cookie. */
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
  /** Over wss: the certificate to trust (Hearth's own), as a phone that accepted it does. */
  ca?: string;
}

export class PhoneClient implements AsyncDisposable {
  readonly options: Required<
    Omit<PhoneClientOptions, 'cookie' | 'origin' | 'localAddress' | 'resume' | 'ca'>
  > &
    Pick<PhoneClientOptions, 'cookie' | 'origin' | 'localAddress' | 'ca'>;
  /** Every welcome, in order: resumed or new. */
  readonly welcomes: Omit<WelcomeFrame, 'secret'>[] = [];
  /** Snapshots received, and how many came in place of a replay after a resume. */
  snapshots = 0;
  gapSnapshots = 0;
  /** What this phone shows, and what went wrong on the way. */
  readonly view = new PhoneView();
  /** Connection attempt → welcome, for each resumed session (ms). */
  readonly resumeTimes: number[] = [];
  /** Links that went down while this client was running. */
  linksLost = 0;
  /** How each connection ended, as the close frame (or its absence, 1006) said. */
  readonly closes: { code: number; reason: string }[] = [];

  #socket: WebSocket | undefined;
  #session: { id: string; secret: string } | undefined;
  #welcomed = false;
  readonly #heartbeat: ClientHeartbeat;
  readonly #calls = new PendingCalls();
  readonly #eventListeners = new Set<(event: HearthEvent, seq: number) => void>();
  readonly #frameListeners = new Set<(frame: ServerFrame) => void>();
  readonly #waitingForWelcome = new Set<() => void>();
  readonly #timers = new Set<NodeJS.Timeout>();
  #attemptStartedAt = 0;
  #disposed = false;

  constructor(options: PhoneClientOptions) {
    if (options.resume) {
      this.#session = { id: options.resume.sessionId, secret: options.resume.secret };
      this.view.lastSeq = options.resume.lastSeq;
    }
    this.options = {
      heartbeatMs: 1000,
      deadAfterMs: 3000,
      retryMs: 20,
      ackEveryMs: 250,
      reconnect: true,
      ...options,
    };
    this.#heartbeat = new ClientHeartbeat(this.options);
  }

  /** ping → pong round trips (ms). */
  get heartbeats(): number[] {
    return this.#heartbeat.roundTrips;
  }

  /** Things that must never happen; a test asserts this stays empty. */
  get violations(): string[] {
    return this.view.violations;
  }

  /** The messages this phone shows, by id. */
  get shown(): Map<string, ShownMessage> {
    return this.view.shown;
  }

  get lastSeq(): number {
    return this.view.lastSeq;
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
    const { id, result } = this.#calls.open<CommandResult<K>>();
    socket.send(JSON.stringify({ t: 'call', id, name, args }));
    return result;
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
    return new Promise((resolve) => {
      const now = this.view.ended(messageId);
      if (now) return resolve(now);
      const stop = this.onEvent(() => {
        const finished = this.view.ended(messageId);
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
    this.#heartbeat.stop();
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    const socket = this.#socket;
    this.#calls.failAll('client closed');
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
      // A dial into a dead link gives up as a silent open link would.
      handshakeTimeout: this.options.deadAfterMs,
      ...(this.options.localAddress ? { localAddress: this.options.localAddress } : {}),
      ...(this.options.ca ? { ca: this.options.ca } : {}),
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
      this.#heartbeat.start({
        send: (frame) => socket.send(JSON.stringify(frame)),
        // Nothing heard, not even a pong: the link is a black hole.
        dead: () => socket.terminate(),
        processed: () => (this.#welcomed ? this.lastSeq : undefined),
      });
    });
    socket.on('message', (data) => {
      this.#heartbeat.heard();
      this.#receive(String(data));
    });
    // The close event follows and does the work.
    socket.on('error', () => {});
    socket.on('close', (code, reason) => {
      if (this.#socket !== socket) return;
      this.closes.push({ code, reason: reason.toString() });
      if (this.#welcomed) this.linksLost++;
      this.#welcomed = false;
      this.#heartbeat.stop();
      this.#calls.failAll('the link dropped before the answer came');
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
        this.view.snapshot(frame);
        this.#heartbeat.restartedAt(frame.seq);
        return;
      case 'event':
        this.view.event(frame.seq, frame.event);
        for (const listener of this.#eventListeners) listener(frame.event, frame.seq);
        return;
      case 'result':
        return this.#calls.settle(frame);
      case 'pong':
        return this.#heartbeat.pong(frame.id);
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

  #later(ms: number, then: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      then();
    }, ms);
    this.#timers.add(timer);
  }
}
