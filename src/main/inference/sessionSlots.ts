// The chat sessions kept bound to conversations. Each session lives on its own
// sequence of the context and keeps the tokens it evaluated, so a follow-up in a
// bound conversation evaluates only the new turn. A conversation without a
// session takes the least recently used one: it gets the conversation's history
// with setChatHistory, and node-llama-cpp reuses whatever token prefix still
// matches (the system prompt).
import { LlamaChatSession } from 'node-llama-cpp';
import type { Disposable } from '../../shared/lifecycle';
import { toChatHistory, type ChatTurn } from './chatHistory';
import type { PromptEvaluation } from './kvCacheTrim';
import type { LoadedModel } from './modelLoader';

/** Sessions kept bound to conversations at once (sequences in the context). */
export const SESSION_SLOTS = 2;

export interface SessionSlot {
  session: LlamaChatSession;
  conversationId: string | undefined;
  lastUsed: number;
  /** What the last prompt in this session cost before its first token. */
  lastPrompt?: PromptEvaluation;
}

export class SessionSlots implements Disposable {
  #systemPrompt: string;
  #slots: SessionSlot[] = [];
  #useCounter = 0;

  constructor(systemPrompt: string) {
    this.#systemPrompt = systemPrompt;
  }

  /** Opens one session on each sequence of the loaded model's context. */
  open({ context, sessionOptions }: LoadedModel): void {
    for (let i = 0; i < SESSION_SLOTS; i++) {
      this.#slots.push({
        session: new LlamaChatSession({
          ...sessionOptions,
          systemPrompt: this.#systemPrompt,
          contextSequence: context.getSequence(),
        }),
        conversationId: undefined,
        lastUsed: 0,
      });
    }
  }

  /** The session bound to the conversation, else the least recently used one, rebound to it. */
  slotFor(conversationId: string, history: () => ChatTurn[]): SessionSlot {
    const bound = this.#slots.find((slot) => slot.conversationId === conversationId);
    const slot = bound ?? [...this.#slots].sort((a, b) => a.lastUsed - b.lastUsed)[0];
    if (!slot) throw new Error('the model has no chat session');
    if (!bound) {
      slot.session.setChatHistory(toChatHistory(this.#systemPrompt, history()));
      slot.conversationId = conversationId;
    }
    slot.lastUsed = ++this.#useCounter;
    return slot;
  }

  /**
   * A new system prompt: every session is unbound, so each conversation's next
   * prompt rebuilds its history under it.
   */
  setSystemPrompt(systemPrompt: string): void {
    this.#systemPrompt = systemPrompt;
    for (const slot of this.#slots) slot.conversationId = undefined;
  }

  /** Unbinds the conversation's session, so it is rebuilt from the store next time. */
  forget(conversationId: string): void {
    for (const slot of this.#slots) {
      if (slot.conversationId === conversationId) slot.conversationId = undefined;
    }
  }

  list(): readonly SessionSlot[] {
    return this.#slots;
  }

  dispose(): void {
    for (const slot of this.#slots.splice(0)) slot.session.dispose({ disposeSequence: true });
  }
}
