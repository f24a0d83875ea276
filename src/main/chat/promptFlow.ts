// Sending a prompt: check, save the prompt and an empty answer, queue the answer
// with the engine, and record what the engine does with it.
import { randomUUID } from 'node:crypto';
import type { HearthEvent, Message } from '../../shared/api';
import type { Emitter } from '../../shared/emitter';
import type { Logger } from '../base/log';
import { ApiFailure } from '../contracts/failure';
import type { ConversationStore } from '../conversations/store';
import type { GenerationResult, InferenceEngine } from '../inference/engine';
import type { AnswerBook } from './answerBook';
import { AnswerRecorder } from './answerRecorder';
import { turnsBefore } from './chatTurns';

export interface PromptFlowDeps {
  engine: InferenceEngine;
  store: ConversationStore;
  events: Emitter<HearthEvent>;
  logger: Logger;
  answers: AnswerBook;
  tokenBatchMs: number;
}

/** The ids of the two messages the prompt added; the messages themselves went out as events. */
export interface SentPrompt {
  userMessageId: string;
  assistantMessageId: string;
}

export async function sendPrompt(
  deps: PromptFlowDeps,
  conversationId: string,
  text: string,
  /** Whose share of the answers this one is (CallContext's clientKey). */
  client: string,
): Promise<SentPrompt> {
  const { engine, store, events, logger, answers } = deps;
  engine.assertReady();
  if (!store.has(conversationId)) {
    throw new ApiFailure('not_found', `No conversation ${conversationId}`);
  }
  const now = Date.now();
  const userMessage: Message = {
    id: randomUUID(),
    role: 'user',
    text,
    status: 'complete',
    createdAt: now,
  };
  const assistantMessage: Message = {
    id: randomUUID(),
    role: 'assistant',
    text: '',
    status: 'queued',
    createdAt: now,
  };
  const claim = answers.open({ conversationId, messageId: assistantMessage.id, client });
  try {
    // A prompt that cannot be saved is refused: the store leaves no trace of it.
    await store.addMessages(conversationId, [userMessage, assistantMessage]);
  } catch (error) {
    claim.release();
    throw error;
  }
  events.fire({ type: 'message', conversationId, message: userMessage });
  events.fire({ type: 'message', conversationId, message: assistantMessage });
  events.fire({ type: 'conversations', conversations: store.list() });

  const recorder = new AnswerRecorder(deps, conversationId, assistantMessage.id);
  let answer: Promise<GenerationResult>;
  try {
    answer = engine.generate({
      // One lane of the fair queue per phone, however many sessions it opens.
      clientId: client,
      conversationId,
      messageId: assistantMessage.id,
      prompt: text,
      history: () => turnsBefore(store.get(conversationId)?.messages ?? [], userMessage.id),
      onQueue: (position, reason) => recorder.queued(position, reason),
      onStart: () => recorder.streaming(),
      onText: (delta) => recorder.text(delta),
    });
  } catch (error) {
    // The model went away between the check above and now.
    const reason = error instanceof Error ? error.message : String(error);
    answer = Promise.resolve({ status: 'error', text: '', error: reason, slowedByCooling: false });
  }
  logger.info('prompt_queued', { conversationId, messageId: assistantMessage.id, client });
  void answer
    .then(async (result) => {
      await recorder.finished(result);
      // Free the conversation before telling clients, so they can send the next prompt at once.
      claim.release();
      recorder.announce();
    })
    .catch((error: unknown) => logger.error('answer_record_failed', { error: String(error) }))
    .finally(() => claim.release());
  return { userMessageId: userMessage.id, assistantMessageId: assistantMessage.id };
}
