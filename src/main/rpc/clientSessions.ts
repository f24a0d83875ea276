// Every client session, written once below both transports: the kiosk's IPC and
// each phone's WebSocket attach a connection here after the client's hello. A
// session is new, or resumed when the client proves it is its own (id, secret,
// and the same device); events go to each session as its role and open
// conversation allow, numbered, so a returning client misses nothing.
import type { HearthEvent } from '../../shared/api';
import { Emitter, type Subscription } from '../../shared/emitter';
import type { Disposable } from '../../shared/lifecycle';
import type { HelloFrame } from '../../shared/wire';
import type { Logger } from '../base/log';
import type { Scheduler } from '../base/scheduler';
import { SessionLimitError, SessionStore, type SessionEnd } from '../sessions/sessionStore';
import { TokenBucket } from '../sessions/tokenBucket';
import {
  ClientSession,
  type ClientBudget,
  type ClientSessionDeps,
  type SessionLink,
} from './clientSession';
import type { HearthHandlers } from './dispatch';
import { eventForRole, isSentTo } from './focus';
import {
  DEFAULT_CLIENT_LIMITS,
  DEFAULT_SESSION_LIMITS,
  type ClientLimits,
  type SessionLimits,
} from './limits';
import { sessionDeviceKey, type Principal } from './principal';

export interface ClientSessionsOptions {
  handlers: HearthHandlers;
  events: { subscribe(listener: (event: HearthEvent) => void): Subscription };
  logger: Logger;
  limits?: Partial<ClientLimits>;
  sessionLimits?: Partial<SessionLimits>;
  /** Clock and timer for expiry; the default sweep timer does not keep the process alive. */
  scheduler?: Scheduler;
}

export interface SessionCounts {
  /** Sessions with a connection attached. */
  connected: number;
  /** Sessions waiting for their client to come back. */
  disconnected: number;
}

/** The sweep is housekeeping: it must not keep a process (or a test) alive on its own. */
const backgroundScheduler: Scheduler = {
  now: () => Date.now(),
  every(ms, fn) {
    const timer = setInterval(fn, ms);
    timer.unref();
    return () => clearInterval(timer);
  },
};

export class ClientSessions implements Disposable {
  readonly limits: Readonly<ClientLimits>;
  readonly sessionLimits: Readonly<SessionLimits>;
  readonly #logger: Logger;
  readonly #store: SessionStore;
  readonly #deps: ClientSessionDeps;
  readonly #scheduler: Scheduler;
  readonly #sessions = new Map<string, ClientSession>();
  /** A phone's sessions, for its cap and for forgetting it. */
  readonly #byDevice = new Map<string, Set<ClientSession>>();
  readonly #budgets = new Map<string, { budget: ClientBudget; sessions: number }>();
  readonly #onForget: Emitter<string>;
  readonly #subscriptions: Subscription[] = [];
  #disposed = false;

