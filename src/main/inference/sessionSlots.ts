// The chat sessions kept bound to conversations. Each session lives on its own
// sequence of the context and keeps the tokens it evaluated, so a follow-up in a
// bound conversation evaluates only the new turn. A conversation without a
// session takes the least recently used one. With a state cache, the state the
// slot held is saved first (it would be lost), and the new conversation's saved
// state is loaded, so only the new turn is evaluated; without one, node-llama-cpp
// reuses whatever token prefix still matches (the system prompt) and evaluates
// the rest. A bound conversation's state is also saved once it has been idle for
// a while, and at an orderly shutdown: never per answer.
import { LlamaChatSession } from 'node-llama-cpp';
import type { Logger } from '../base/log';
import { toChatHistory, type ChatTurn } from './chatHistory';
import type { PromptEvaluation } from './kvCacheTrim';
import type { LoadedModel } from './modelLoader';
import type { SlotStates } from './stateCache/slotStates';

/** Sessions kept bound to conversations at once (sequences in the context). */
export const SESSION_SLOTS = 2;
/** How long a conversation stays idle in its slot before its state is saved. */
export const IDLE_SAVE_MS = 120_000;

export interface SessionSlot {
  session: LlamaChatSession;
  conversationId: string | undefined;
  lastUsed: number;
  /** What the last prompt in this session cost before its first token. */
  lastPrompt?: PromptEvaluation;
  /** Whether the sequence holds evaluated turns that are not saved. */
  unsaved: boolean;
  /** An answer is running on it: its state is in flux. */
  answering: boolean;
  /** Saves and loads on this slot, one after another. */
  pending: Promise<unknown>;
  idleTimer?: ReturnType<typeof setTimeout>;
}

export interface SessionSlotsOptions {
  systemPrompt: string;
  logger: Logger;
  /** Saved states; without it a conversation that lost its slot is evaluated again. */
  states?: SlotStates;
  idleSaveMs?: number;
}

export class SessionSlots {
  #systemPrompt: string;
  readonly #logger: Logger;
  readonly #states: SlotStates | undefined;
  readonly #idleSaveMs: number;
  #slots: SessionSlot[] = [];
  #useCounter = 0;

  constructor(options: SessionSlotsOptions) {
    this.#systemPrompt = options.systemPrompt;
    this.#logger = options.logger;
    this.#states = options.states;
    this.#idleSaveMs = options.idleSaveMs ?? IDLE_SAVE_MS;
  }

