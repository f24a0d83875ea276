// One client's session, below whichever connection carries it: the events it is
// owed, numbered and kept for replay; the conversation it has open; its role;
// and its share of the limits. A connection attaches after the client's hello
// and may drop at any time; the session keeps collecting events until the
// client comes back (replay, or a snapshot when the gap cannot be filled) or the
// session expires.
import type { AppSnapshot, Conversation, HearthEvent } from '../../shared/api';
import type { CallFrame, CallOutcome, ServerFrame } from '../../shared/wire';
import type { Logger } from '../base/log';
import type { TokenBucket } from '../sessions/tokenBucket';
import { SequencedOutbox } from '../sessions/replayBuffer';
import { dispatch, type CallContext, type HearthHandlers } from './dispatch';
import {
  conversationForRole,
  focusAfterCall,
  focusAtCall,
  snapshotForRole,
  type Role,
} from './focus';
import type { ClientLimits } from './limits';
import { OutstandingPrompts } from './outstandingPrompts';

/** Why a connection is ended from this side; each transport maps it to its own close. */
export type LinkCloseReason =
  /** A newer connection resumed the session: this one is likely half-open. */
  | 'taken_over'
  /** It kept sending far past its message rate. */
  | 'flooding'
  /** Its device was forgotten: it must pair again. */
  | 'forgotten'
  /** Hearth holds as many sessions or connections as it may. */
  | 'too_many'
  /** The session could not be brought up to date. */
  | 'failed';

/** One connection as a session sees it. */
export interface SessionLink {
  send(frame: ServerFrame): void;
  close(reason: LinkCloseReason): void;
}

/** A phone's allowance, shared by all its sessions so a new session does not reset it. */
export interface ClientBudget {
  conversations: TokenBucket;
}

export interface ClientSessionDeps {
  handlers: HearthHandlers;
  logger: Logger;
  limits: ClientLimits;
  replay: { maxFrames: number; maxBytes: number };
}

export interface ClientSessionInit {
  id: string;
  role: Role;
  deviceId: string | undefined;
  budget: ClientBudget;
}

/** A snapshot is retried this often when events overtake it; then the link is dropped. */
const SNAPSHOT_ATTEMPTS = 3;

export class ClientSession {
  readonly id: string;
  readonly role: Role;
  readonly deviceId: string | undefined;
  readonly prompts = new OutstandingPrompts();
  readonly #budget: ClientBudget;
  readonly #deps: ClientSessionDeps;
  readonly #outbox: SequencedOutbox<HearthEvent>;
  #focus: string | undefined;
  #link: SessionLink | undefined;
  /** True once the attached link has caught up (replay or snapshot sent). */
  #live = false;
  #callsInFlight = 0;
  #ended = false;

  constructor(init: ClientSessionInit, deps: ClientSessionDeps) {
    this.id = init.id;
    this.role = init.role;
    this.deviceId = init.deviceId;
    this.#budget = init.budget;
    this.#deps = deps;
    this.#outbox = new SequencedOutbox({
      maxFrames: deps.replay.maxFrames,
      maxBytes: deps.replay.maxBytes,
    });
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
  attach(link: SessionLink, welcome: { secret: string; resumed: boolean }, lastSeq?: number): void {
    const previous = this.#link;
    this.#link = link;
    this.#live = false;
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

  /** Takes the link off the session; false when another link had already replaced it. */
  detach(link: SessionLink): boolean {
    if (this.#link !== link) return false;
    this.#link = undefined;
    this.#live = false;
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
    if (name === 'sendPrompt' && this.prompts.count >= limits.maxQueuedPrompts) {
      return refusal(
        'busy',
        `You already have ${limits.maxQueuedPrompts} answers queued or streaming; ` +
          'wait for one to finish, or stop it',
      );
    }
    if (name === 'newConversation' && !this.#budget.conversations.take()) {
      return refusal(
        'rate_limited',
        `At most ${limits.conversationsPerMinute} new conversations a minute; try again shortly`,
      );
    }
    const opening = focusAtCall(name, args);
    if (opening !== undefined) this.#focus = opening;
    if (name === 'sendPrompt') this.prompts.sending();
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
    if (name === 'sendPrompt') this.prompts.settled(opening ?? '', outcome);
    const opened = focusAfterCall(name, outcome);
    if (opened !== undefined) this.#focus = opened;
    return this.role === 'owner' ? outcome : this.#forDevice(name, outcome);
  }

  /** The session is over (expired, evicted, its device forgotten). */
  end(reason: LinkCloseReason | undefined): void {
    this.#ended = true;
    const link = this.#link;
    this.#link = undefined;
    this.#live = false;
    if (link && reason) link.close(reason);
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

function refusal(code: 'rate_limited' | 'busy', message: string): CallOutcome {
  return { ok: false, error: { code, message } };
}
