// Prompts are never silently dropped. One typed while the link is down waits,
// shown as pending, and is sent once the session is back, in the order typed,
// each after the answer before it (as the Send button would allow). One whose
// call was in flight when the link dropped may have reached the server: before
// it is sent again, the conversation is read back, and a new user message with
// its text means it arrived. A prompt is never sent twice. Each prompt the
// server accepted is told to onSent's listeners with its answer's id (the
// voice speaks it when "Speak answers" is on).
import type { Conversation } from '../../../shared/api';
import { Emitter, type Subscription } from '../../../shared/emitter';
import type { Disposable } from '../../../shared/lifecycle';
import { HearthCallError, type HearthTransport } from '../../../shared/transport';
import type { StoreApi } from 'zustand/vanilla';
import type { ConversationOpener } from './navigation';
import { activeAnswer } from './reducers';
import { reportProblem, type HearthState, type PendingPrompt } from './state';

export function isDisconnected(error: unknown): boolean {
  return error instanceof HearthCallError && error.code === 'disconnected';
}

/** A typed prompt the server accepted, and the answer it will get. */
export interface SentPrompt {
  conversationId: string;
  answerId: string;
}

export class PromptOutbox implements Disposable {
  #nextKey = 1;
  readonly #sent = new Emitter<SentPrompt>();
  #draining = false;
  #disposed = false;
  readonly #unsubscribe: () => void;

  constructor(
    private readonly transport: HearthTransport,
    private readonly store: StoreApi<HearthState>,
    private readonly opener: ConversationOpener,
  ) {
    // Whatever made sending possible again (the link, a finished answer) is a change of state.
    this.#unsubscribe = store.subscribe(() => void this.#drain());
  }

  /** Each prompt the server accepted, as its reply comes (not one found later to have arrived). */
  onSent(listener: (sent: SentPrompt) => void): Subscription {
    return this.#sent.subscribe(listener);
  }

  /**
   * Sends a prompt now when the link is up and nothing waits before it, else
   * keeps it pending. Resolves false only when the server refused it.
   */
  async send(conversationId: string, text: string): Promise<boolean> {
    const state = this.store.getState();
    const waiting = state.pending.some((p) => p.conversationId === conversationId);
    const prompt = this.#pending(conversationId, text);
    if (state.link.state !== 'connected' || waiting) {
      this.#update((pending) => [...pending, prompt]);
      return true;
    }
    return this.#deliver(prompt);
  }

  #pending(conversationId: string, text: string): PendingPrompt {
    return { key: this.#nextKey++, conversationId, text, inDoubt: false, before: [] };
  }

  /** Sends one prompt; on a dropped link it stays pending, in doubt, to be checked later. */
  async #deliver(prompt: PendingPrompt): Promise<boolean> {
    const sent = { ...prompt, before: userMessageIds(this.store.getState().current, prompt) };
    try {
      // Both messages arrive as events before this result: nothing to merge here.
      const reply = await this.transport.call('sendPrompt', {
        conversationId: prompt.conversationId,
        text: prompt.text,
      });
      this.store.setState((state) => ({
        problem: null,
        pending: state.pending.filter((p) => p.key !== prompt.key),
      }));
      if (!this.#disposed) {
        this.#sent.fire({
          conversationId: prompt.conversationId,
          answerId: reply.assistantMessageId,
        });
      }
      return true;
    } catch (error) {
      if (isDisconnected(error)) {
        const doubt = { ...sent, inDoubt: true };
        this.#update((pending) =>
          pending.some((p) => p.key === prompt.key)
            ? pending.map((p) => (p.key === prompt.key ? doubt : p))
            : [...pending, doubt],
        );
        return true;
      }
      this.#forget(prompt);
      reportProblem(this.store, error);
      return false;
    }
  }

  async #drain(): Promise<void> {
    if (this.#draining || this.#disposed) return;
    this.#draining = true;
    try {
      for (let next = this.#next(); next; next = this.#next()) {
        if (next.inDoubt && (await this.#arrived(next))) {
          this.#forget(next);
          continue;
        }
        if (this.#next() !== next) continue; // things changed while checking
        await this.#deliver(next);
      }
    } finally {
      this.#draining = false;
    }
  }

  /** The open conversation's oldest pending prompt, when it can go now. */
  #next(): PendingPrompt | undefined {
    const state = this.store.getState();
    if (this.#disposed || state.link.state !== 'connected' || !state.synced) return undefined;
    const current = state.current;
    if (!current) return undefined;
    const oldest = state.pending.find((p) => p.conversationId === current.id);
    if (!oldest) return undefined;
    // Its messages came back as events before the link dropped: it arrived, whatever the reply.
    if (oldest.inDoubt && hasArrived(current, oldest)) {
      this.#forget(oldest);
      return this.#next();
    }
    return activeAnswer(current) ? undefined : oldest;
  }

  /**
   * Whether the server got a prompt whose reply was lost: its conversation, read
   * back, has it. False too when the link dropped again: it stays in doubt.
   */
  async #arrived(prompt: PendingPrompt): Promise<boolean> {
    let conversation: Conversation;
    try {
      conversation = await this.opener.open(prompt.conversationId);
    } catch (error) {
      if (isDisconnected(error)) return false;
      // The conversation is gone (deleted elsewhere): nowhere to send it.
      this.#forget(prompt);
      reportProblem(this.store, error);
      return false;
    }
    return hasArrived(conversation, prompt);
  }

  #forget(prompt: PendingPrompt): void {
    this.#update((pending) => pending.filter((p) => p.key !== prompt.key));
  }

  #update(change: (pending: PendingPrompt[]) => PendingPrompt[]): void {
    this.store.setState((state) => ({ pending: change(state.pending) }));
  }

  dispose(): void {
    this.#disposed = true;
    this.#unsubscribe();
    this.#sent.dispose();
  }
}

function userMessageIds(current: Conversation | null, prompt: PendingPrompt): string[] {
  if (prompt.before.length || current?.id !== prompt.conversationId) return prompt.before;
  return current.messages.filter((m) => m.role === 'user').map((m) => m.id);
}

/** The conversation holds the prompt as a user message it did not hold when the prompt was sent. */
function hasArrived(conversation: Conversation, prompt: PendingPrompt): boolean {
  return conversation.messages.some(
    (m) => m.role === 'user' && m.text === prompt.text && !prompt.before.includes(m.id),
  );
}
