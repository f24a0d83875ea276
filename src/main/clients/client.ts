// One client of Hearth (the kiosk window, an owner browser, a paired phone) and
// everything kept about it, in one place: who it is (role, device), its session
// (an unguessable id, and a resume secret kept only as a hash bound to its
// device), when that session expires once its link has dropped, the events it
// is owed (numbered, kept for replay), the conversation it has open, its
// allowances, and the connection carrying it now. A connection attaches after
// the client's hello and may drop at any time; the client keeps collecting
// events until it comes back (replay, or a snapshot when the gap cannot be
// filled) or its session expires. Clients (clients.ts) holds every client and
// the indexes over them. The client's voice hangs off it too: the one
// utterance it may have open, handed to the SpeechPort when it ends.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  commandBudget,
  type AppSnapshot,
  type CommandBudget,
  type Conversation,
  type HearthEvent,
} from '../../shared/api';
import type { CallFrame, CallOutcome, ServerFrame } from '../../shared/wire';
import type { AudioFrame } from '../../shared/audio';
import type { Logger } from '../base/log';
import type { SpeechPort } from '../contracts/speech';
import { clientKey, dispatch, type CallContext, type HearthHandlers } from '../rpc/dispatch';
import { conversationForRole, focusAfterCall, focusAtCall, snapshotForRole } from './focus';
import type { ClientRole } from '../../shared/role';
import type { ClientLimits } from './limits';
import { deviceKeyOf } from './principal';
import { SequencedOutbox } from './replayBuffer';
import type { TokenBucket } from './tokenBucket';
import { VoiceInput, type AudioOutcome } from './voiceInput';

/** Why a connection is ended from this side; each transport maps it to its own close. */
export type LinkCloseReason =
  /** A newer connection resumed the session: this one is likely half-open. */
  | 'taken_over'
  /** It kept sending far past its message rate. */
  | 'flooding'
  /** Its device was forgotten: it must pair again. */
  | 'forgotten'
  /** The owner secret was rotated: an owner browser must open the new owner page link. */
  | 'revoked'
  /** Hearth holds as many sessions or connections as it may. */
  | 'too_many'
  /** The session could not be brought up to date. */
  | 'failed';

/** One connection as a client sees it. */
export interface SessionLink {
  send(frame: ServerFrame): void;
  /** Speech for this client: live only, never kept for a link that comes back. */
  speak(bytes: Uint8Array): void;
  close(reason: LinkCloseReason): void;
}

/** A phone's allowances, shared by all its sessions so a new session does not reset them. */
export type ClientBudget = Record<CommandBudget, TokenBucket>;

/** Why a returning client was not given its session back. */
export type ResumeRefusal = 'unknown' | 'expired' | 'wrong_secret' | 'other_device';

export interface ClientDeps {
  handlers: HearthHandlers;
  logger: Logger;
  limits: ClientLimits;
  replay: { maxFrames: number; maxBytes: number };
  /** Where finished utterances go. */
  speech: SpeechPort;
}

export interface ClientInit {
  role: ClientRole;
  deviceId: string | undefined;
  budget: ClientBudget;
  /** The clock's time now: when the client was made and last heard from. */
  now: number;
}

/** A snapshot is retried this often when events overtake it; then the link is dropped. */
const SNAPSHOT_ATTEMPTS = 3;

export class Client {
  /** The session id: 128 random bits, base64url. */
  readonly id: string;
  readonly role: ClientRole;
  readonly deviceId: string | undefined;
  readonly createdAt: number;
  /** Given to the client once, in its first welcome; only its hash is kept. */
  readonly #secretHash: Buffer;
  #lastActiveAt: number;
  /** When the session expires; undefined while a link is attached. */
  #expiresAt: number | undefined;
  readonly #budget: ClientBudget;
  readonly #deps: ClientDeps;
  readonly #outbox: SequencedOutbox<HearthEvent>;
  #focus: string | undefined;
  #link: SessionLink | undefined;
  /** True once the attached link has caught up (replay or snapshot sent). */
  #live = false;
  #callsInFlight = 0;
  #ended = false;
  /** What the client's microphone is sending: at most one utterance at a time. */
  readonly #voice: VoiceInput;

  /** A new client and the resume secret to give it (256 random bits, base64url). */
  static create(init: ClientInit, deps: ClientDeps): { client: Client; resumeSecret: string } {
    const resumeSecret = randomBytes(32).toString('base64url');
    return { client: new Client(init, deps, resumeSecret), resumeSecret };
  }

