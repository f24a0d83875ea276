// Every client of Hearth, written once below both transports: the kiosk's IPC
// and each phone's WebSocket put a connection on a client after its hello. A
// client is new, or resumed when it proves it is its own (session id, resume
// secret, and the same device). Events go to each client as its role and open
// conversation allow, numbered, so a returning client misses nothing.
//
// The one owner of a client's life: its session expiring, its device being
// forgotten, its connections opening and closing all change it here, and the
// indexes over clients (by id, by device, in expiry order, each phone's open
// connections and allowances) are private to this file. Every operation is O(1)
// in the number of clients: disconnected clients sit in a Map in the order they
// disconnected, which is the order they expire in, so sweep() stops at the first
// one still alive.
import type { HearthEvent } from '../../shared/api';
import { Emitter, subscription, type Subscription } from '../../shared/emitter';
import type { Disposable } from '../../shared/lifecycle';
import type { HelloFrame } from '../../shared/wire';
import type { Logger } from '../base/log';
import type { Scheduler } from '../base/scheduler';
import type { SessionCounts } from '../contracts/health';
import { deafSpeech, type SpeechPort } from '../contracts/speech';
import type { HearthHandlers } from '../rpc/dispatch';
import { Client, type ClientBudget, type ClientDeps, type SessionLink } from './client';
import { eventForRole, isSentTo } from './focus';
import {
  DEFAULT_CLIENT_LIMITS,
  DEFAULT_SESSION_LIMITS,
  type ClientLimits,
  type SessionLimits,
} from './limits';
import { deviceKeyOf, type Principal } from './principal';
import { TokenBucket } from './tokenBucket';

export type { SessionCounts };

export interface ClientsOptions {
  handlers: HearthHandlers;
  events: { subscribe(listener: (event: HearthEvent) => void): Subscription };
  logger: Logger;
  limits?: Partial<ClientLimits>;
  sessionLimits?: Partial<SessionLimits>;
  /** Clock and timer for expiry; the default sweep timer does not keep the process alive. */
  scheduler?: Scheduler;
  /** Where clients' finished utterances go; by default they are dropped unheard. */
  speech?: SpeechPort;
}

/** How a client's session ended without its client coming back. */
export type ClientEnd = 'expired' | 'forgotten' | 'evicted';

/** The sweep is housekeeping: it must not keep a process (or a test) alive on its own. */
const backgroundScheduler: Scheduler = {
  now: () => Date.now(),
  every(ms, fn) {
    const timer = setInterval(fn, ms);
    timer.unref();
    return () => clearInterval(timer);
  },
};

/** What a phone has, shared by all its clients (sessions). */
interface Phone {
  clients: Set<Client>;
  /** Open connections, counted from the moment a transport admits them (before hello). */
  connections: number;
  budget: ClientBudget | undefined;
}

export class Clients implements Disposable {
  readonly limits: Readonly<ClientLimits>;
  readonly sessionLimits: Readonly<SessionLimits>;
  readonly #logger: Logger;
  readonly #deps: ClientDeps;
  readonly #scheduler: Scheduler;
  readonly #byId = new Map<string, Client>();
  /** Clients without a link, soonest expiry first. */
  readonly #waiting = new Map<string, Client>();
  readonly #phones = new Map<string, Phone>();
  readonly #onForget: Emitter<string>;
  readonly #onGone: Emitter<string>;
  readonly #onPresence: Emitter<string>;
  readonly #subscriptions: Subscription[] = [];
  readonly #stopSweeping: () => void;
  #disposed = false;

