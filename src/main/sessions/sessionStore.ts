// Sessions of clients, in memory. A session outlives its connection for a
// while (5 minutes by default) so a phone that sleeps or roams can come back to
// it. Taking a session over needs its id AND its resume secret AND the device
// it was made for: the secret is stored only as a hash bound to the device id,
// so a leaked id, or an id and secret used from another device, gets nothing.
//
// Every operation is O(1): disconnected sessions sit in a Map in the order they
// disconnected, which is the order they expire in, so sweep() stops at the
// first one still alive.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Emitter, type Subscription } from '../../shared/emitter';
import type { Disposable } from '../../shared/lifecycle';
import { realScheduler, type Scheduler } from '../base/scheduler';

export interface Session {
  readonly id: string;
  readonly deviceId: string;
  readonly createdAt: number;
  /** Last time the client was heard from (touch, connect, disconnect). */
  readonly lastActiveAt: number;
  readonly connected: boolean;
  /** When a disconnected session expires; undefined while connected. */
  readonly expiresAt: number | undefined;
}

export interface NewSession {
  session: Session;
  /** Given to the client once; the store keeps only a hash of it. */
  resumeSecret: string;
}

export type RestoreRefusal = 'unknown' | 'expired' | 'wrong_secret' | 'other_device';
export type RestoreResult = { ok: true; session: Session } | { ok: false; reason: RestoreRefusal };

export type SessionEnd = 'expired' | 'removed' | 'evicted';

export interface SessionStoreOptions {
  /** How long a session is kept after its client disconnects (default 5 minutes). */
  expireAfterMs?: number;
  /** Most sessions held; creating one more evicts the oldest disconnected one. */
  maxSessions?: number;
  /** Clock and timer for expiry and sweeping. */
  scheduler?: Scheduler;
  onListenerError?: (error: unknown) => void;
}

export class SessionLimitError extends Error {
  override name = 'SessionLimitError';
}

interface Entry {
  id: string;
  deviceId: string;
  createdAt: number;
  lastActiveAt: number;
  connected: boolean;
  expiresAt: number | undefined;
  secretHash: Buffer;
}

const DEFAULT_EXPIRY_MS = 5 * 60_000;
const DEFAULT_MAX_SESSIONS = 10_000;

export class SessionStore implements Disposable {
  readonly #expireAfterMs: number;
  readonly #maxSessions: number;
  readonly #scheduler: Scheduler;
  readonly #sessions = new Map<string, Entry>();
  /** Disconnected sessions, oldest disconnection (soonest expiry) first. */
  readonly #waiting = new Map<string, Entry>();
  readonly #byDevice = new Map<string, Set<string>>();
  readonly #onEnd: Emitter<{ session: Session; why: SessionEnd }>;
  #stopSweeping: (() => void) | undefined;
  #disposed = false;

  constructor(options: SessionStoreOptions = {}) {
    this.#expireAfterMs = options.expireAfterMs ?? DEFAULT_EXPIRY_MS;
    this.#maxSessions = options.maxSessions ?? DEFAULT_MAX_SESSIONS;
    this.#scheduler = options.scheduler ?? realScheduler;
    this.#onEnd = new Emitter(options.onListenerError);
  }

  /**
   * Fires when a session ends without being restored: it expired, was removed
   * (its device was forgotten) or was evicted to make room. Owners of
   * per-session state (a replay buffer, an open conversation) free it here.
   */
  onEnd(listener: (ended: { session: Session; why: SessionEnd }) => void): Subscription {
    return this.#onEnd.subscribe(listener);
  }