  constructor(options: ClientSessionsOptions) {
    this.limits = withDefaults(DEFAULT_CLIENT_LIMITS, options.limits);
    this.sessionLimits = withDefaults(DEFAULT_SESSION_LIMITS, options.sessionLimits);
    this.#logger = options.logger;
    this.#scheduler = options.scheduler ?? backgroundScheduler;
    const report = (what: string) => (error: unknown) =>
      options.logger.error(`${what}_listener_failed`, { error: String(error) });
    this.#onForget = new Emitter(report('session_forget'));
    this.#store = new SessionStore({
      expireAfterMs: this.sessionLimits.expireAfterMs,
      maxSessions: this.sessionLimits.maxSessions,
      scheduler: this.#scheduler,
      onListenerError: report('session_end'),
    });
    this.#deps = {
      handlers: options.handlers,
      logger: options.logger,
      limits: this.limits,
      replay: {
        maxFrames: this.sessionLimits.replayFrames,
        maxBytes: this.sessionLimits.replayBytes,
      },
    };
    this.#subscriptions.push(
      this.#store.onEnd(({ session, why }) => this.#ended(session.id, why)),
      options.events.subscribe((event) => this.#hear(event)),
    );
    this.#store.startSweeping(this.sessionLimits.sweepEveryMs);
  }

  /**
   * Starts a connection's life in a session, after its hello: the session it
   * asks to resume when id, secret and device all match, else a new one. The
   * link is sent welcome and then replay or a snapshot. Undefined when no
   * session can be held now (the link is then closed).
   */
  open(hello: HelloFrame, principal: Principal, link: SessionLink): ClientSession | undefined {
    if (this.#disposed) {
      link.close('failed');
      return undefined;
    }
    const key = sessionDeviceKey(principal);
    const { resume } = hello;
    if (resume) {
      const restored = this.#store.restore(resume.sessionId, resume.secret, key);
      const session = restored.ok ? this.#sessions.get(restored.session.id) : undefined;
      if (session) {
        session.attach(link, { secret: resume.secret, resumed: true }, resume.lastSeq);
        this.#logger.info('session_resumed', { clientId: session.id, lastSeq: resume.lastSeq });
        return session;
      }
      if (restored.ok) this.#store.remove(restored.session.id);
      else this.#logger.info('session_not_resumed', { reason: restored.reason });
    }
    if (principal.role === 'device' && principal.deviceId !== undefined) {
      this.#makeRoomFor(principal.deviceId);
    }
    let created;
    try {
      created = this.#store.create(key);
    } catch (error) {
      if (!(error instanceof SessionLimitError)) throw error;
      this.#logger.warn('session_refused', { reason: error.message });
      link.close('too_many');
      return undefined;
    }
    const role = principal.role;
    const deviceId = role === 'device' ? principal.deviceId : undefined;
    const session = new ClientSession(
      { id: created.session.id, role, deviceId, budget: this.#budgetFor(key, created.session.id) },
      this.#deps,
    );
    this.#sessions.set(session.id, session);
    if (deviceId !== undefined) {
      let mine = this.#byDevice.get(deviceId);
      if (!mine) this.#byDevice.set(deviceId, (mine = new Set()));
      mine.add(session);
    }
    session.attach(link, { secret: created.resumeSecret, resumed: false });
    this.#logger.info('session_created', { clientId: session.id, role });
    return session;
  }

  /** The connection is gone: the session waits for its client until it expires. */
  detach(session: ClientSession, link: SessionLink): void {
    if (session.detach(link)) this.#store.disconnected(session.id);
  }

  get(id: string): ClientSession | undefined {
    return this.#sessions.get(id);
  }

  counts(): SessionCounts {
    return this.#store.counts();
  }

  /** Ends every session of a forgotten phone and closes its connections at once. */
  forgetDevice(deviceId: string): void {
    this.#onForget.fire(deviceId);
    this.#store.removeDevice(sessionDeviceKey({ role: 'device', deviceId }));
  }

  /** A phone was forgotten: transports close its connections, even those not yet in a session. */
  onForget(listener: (deviceId: string) => void): Subscription {
    return this.#onForget.subscribe(listener);
  }

  /** Ends sessions whose time is up (the timer does this every sweepEveryMs). */
  sweep(): number {
    return this.#store.sweep();
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const unsubscribe of this.#subscriptions) unsubscribe();
    for (const session of this.#sessions.values()) session.end(undefined);
    this.#sessions.clear();
    this.#byDevice.clear();
    this.#budgets.clear();
    this.#store.dispose();
    this.#onForget.dispose();
  }

  #hear(event: HearthEvent): void {
    let deviceView: HearthEvent | undefined;
    let bytes: number | undefined;
    for (const session of this.#sessions.values()) {
      session.prompts.observe(event);
      if (!isSentTo(event, session.role, session.focus)) continue;
      // Measured and shortened once per event, not once per client.
      bytes ??= Buffer.byteLength(JSON.stringify(event));
      const view =
        session.role === 'owner' ? event : (deviceView ??= eventForRole(event, 'device'));
      session.deliver(view, bytes);
    }
  }

  /** A phone at its cap of sessions loses its oldest one that is not connected. */
  #makeRoomFor(deviceId: string): void {
    const mine = this.#byDevice.get(deviceId);
    if (!mine || mine.size < this.sessionLimits.maxSessionsPerDevice) return;
    for (const session of mine) {
      if (!session.attached) {
        this.#store.remove(session.id);
        return;
      }
    }
  }

  /** Phones share one allowance across their sessions; an owner's session has its own. */
  #budgetFor(key: string, sessionId: string): ClientBudget {
    const budgetKey = key === 'owner' ? `session:${sessionId}` : key;
    const held = this.#budgets.get(budgetKey);
    if (held) {
      held.sessions++;
      return held.budget;
    }
    const perMinute = this.limits.conversationsPerMinute;
    const budget: ClientBudget = {
      conversations: new TokenBucket({
        ratePerSecond: perMinute / 60,
        burst: perMinute,
        now: () => this.#scheduler.now(),
      }),
    };
    this.#budgets.set(budgetKey, { budget, sessions: 1 });
    return budget;
  }

  #ended(id: string, why: SessionEnd): void {
    const session = this.#sessions.get(id);
    if (!session) return;
    this.#sessions.delete(id);
    if (session.deviceId !== undefined) {
      const mine = this.#byDevice.get(session.deviceId);
      mine?.delete(session);
      if (mine?.size === 0) this.#byDevice.delete(session.deviceId);
    }
    const budgetKey = session.deviceId === undefined ? `session:${id}` : sessionDeviceKey(session);
    const held = this.#budgets.get(budgetKey);
    if (held && --held.sessions === 0) this.#budgets.delete(budgetKey);
    session.end(why === 'removed' ? 'forgotten' : undefined);
    this.#logger.info('session_ended', { clientId: id, why });
  }
}

/** The defaults, with each limit the caller set (an undefined one keeps its default). */
function withDefaults<T extends object>(
  defaults: Readonly<T>,
  overrides?: Partial<T>,
): Readonly<T> {
  const merged = { ...defaults };
  for (const [key, value] of Object.entries(overrides ?? {})) {
    if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
  }
  return Object.freeze(merged);
}
