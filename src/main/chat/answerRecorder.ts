// What happens to an answer's message as the engine works on it: saved in the
// store and told to every client, from queued through streaming to its end.
import type { HearthEvent } from '../../shared/api';
import type { Emitter } from '../../shared/emitter';
import type { Logger } from '../base/log';
import type { ConversationStore } from '../conversations/store';
import type { GenerationResult } from '../inference/engine';
import { TokenBatcher } from './tokenBatcher';

export interface AnswerRecorderDeps {
  store: ConversationStore;
  events: Emitter<HearthEvent>;
  logger: Logger;
  tokenBatchMs: number;
}

export class AnswerRecorder {
  readonly #deps: AnswerRecorderDeps;
  readonly #conversationId: string;
  readonly #messageId: string;
  readonly #batcher: TokenBatcher;

  constructor(deps: AnswerRecorderDeps, conversationId: string, messageId: string) {
    this.#deps = deps;
    this.#conversationId = conversationId;
    this.#messageId = messageId;
    // The stored text grows only as clients are told, so a conversation read
    // between two batches (a snapshot, openConversation) never holds text that
    // a later 'tokens' event would deliver a second time.
    this.#batcher = new TokenBatcher((text) => {
      deps.store.appendText(conversationId, messageId, text);
      deps.events.fire({ type: 'tokens', conversationId, messageId, text });
    }, deps.tokenBatchMs);
  }

  queued(position: number, reason: string | undefined): void {
    this.#deps.events.fire({
      type: 'queue',
      conversationId: this.#conversationId,
      messageId: this.#messageId,
      position,
      ...(reason === undefined ? {} : { reason }),
    });
  }

  streaming(): void {
    const { store, events, logger } = this.#deps;
    const conversationId = this.#conversationId;
    // The status changes in memory at once, so the event goes out before any text.
    store.updateMessage(conversationId, this.#messageId, { status: 'streaming' }).catch((error) => {
      logger.error('answer_save_failed', { conversationId, error: String(error) });
    });
    const message = store.message(conversationId, this.#messageId);
    if (message) events.fire({ type: 'message', conversationId, message });
  }

  text(delta: string): void {
    this.#batcher.push(delta);
  }

  async finished(result: GenerationResult): Promise<void> {
    const { store, logger } = this.#deps;
    const conversationId = this.#conversationId;
    const messageId = this.#messageId;
    // Every streamed token reaches clients before the message's final state.
    this.#batcher.flush();
    try {
      await store.updateMessage(conversationId, messageId, {
        status: result.status,
        text: result.text,
        ...(result.stats ? { stats: result.stats } : {}),
        ...(result.error === undefined ? {} : { error: result.error }),
        ...(result.slowedByCooling ? { slowedByCooling: true } : {}),
      });
    } catch (error) {
      // The answer is still in memory and is saved with the next change that succeeds.
      logger.error('answer_save_failed', { conversationId, error: String(error) });
    }
    logger.info('answer_done', {
      conversationId,
      messageId,
      status: result.status,
      ...(result.stats ?? {}),
      ...(result.error === undefined ? {} : { error: result.error }),
    });
  }

  /** Tells clients the final message; nothing when the conversation was deleted meanwhile. */
  announce(): void {
    const { store, events } = this.#deps;
    const message = store.message(this.#conversationId, this.#messageId);
    if (!message) return;
    events.fire({ type: 'message', conversationId: this.#conversationId, message });
    events.fire({ type: 'conversations', conversations: store.list() });
  }
}
