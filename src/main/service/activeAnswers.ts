// The one place that knows which answers are queued or streaming: one per
// conversation, claimed before the first await so a double tap cannot queue two.
import { ApiFailure } from '../contracts/failure';

interface ActiveAnswer {
  messageId: string;
  finished: Promise<void>;
}

export interface AnswerClaim {
  /** Records which message answers; set once its id exists. */
  readonly messageId: string;
  /** Frees the conversation for its next prompt. */
  release(): void;
}

export class ActiveAnswers {
  readonly #byConversation = new Map<string, ActiveAnswer>();

  /** Throws 'busy' when the conversation is still answering. */
  claim(conversationId: string, messageId: string): AnswerClaim {
    if (this.#byConversation.has(conversationId)) {
      throw new ApiFailure('busy', 'This conversation is still answering; stop it or wait');
    }
    let release: () => void = () => {};
    const finished = new Promise<void>((resolve) => (release = resolve));
    const answer = { messageId, finished };
    this.#byConversation.set(conversationId, answer);
    return {
      messageId,
      release: () => {
        if (this.#byConversation.get(conversationId) === answer) {
          this.#byConversation.delete(conversationId);
        }
        release();
      },
    };
  }

  messageIn(conversationId: string): string | undefined {
    return this.#byConversation.get(conversationId)?.messageId;
  }

  /** Resolves when every answer running now has been saved and released. */
  async settled(): Promise<void> {
    await Promise.all([...this.#byConversation.values()].map((answer) => answer.finished));
  }
}