  constructor(options: ClientsOptions) {
    this.limits = withDefaults(DEFAULT_CLIENT_LIMITS, options.limits);
    this.sessionLimits = withDefaults(DEFAULT_SESSION_LIMITS, options.sessionLimits);
    this.#logger = options.logger;
    this.#scheduler = options.scheduler ?? backgroundScheduler;
    const report = (what: string) => (error: unknown) =>
      options.logger.error(`${what}_listener_failed`, { error: String(error) });
    this.#onForget = new Emitter(report('device_forget'));
    this.#onGone = new Emitter(report('client_gone'));
    this.#onPresence = new Emitter(report('device_presence'));
    this.#deps = {
      handlers: options.handlers,
      logger: options.logger,
      limits: this.limits,
      replay: {
        maxFrames: this.sessionLimits.replayFrames,
        maxBytes: this.sessionLimits.replayBytes,
      },
      speech: options.speech ?? deafSpeech,
    };
    this.#subscriptions.push(options.events.subscribe((event) => this.#hear(event)));
    this.#stopSweeping = this.#scheduler.every(this.sessionLimits.sweepEveryMs, () => this.sweep());
  }

  /**
   * Starts a connection's life on a client, after its hello: the client it asks
   * to resume when id, secret and device all match, else a new one. The link is
   * sent welcome and then replay or a snapshot. Undefined when no client can be
   * held now (the link is then closed).
   */
  open(hello: HelloFrame, principal: Principal, link: SessionLink): Client | undefined {
    if (this.#disposed) {
      link.close('failed');
      return undefined;
    }
    const now = this.#scheduler.now();
    const { resume } = hello;
    if (resume) {
      const client = this.#byId.get(resume.sessionId);
      const refusal = client
        ? client.refusesResume(resume.secret, deviceKeyOf(principal), now)
        : 'unknown';
      if (client && refusal === undefined) {
        this.#waiting.delete(client.id);
        client.attach(link, { secret: resume.secret, resumed: true, now }, resume.lastSeq);
        this.#logger.info('session_resumed', { clientId: client.id, lastSeq: resume.lastSeq });
        return client;
      }
      if (client && refusal === 'expired') this.#end(client, 'expired');
      this.#logger.info('session_not_resumed', { reason: refusal });
    }
    const deviceId = principal.role === 'device' ? principal.deviceId : undefined;
    if (deviceId !== undefined) this.#makeRoomFor(deviceId);
    if (this.#byId.size >= this.sessionLimits.maxSessions && !this.#evictOldestWaiting()) {
      this.#logger.warn('session_refused', {
        reason: `at most ${this.sessionLimits.maxSessions} sessions may be connected`,
      });
      link.close('too_many');
      return undefined;
    }
    const { client, resumeSecret } = Client.create(
      { role: principal.role, deviceId, budget: this.#budgetFor(deviceId), now },
      this.#deps,
    );
    this.#byId.set(client.id, client);
    if (deviceId !== undefined) this.#phone(deviceId).clients.add(client);
    client.attach(link, { secret: resumeSecret, resumed: false, now });
    this.#logger.info('session_created', { clientId: client.id, role: principal.role });
    return client;
  }

  /** The connection is gone: the client waits for its client until its session expires. */
  detach(client: Client, link: SessionLink): void {
    if (this.#byId.get(client.id) !== client) return;
    const now = this.#scheduler.now();
    if (!client.detach(link, now, now + this.sessionLimits.expireAfterMs)) return;
    // Added at the end, so #waiting stays in expiry order.
    this.#waiting.set(client.id, client);
  }

  get(id: string): Client | undefined {
    return this.#byId.get(id);
  }

  /** Clients with a connection attached, and clients waiting for theirs to come back. */
  counts(): SessionCounts {
    return {
      connected: this.#byId.size - this.#waiting.size,
      disconnected: this.#waiting.size,
    };
  }

  /** A phone's open connections, counted from admission (before its hello). */
  connectionsOf(deviceId: string): number {
    return this.#phones.get(deviceId)?.connections ?? 0;
  }

  /** Whether a phone has a connection open now (the kiosk's device list shows it). */
  isDeviceConnected(deviceId: string): boolean {
    return this.connectionsOf(deviceId) > 0;
  }

  /**
   * Counts one open connection of a phone until the returned subscription is
   * disposed. Its first connection opening and its last closing are announced.
   */
  connectDevice(deviceId: string): Subscription {
    const phone = this.#phone(deviceId);
    if (phone.connections++ === 0) this.#onPresence.fire(deviceId);
    return subscription(() => {
      const now = this.#phones.get(deviceId);
      if (!now || now.connections === 0) return;
      if (--now.connections === 0) {
        this.#dropPhoneIfIdle(deviceId);
        if (!this.#disposed) this.#onPresence.fire(deviceId);
      }
    });
  }

  /** A phone's first connection opened, or its last one closed. */
  onDevicePresence(listener: (deviceId: string) => void): Subscription {
    return this.#onPresence.subscribe(listener);
  }

  /** Ends every client of a forgotten phone and closes its connections at once. */
  forgetDevice(deviceId: string): void {
    this.#onForget.fire(deviceId);
    for (const client of [...(this.#phones.get(deviceId)?.clients ?? [])]) {
      this.#end(client, 'forgotten');
    }
  }

  /** A phone was forgotten: transports close its connections, even those not yet on a client. */
  onForget(listener: (deviceId: string) => void): Subscription {
    return this.#onForget.subscribe(listener);
  }

  /**
   * A client is gone for good: a phone's last session ended (expired, or the
   * phone was forgotten), or an owner's session expired. Hears the client's key
   * (dispatch.ts clientKey), so whatever it booked can be cancelled.
   */
  onClientGone(listener: (clientKey: string) => void): Subscription {
    return this.#onGone.subscribe(listener);
  }

  /** Ends clients whose session's time is up (a timer does this every sweepEveryMs). */
  sweep(): number {
    const now = this.#scheduler.now();
    let swept = 0;
    for (const client of this.#waiting.values()) {
      const expiresAt = client.expiresAt;
      if (expiresAt === undefined || expiresAt > now) break;
      this.#end(client, 'expired');
      swept++;
    }
    return swept;
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#stopSweeping();
    for (const unsubscribe of this.#subscriptions) unsubscribe();
    for (const client of this.#byId.values()) client.end(undefined);
    this.#byId.clear();
    this.#waiting.clear();
    this.#phones.clear();
    this.#onForget.dispose();
    this.#onGone.dispose();
    this.#onPresence.dispose();
  }

  #hear(event: HearthEvent): void {
    let deviceView: HearthEvent | undefined;
    let bytes: number | undefined;
    for (const client of this.#byId.values()) {
      if (!isSentTo(event, client.role, client.focus)) continue;
      // Measured and shortened once per event, not once per client.
      bytes ??= Buffer.byteLength(JSON.stringify(event));
      const view = client.role === 'owner' ? event : (deviceView ??= eventForRole(event, 'device'));
      client.deliver(view, bytes);
    }
  }

  #phone(deviceId: string): Phone {
    let phone = this.#phones.get(deviceId);
    if (!phone) {
      phone = { clients: new Set(), connections: 0, budget: undefined };
      this.#phones.set(deviceId, phone);
    }
    return phone;
  }

  #dropPhoneIfIdle(deviceId: string): void {
    const phone = this.#phones.get(deviceId);
    if (phone && phone.clients.size === 0 && phone.connections === 0) {
      this.#phones.delete(deviceId);
    }
  }

  /** A phone at its cap of sessions loses its oldest one that is not connected. */
  #makeRoomFor(deviceId: string): void {
    const mine = this.#phones.get(deviceId)?.clients;
    if (!mine || mine.size < this.sessionLimits.maxSessionsPerDevice) return;
    for (const client of mine) {
      if (!client.attached) {
        this.#end(client, 'evicted');
        return;
      }
    }
  }

  /** Makes room for one more client; false when every client is connected. */
  #evictOldestWaiting(): boolean {
    const oldest = this.#waiting.values().next();
    if (oldest.done) return false;
    this.#end(oldest.value, 'evicted');
    return true;
  }

  /** Phones share one allowance across their sessions; an owner's session has its own. */
  #budgetFor(deviceId: string | undefined): ClientBudget {
    if (deviceId !== undefined) {
      const phone = this.#phone(deviceId);
      phone.budget ??= this.#newBudget();
      return phone.budget;
    }
    return this.#newBudget();
  }

  #newBudget(): ClientBudget {
    const perMinute = this.limits.conversationsPerMinute;
    return {
      newConversations: new TokenBucket({
        ratePerSecond: perMinute / 60,
        burst: perMinute,
        now: () => this.#scheduler.now(),
      }),
    };
  }

  #end(client: Client, why: ClientEnd): void {
    if (this.#byId.get(client.id) !== client) return;
    this.#byId.delete(client.id);
    this.#waiting.delete(client.id);
    let lastOfItsClient = true;
    if (client.deviceId !== undefined) {
      const phone = this.#phones.get(client.deviceId);
      phone?.clients.delete(client);
      lastOfItsClient = !phone || phone.clients.size === 0;
      if (lastOfItsClient && phone) phone.budget = undefined;
      this.#dropPhoneIfIdle(client.deviceId);
    }
    client.end(why === 'forgotten' ? 'forgotten' : undefined);
    this.#logger.info('session_ended', { clientId: client.id, why });
    if (lastOfItsClient) this.#onGone.fire(client.key);
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