  /** Opens one session on each sequence of the loaded model's context. */
  open(loaded: LoadedModel, modelPath: string | undefined): void {
    const { context, sessionOptions } = loaded;
    for (let i = 0; i < SESSION_SLOTS; i++) {
      this.#slots.push({
        session: new LlamaChatSession({
          ...sessionOptions,
          systemPrompt: this.#systemPrompt,
          contextSequence: context.getSequence(),
        }),
        conversationId: undefined,
        lastUsed: 0,
        unsaved: false,
        answering: false,
        pending: Promise.resolve(),
      });
    }
    if (modelPath) this.#states?.attach(loaded, modelPath, this.#systemPrompt);
  }

  /**
   * The session bound to the conversation, else the least recently used one,
   * rebound to it; marked as answering until answered() is called.
   */
  async slotFor(conversationId: string, history: () => ChatTurn[]): Promise<SessionSlot> {
    const bound = this.#slots.find((slot) => slot.conversationId === conversationId);
    const slot = bound ?? [...this.#slots].sort((a, b) => a.lastUsed - b.lastUsed)[0];
    if (!slot) throw new Error('the model has no chat session');
    slot.lastUsed = ++this.#useCounter;
    slot.answering = true;
    clearTimeout(slot.idleTimer);
    try {
      if (bound) await slot.pending;
      else await this.#serial(slot, () => this.#bind(slot, conversationId, history()));
    } catch (error) {
      slot.answering = false;
      throw error;
    }
    return slot;
  }

  /** An answer ended on the slot: its sequence now holds turns that are not saved. */
  answered(slot: SessionSlot): void {
    slot.answering = false;
    if (slot.conversationId === undefined) return;
    slot.unsaved = true;
    clearTimeout(slot.idleTimer);
    if (!this.#states) return;
    slot.idleTimer = setTimeout(
      () => void this.#serial(slot, async () => (await this.#save(slot)).saved),
      this.#idleSaveMs,
    );
    slot.idleTimer.unref();
  }

  /** The slot's session may hold a half-evaluated turn: rebuild it from the store next time. */
  unbind(slot: SessionSlot): void {
    slot.conversationId = undefined;
    slot.unsaved = false;
    clearTimeout(slot.idleTimer);
  }

  /**
   * Loads the conversation's saved state into a free slot in the background, so
   * its next prompt evaluates only the new turn; resolves with whether it did.
   */
  async preload(conversationId: string, turns: () => ChatTurn[]): Promise<boolean> {
    if (!this.#states || this.#slots.some((s) => s.conversationId === conversationId)) return false;
    const slot = [...this.#slots].sort((a, b) => a.lastUsed - b.lastUsed)[0];
    if (!slot || slot.answering) return false;
    slot.lastUsed = ++this.#useCounter;
    return this.#serial(slot, () => this.#bind(slot, conversationId, turns()));
  }

  /**
   * A new system prompt: every session is unbound, so each conversation's next
   * prompt rebuilds its history under it, and the states saved under the old one go.
   */
  setSystemPrompt(systemPrompt: string): void {
    this.#systemPrompt = systemPrompt;
    for (const slot of this.#slots) this.unbind(slot);
    void this.#states?.systemPromptChanged(systemPrompt);
  }

  /** A deleted conversation: its session is unbound and its saved state removed. */
  forget(conversationId: string): void {
    for (const slot of this.#slots) {
      if (slot.conversationId === conversationId) this.unbind(slot);
    }
    void this.#states?.remove(conversationId).catch((error: unknown) => {
      this.#logger.warn('state_remove_failed', { conversationId, error: String(error) });
    });
  }

  /** Saves every bound conversation's unsaved state (an orderly shutdown). */
  async saveAll(): Promise<void> {
    await Promise.all(
      this.#slots.map((slot) => this.#serial(slot, async () => (await this.#save(slot)).saved)),
    );
    await this.#states?.cache.rememberUse();
    await this.#states?.cache.settled();
  }

  /** The model is about to go: nothing more is saved for it. */
  detach(): void {
    this.#states?.detach();
  }

  list(): readonly SessionSlot[] {
    return this.#slots;
  }

  dispose(): void {
    for (const slot of this.#slots.splice(0)) {
      clearTimeout(slot.idleTimer);
      slot.session.dispose({ disposeSequence: true });
    }
  }

  /**
   * Saves what the slot holds if it would otherwise be lost. Resolves once the
   * state is written (the slot may be reused); `saved` once it is durable.
   * Not while an answer runs on it, unless that answer is taking the slot over.
   */
  async #save(slot: SessionSlot, evicting = false): Promise<{ saved: Promise<number> }> {
    const none = { saved: Promise.resolve(0) };
    const { conversationId } = slot;
    if (!this.#states || !slot.unsaved || conversationId === undefined) return none;
    if (slot.answering && !evicting) return none;
    const { session } = slot;
    const staged = await this.#states.save(
      session.sequence,
      conversationId,
      session.getChatHistory(),
      this.#systemPrompt,
    );
    slot.unsaved = false;
    this.#logger.debug('state_written', { conversationId });
    void staged.saved.then((bytes) => {
      if (bytes > 0) this.#logger.debug('state_saved', { conversationId, bytes });
    });
    return staged;
  }

  async #bind(slot: SessionSlot, conversationId: string, turns: ChatTurn[]): Promise<boolean> {
    // Another conversation's turns live in this sequence: keep them before they go.
    if (slot.conversationId !== conversationId) await this.#save(slot, true);
    slot.conversationId = conversationId;
    slot.unsaved = false;
    // The turns the state holds: all of them, or the last ones when it was trimmed to fit.
    const restored = await this.#states?.restore(
      slot.session.sequence,
      conversationId,
      turns,
      this.#systemPrompt,
    );
    slot.session.setChatHistory(toChatHistory(this.#systemPrompt, restored ?? turns));
    if (restored) this.#logger.debug('state_restored', { conversationId, turns: restored.length });
    return restored !== undefined;
  }

  #serial<T>(slot: SessionSlot, task: () => Promise<T>): Promise<T> {
    const run = slot.pending.then(task, task);
    slot.pending = run.catch(() => {});
    return run;
  }
}