  private constructor(init: ClientInit, deps: ClientDeps, resumeSecret: string) {
    this.id = randomBytes(16).toString('base64url');
    this.role = init.role;
    this.deviceId = init.deviceId;
    this.createdAt = init.now;
    this.#lastActiveAt = init.now;
    this.#secretHash = bindSecret(resumeSecret, this.deviceKey);
    this.#budget = init.budget;
    this.#deps = deps;
    this.#outbox = new SequencedOutbox({
      maxFrames: deps.replay.maxFrames,
      maxBytes: deps.replay.maxBytes,
    });
    this.#voice = new VoiceInput({
      clientId: this.id,
      clientKey: this.key,
      maxUtteranceMs: deps.limits.maxUtteranceMs,
      speech: deps.speech,
      logger: deps.logger,
    });
  }

  /**
   * What the resume secret is bound to: the phone's device id, or one name for
   * the owner, whose connections carry no device token.
   */
  get deviceKey(): string {
    return deviceKeyOf(this);
  }

  /** Whose share of the limits this client's calls count against (dispatch.ts clientKey). */
  get key(): string {
    return clientKey(this.context);
  }

  get lastActiveAt(): number {
    return this.#lastActiveAt;
  }

  /** When the session expires; undefined while a link is attached. */
  get expiresAt(): number | undefined {
    return this.#expiresAt;
  }

  /**
   * Whether a returning client may have this session: the same device, the
   * secret it was given, and not past its expiry. Undefined when it may.
   */
  refusesResume(secret: string, deviceKey: string, now: number): ResumeRefusal | undefined {
    if (this.#ended) return 'unknown';
    if (this.#expiresAt !== undefined && now >= this.#expiresAt) return 'expired';
    if (deviceKey !== this.deviceKey) return 'other_device';
    if (!timingSafeEqual(bindSecret(secret, deviceKey), this.#secretHash)) return 'wrong_secret';
    return undefined;
  }

  /** The client was heard from. */
  touch(now: number): void {
    this.#lastActiveAt = now;
  }

  /** The conversation the client has open. */
  get focus(): string | undefined {
    return this.#focus;
  }

  get attached(): boolean {
    return this.#link !== undefined;
  }

  /** Events held for replay. */
  get held(): { frames: number; bytes: number } {
    return this.#outbox.held;
  }

  get context(): CallContext {
    return {
      clientId: this.id,
      role: this.role,
      ...(this.deviceId === undefined ? {} : { deviceId: this.deviceId }),
    };
  }

  /** Numbers an event for this client, keeps it for replay, and sends it when the link is live. */
  deliver(event: HearthEvent, bytes?: number): void {
    if (this.#ended) return;
    const entry = this.#outbox.add(event, bytes);
    if (this.#live) this.#link?.send({ t: 'event', seq: entry.seq, event });
  }

  /**
   * Puts a connection on this session: welcome, then the events after lastSeq
   * when a resume can be served from the outbox, else a snapshot; then live
   * events. A connection already attached is closed: it is most likely a
   * half-open link the client has given up on.
   */
  attach(
    link: SessionLink,
    welcome: { secret: string; resumed: boolean; now: number },
    lastSeq?: number,
  ): void {
    const previous = this.#link;
    this.#link = link;
    this.#live = false;
    this.#voice.drop('new_link');
    this.#expiresAt = undefined;
    this.#lastActiveAt = welcome.now;
    previous?.close('taken_over');
    link.send({
      t: 'welcome',
      sessionId: this.id,
      secret: welcome.secret,
      resumed: welcome.resumed,
      role: this.role,
    });
    if (welcome.resumed && lastSeq !== undefined) {
      const missed = this.#outbox.since(lastSeq);
      if (!missed.gap) {
        this.#outbox.acknowledge(lastSeq);
        for (const { seq, frame } of missed.frames) link.send({ t: 'event', seq, event: frame });
        this.#live = true;
        return;
      }
    }
    void this.#sendSnapshot(link, 1);
  }

  /**
   * Takes the link off the client, which from now on expires at expiresAt;
   * false when another link had already replaced it.
   */
  detach(link: SessionLink, now: number, expiresAt: number): boolean {
    if (this.#link !== link) return false;
    this.#link = undefined;
    this.#live = false;
    this.#voice.drop('link_closed');
    this.#lastActiveAt = now;
    this.#expiresAt = expiresAt;
    return true;
  }

  /** The client processed every event up to seq. */
  acknowledge(seq: number): void {
    this.#outbox.acknowledge(seq);
  }

  /** Runs one call for this client under its limits; never throws. */
  async call({ name, args }: CallFrame): Promise<CallOutcome> {
    const { limits, handlers, logger } = this.#deps;
    if (this.#callsInFlight >= limits.maxCallsInFlight) {
      return refusal(
        'rate_limited',
        `Too many calls at once: at most ${limits.maxCallsInFlight} may wait for an answer`,
      );
    }
    const budget = commandBudget(name);
    if (budget !== undefined && !this.#budget[budget].take()) {
      return refusal('rate_limited', BUDGET_REFUSALS[budget](limits));
    }
    const opening = focusAtCall(name, args);
    if (opening !== undefined) this.#focus = opening;
    this.#callsInFlight++;
    let outcome: CallOutcome;
    try {
      outcome = await dispatch(handlers, name, args, this.context, (command, error) =>
        logger.error('command_failed', {
          command,
          clientId: this.id,
          role: this.role,
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        }),
      );
    } finally {
      this.#callsInFlight--;
    }
    const opened = focusAfterCall(name, outcome);
    if (opened !== undefined) this.#focus = opened;
    return this.role === 'owner' ? outcome : this.#forDevice(name, outcome);
  }

  /** The session is over (expired, evicted, its device forgotten). */
  end(reason: LinkCloseReason | undefined): void {
    this.#ended = true;
    this.#voice.drop('session_ended');
    const link = this.#link;
    this.#link = undefined;
    this.#live = false;
    if (link && reason) link.close(reason);
  }

  /**
   * One frame of a spoken answer for this client, sent at once when its link is
   * live and dropped otherwise: speech that arrives late is worse than none.
   */
  speak(bytes: Uint8Array): void {
    if (this.#live) this.#link?.speak(bytes);
  }

  /** One audio frame from this client (voiceInput.ts says what becomes of it). */
  hearAudio(frame: AudioFrame): AudioOutcome {
    if (this.#ended) return { ok: false, reason: 'the session is over' };
    return this.#voice.hear(frame);
  }

  async #sendSnapshot(link: SessionLink, attempt: number): Promise<void> {
    const { handlers, logger } = this.#deps;
    // Read in the same tick as the sequence number: the handlers build their
    // value before their first await, so the snapshot is the state as of `seq`.
    const seq = this.#outbox.lastSeq;
    const focus = this.#focus;
    const snapshot = handlers.getSnapshot({}, this.context);
    const open =
      focus === undefined
        ? undefined
        : handlers.openConversation({ id: focus }, this.context).catch(() => undefined);
    let frame: ServerFrame;
    try {
      const [state, conversation] = await Promise.all([snapshot, open]);
      frame = {
        t: 'snapshot',
        seq,
        snapshot: snapshotForRole(state, this.role),
        ...(conversation ? { open: conversationForRole(conversation, this.role) } : {}),
      };
    } catch (error) {
      logger.error('snapshot_failed', { clientId: this.id, error: String(error) });
      if (this.#link === link) link.close('failed');
      return;
    }
    if (this.#link !== link) return;
    const missed = this.#outbox.since(seq);
    // The client opened another conversation meanwhile, or more happened than is held.
    if (missed.gap || this.#focus !== focus) {
      if (attempt < SNAPSHOT_ATTEMPTS) return this.#sendSnapshot(link, attempt + 1);
      logger.error('snapshot_overtaken', { clientId: this.id, attempts: attempt });
      link.close('failed');
      return;
    }
    link.send(frame);
    this.#outbox.acknowledge(seq);
    for (const entry of missed.frames)
      link.send({ t: 'event', seq: entry.seq, event: entry.frame });
    this.#live = true;
  }

  #forDevice(name: CallFrame['name'], outcome: CallOutcome): CallOutcome {
    if (!outcome.ok) return outcome;
    if (name === 'getSnapshot') {
      return { ok: true, value: snapshotForRole(outcome.value as AppSnapshot, 'device') };
    }
    if (name === 'openConversation' || name === 'newConversation') {
      return { ok: true, value: conversationForRole(outcome.value as Conversation, 'device') };
    }
    return outcome;
  }
}

/** Why a call over one of the allowances was refused, in words. */
const BUDGET_REFUSALS: Record<CommandBudget, (limits: ClientLimits) => string> = {
  newConversations: (limits) =>
    `At most ${limits.conversationsPerMinute} new conversations a minute; try again shortly`,
};

function refusal(code: 'rate_limited' | 'busy', message: string): CallOutcome {
  return { ok: false, error: { code, message } };
}

/** The resume secret as stored: useless without the device it was issued to. */
function bindSecret(secret: string, deviceKey: string): Buffer {
  // The separator keeps ("ab", "c") and ("a", "bc") apart.
  return createHash('sha256').update(secret).update('\0').update(deviceKey).digest();
}
