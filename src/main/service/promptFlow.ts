// Sending a prompt: check, save the prompt and an empty answer, queue the answer
// with the engine, and record what the engine does with it.
import { randomUUID } from 'node:crypto';
import type { HearthEvent, Message } from '../../shared/api';
import type { Emitter } from '../../shared/emitter';
import type { Logger } from '../base/log';
import { ApiFailure } from '../contracts/failure';
import type { ConversationStore } from '../conversations/store';
import type { GenerationResult, InferenceEngine } from '../inference/engine';
import type { ActiveAnswers } from './activeAnswers';
import { AnswerRecorder } from './answerRecorder';
import { turnsBefore } from './chatTurns';

export interface PromptFlowDeps {
  engine: InferenceEngine;
  store: ConversationStore;
  events: Emitter<HearthEvent>;
  logger: Logger;
  answers: ActiveAnswers;
  tokenBatchMs: number;
}

export interface SentPrompt {
  userMessage: Message;
  assistantMessage: Message;
}

export async function sendPrompt(
  deps: PromptFlowDeps,
  conversationId: string,
  text: string,
  clientId: string,
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
  const claim = answers.claim(conversationId, assistantMessage.id);
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
      clientId,
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
  logger.info('prompt_queued', { conversationId, messageId: assistantMessage.id, clientId });
  void answer
    .then(async (result) => {
      await recorder.finished(result);
      // Free the conversation before telling clients, so they can send the next prompt at once.
      claim.release();
      recorder.announce();
    })
    .catch((error: unknown) => logger.error('answer_record_failed', { error: String(error) }))
    .finally(() => claim.release());
  return { userMessage, assistantMessage };
}