  /** A new, connected session for a device. */
  create(deviceId: string): NewSession {
    this.#assertLive();
    if (this.#sessions.size >= this.#maxSessions) this.#evictOldestDisconnected();
    const now = this.#scheduler.now();
    const resumeSecret = randomBytes(32).toString('base64url');
    const entry: Entry = {
      id: randomBytes(16).toString('base64url'),
      deviceId,
      createdAt: now,
      lastActiveAt: now,
      connected: true,
      expiresAt: undefined,
      secretHash: bindSecret(resumeSecret, deviceId),
    };
    this.#sessions.set(entry.id, entry);
    let ids = this.#byDevice.get(deviceId);
    if (!ids) this.#byDevice.set(deviceId, (ids = new Set()));
    ids.add(entry.id);
    return { session: view(entry), resumeSecret };
  }

  /**
   * Gives a returning client its session back and marks it connected. If the
   * session was still marked connected (the old link is half-open and not yet
   * noticed), the caller should close the old connection.
   */
  restore(id: string, resumeSecret: string, deviceId: string): RestoreResult {
    this.#assertLive();
    const entry = this.#sessions.get(id);
    if (!entry) return { ok: false, reason: 'unknown' };
    const now = this.#scheduler.now();
    if (entry.expiresAt !== undefined && now >= entry.expiresAt) {
      this.#end(entry, 'expired');
      return { ok: false, reason: 'expired' };
    }
    if (entry.deviceId !== deviceId) return { ok: false, reason: 'other_device' };
    if (!timingSafeEqual(bindSecret(resumeSecret, deviceId), entry.secretHash)) {
      return { ok: false, reason: 'wrong_secret' };
    }
    this.#markConnected(entry, now);
    return { ok: true, session: view(entry) };
  }

  get(id: string): Session | undefined {
    const entry = this.#sessions.get(id);
    return entry ? view(entry) : undefined;
  }

  /** Records that the client was heard from. Returns false for an unknown session. */
  touch(id: string): boolean {
    const entry = this.#sessions.get(id);
    if (!entry) return false;
    entry.lastActiveAt = this.#scheduler.now();
    return true;
  }

  /** The client's link is up again: its session no longer expires. */
  connected(id: string): boolean {
    const entry = this.#sessions.get(id);
    if (!entry) return false;
    this.#markConnected(entry, this.#scheduler.now());
    return true;
  }

  /** The client's link went down: its session expires after expireAfterMs. */
  disconnected(id: string): boolean {
    const entry = this.#sessions.get(id);
    if (!entry) return false;
    // A second notice of the same drop must not push the expiry back.
    if (!entry.connected) return true;
    const now = this.#scheduler.now();
    entry.connected = false;
    entry.lastActiveAt = now;
    entry.expiresAt = now + this.#expireAfterMs;
    // Added at the end, so #waiting stays in expiry order.
    this.#waiting.set(id, entry);
    return true;
  }

  /** Ends one session (a client that signs out). */
  remove(id: string): boolean {
    const entry = this.#sessions.get(id);
    if (!entry) return false;
    this.#end(entry, 'removed');
    return true;
  }

  /** Ends every session of a device (it was forgotten); returns their ids. */
  removeDevice(deviceId: string): string[] {
    const ids = [...(this.#byDevice.get(deviceId) ?? [])];
    for (const id of ids) this.remove(id);
    return ids;
  }

  /** Ends every disconnected session whose time is up; returns how many. */
  sweep(): number {
    const now = this.#scheduler.now();
    let swept = 0;
    for (const entry of this.#waiting.values()) {
      if (entry.expiresAt === undefined || entry.expiresAt > now) break;
      this.#end(entry, 'expired');
      swept++;
    }
    return swept;
  }

  /** Sweeps every everyMs until dispose() (or the returned stop function). */
  startSweeping(everyMs = 60_000): () => void {
    this.#assertLive();
    this.#stopSweeping?.();
    const stop = this.#scheduler.every(everyMs, () => this.sweep());
    this.#stopSweeping = () => {
      stop();
      this.#stopSweeping = undefined;
    };
    return this.#stopSweeping;
  }

  counts(): { connected: number; disconnected: number } {
    return {
      connected: this.#sessions.size - this.#waiting.size,
      disconnected: this.#waiting.size,
    };
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#stopSweeping?.();
    this.#sessions.clear();
    this.#waiting.clear();
    this.#byDevice.clear();
    this.#onEnd.dispose();
  }

  #markConnected(entry: Entry, now: number): void {
    entry.connected = true;
    entry.lastActiveAt = now;
    entry.expiresAt = undefined;
    this.#waiting.delete(entry.id);
  }

  #evictOldestDisconnected(): void {
    const oldest = this.#waiting.values().next();
    if (oldest.done) {
      throw new SessionLimitError(`at most ${this.#maxSessions} sessions may be connected`);
    }
    this.#end(oldest.value, 'evicted');
  }

  #end(entry: Entry, why: SessionEnd): void {
    this.#sessions.delete(entry.id);
    this.#waiting.delete(entry.id);
    const ids = this.#byDevice.get(entry.deviceId);
    ids?.delete(entry.id);
    if (ids?.size === 0) this.#byDevice.delete(entry.deviceId);
    this.#onEnd.fire({ session: view(entry), why });
  }

  #assertLive(): void {
    if (this.#disposed) throw new Error('SessionStore is disposed');
  }
}

/** The resume secret as stored: useless without the device it was issued to. */
function bindSecret(secret: string, deviceId: string): Buffer {
  // The separator keeps ("ab", "c") and ("a", "bc") apart.
  return createHash('sha256').update(secret).update('\0').update(deviceId).digest();
}

function view(entry: Entry): Session {
  return {
    id: entry.id,
    deviceId: entry.deviceId,
    createdAt: entry.createdAt,
    lastActiveAt: entry.lastActiveAt,
    connected: entry.connected,
    expiresAt: entry.expiresAt,
  };
}
