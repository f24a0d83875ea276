// The answers one client is waiting for: prompts it sent whose answers are still
// queued or streaming. It caps how much of the shared model one phone can book
// ahead. An answer counts from the moment its prompt is sent until its message
// reaches a final status (or its conversation is deleted).
import type { HearthEvent, MessageStatus } from '../../shared/api';
import type { CallOutcome } from '../../shared/wire';

const WAITING: ReadonlySet<MessageStatus> = new Set(['queued', 'streaming']);
/** Answers that ended while prompts were being sent, remembered until those calls return. */
const MAX_REMEMBERED_ENDS = 64;

export class OutstandingPrompts {
  /** Assistant message id -> its conversation. */
  readonly #waiting = new Map<string, string>();
  /** sendPrompt calls not yet returned: each may become one waiting answer. */
  #sending = 0;
  /**
   * Answers that ended while a sendPrompt was still returning: an answer that
   * fails at once can end before its call's result is seen here.
   */
  readonly #endedWhileSending = new Set<string>();

  /** Answers booked: waiting ones, and prompts still being sent. */
  get count(): number {
    return this.#waiting.size + this.#sending;
  }

  /** A sendPrompt call starts; settled() follows when it returns. */
  sending(): void {
    this.#sending++;
  }

  /** The sendPrompt call for conversationId returned. */
  settled(conversationId: string, outcome: CallOutcome): void {
    this.#sending = Math.max(0, this.#sending - 1);
    const answer = outcome.ok
      ? (
          outcome.value as {
            assistantMessage?: { id?: unknown; status?: MessageStatus };
          } | null
        )?.assistantMessage
      : undefined;
    const id = answer?.id;
    if (
      typeof id === 'string' &&
      answer?.status !== undefined &&
      WAITING.has(answer.status) &&
      !this.#endedWhileSending.has(id)
    ) {
      this.#waiting.set(id, conversationId);
    }
    if (this.#sending === 0) this.#endedWhileSending.clear();
  }

  /** Sees every event, whatever the client's focus: an answer ends wherever it is. */
  observe(event: HearthEvent): void {
    if (event.type === 'message') {
      const { message } = event;
      if (message.role !== 'assistant' || WAITING.has(message.status)) return;
      if (this.#waiting.delete(message.id)) return;
      if (this.#sending > 0 && this.#endedWhileSending.size < MAX_REMEMBERED_ENDS) {
        this.#endedWhileSending.add(message.id);
      }
    } else if (event.type === 'conversationDeleted') {
      // A deleted conversation's answer never announces its end.
      for (const [id, conversationId] of this.#waiting) {
        if (conversationId === event.conversationId) this.#waiting.delete(id);
      }
    }
  }
}
