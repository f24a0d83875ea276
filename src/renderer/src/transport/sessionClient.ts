// The client's half of sessions, written once below both transports: the hello
// that opens every connection, the welcome that names the session, the snapshot
// that sets the state, and then events in sequence order, each processed once.
// What was processed is acknowledged now and then, so the server can forget it.
// Result frames are the RPC client's; this ignores them.
import type { HearthEvent } from '../../../shared/api';
import { describeIssues } from '../../../shared/describeIssues';
import { Emitter, type Subscription } from '../../../shared/emitter';
import type { Disposable } from '../../../shared/lifecycle';
import type { Resync, SessionInfo } from '../../../shared/transport';
import {
  eventFrame,
  snapshotFrame,
  welcomeFrame,
  type ClientFrame,
  type HelloFrame,
} from '../../../shared/wire';
import type { ResumeStore } from './resumeStore';

/**
 * The lastSeq a client sends when it holds no state yet (a reloaded page): no
 * server can have sent it, so the resume keeps the session and the missed
 * events come as a snapshot.
 */
export const HOLDS_NOTHING = Number.MAX_SAFE_INTEGER;

export interface SessionClientOptions {
  /** Sends on the current connection; throws when there is none. */
  send(frame: ClientFrame): void;
  resume: ResumeStore;
  /** Called once per connection when the client holds the server's state. */
  onLive(): void;
  /** Called when an event was skipped: the connection must start over with a resume. */
  onGap(): void;
  /** Acknowledge after this many events ... */
  ackEvery?: number;
  /** ... or this long after the first one not yet acknowledged. */
  ackAfterMs?: number;
}

type ConnectionState = 'hello' | 'welcomed' | 'live' | 'broken';

export class SessionClient implements Disposable {
  readonly #events = new Emitter<HearthEvent>();
  readonly #snapshots = new Emitter<Resync>();
  readonly #sessions = new Emitter<SessionInfo>();
  readonly #options: SessionClientOptions;
  readonly #ackEvery: number;
  readonly #ackAfterMs: number;
  /** The last event processed; undefined while this page holds no state. */
  #lastSeq: number | undefined;
  #acked = 0;
  #ackTimer: ReturnType<typeof setTimeout> | undefined;
  #state: ConnectionState = 'hello';

  constructor(options: SessionClientOptions) {
    this.#options = options;
    this.#ackEvery = options.ackEvery ?? 50;
    this.#ackAfterMs = options.ackAfterMs ?? 2_000;
  }

  onEvent(listener: (event: HearthEvent) => void): Subscription {
    return this.#events.subscribe(listener);
  }

  onSnapshot(listener: (resync: Resync) => void): Subscription {
    return this.#snapshots.subscribe(listener);
  }

  onSession(listener: (session: SessionInfo) => void): Subscription {
    return this.#sessions.subscribe(listener);
  }

  /** The first frame of every connection: resume the session when there is one. */
  hello(): HelloFrame {
    this.#state = 'hello';
    this.#cancelAck();
    const saved = this.#options.resume.load();
    if (!saved) return { t: 'hello' };
    return { t: 'hello', resume: { ...saved, lastSeq: this.#lastSeq ?? HOLDS_NOTHING } };
  }

  /** Reads one frame from the server; result frames are left to the RPC client. */
  receive(raw: unknown): void {
    const t = (raw as { t?: unknown } | null)?.t;
    switch (t) {
      case 'result':
      case 'pong':
        return; // any frame at all is proof of life; the heartbeat sees it elsewhere
      case 'welcome':
        return this.#welcome(raw);
      case 'snapshot':
        return this.#snapshot(raw);
      case 'event':
        return this.#event(raw);
      default:
        warn(`dropped a frame of unknown type ${JSON.stringify(t)}`);
    }
  }

  #welcome(raw: unknown): void {
    const frame = welcomeFrame.safeParse(raw);
    if (!frame.success) return warn(`dropped a bad welcome: ${describeIssues(frame.error)}`);
    const { sessionId, secret, resumed, role } = frame.data;
    this.#options.resume.save({ sessionId, secret });
    this.#state = 'welcomed';
    if (!resumed) {
      // A new session numbers its events from scratch; the state starts over from its snapshot.
      this.#lastSeq = undefined;
      this.#acked = 0;
    }
    this.#sessions.fire({ role, resumed });
    if (this.#lastSeq !== undefined) this.#goLive();
  }

  #snapshot(raw: unknown): void {
    if (this.#state === 'hello' || this.#state === 'broken') return;
    const frame = snapshotFrame.safeParse(raw);
    if (!frame.success) {
      warn(`dropped a bad snapshot: ${describeIssues(frame.error)}`);
      return this.#breakOff();
    }
    const { seq, snapshot, open } = frame.data;
    this.#lastSeq = seq;
    this.#snapshots.fire(open ? { snapshot, open } : { snapshot });
    this.#processed();
    if (this.#state === 'welcomed') this.#goLive();
  }

  #event(raw: unknown): void {
    if (this.#state !== 'live') return;
    const seq = (raw as { seq?: unknown }).seq;
    const last = this.#lastSeq ?? 0;
    if (typeof seq !== 'number' || !Number.isSafeInteger(seq)) {
      return warn('dropped an event without a sequence number');
    }
    if (seq <= last) return; // already processed: a replay overlapping what came live
    if (seq > last + 1) return this.#breakOff();
    this.#lastSeq = seq;
    const frame = eventFrame.safeParse(raw);
    // Counted as processed either way, or it would come back on every resume.
    if (frame.success) this.#events.fire(frame.data.event);
    else warn(`dropped an event that does not match the API: ${describeIssues(frame.error)}`);
    this.#processed();
  }

  #goLive(): void {
    this.#state = 'live';
    this.#options.onLive();
  }

  /** Something was skipped: nothing more is read on this connection. */
  #breakOff(): void {
    this.#state = 'broken';
    this.#cancelAck();
    this.#options.onGap();
  }

  #processed(): void {
    const seq = this.#lastSeq ?? 0;
    if (seq - this.#acked >= this.#ackEvery) return this.ack();
    this.#ackTimer ??= setTimeout(() => this.ack(), this.#ackAfterMs);
  }

  /** Tells the server everything up to the last processed event may go. */
  ack(): void {
    this.#cancelAck();
    const seq = this.#lastSeq;
    if (seq === undefined || seq <= this.#acked || this.#state !== 'live') return;
    try {
      this.#options.send({ t: 'ack', seq });
      this.#acked = seq;
    } catch {
      // The link is down; the next connection's resume says the same.
    }
  }

  #cancelAck(): void {
    clearTimeout(this.#ackTimer);
    this.#ackTimer = undefined;
  }

  dispose(): void {
    this.#cancelAck();
    this.#state = 'broken';
    this.#events.dispose();
    this.#snapshots.dispose();
    this.#sessions.dispose();
  }
}

function warn(message: string): void {
  console.warn(`hearth: ${message}`);
}
