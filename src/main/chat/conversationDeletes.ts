// Deleting a conversation, and undoing it. The owner (the kiosk screen, an
// owner-page browser) may delete any conversation; a phone only the ones it
// started (mayDeleteConversation, the rule the renderer shows Delete by). A
// delete stops the answer still being written in it and can be undone for
// UNDO_DELETE_WINDOW_MS; every client hears of both through the usual events.
import type { ConversationSummary, HearthEvent } from '../../shared/api';
import { mayDeleteConversation, starterKey } from '../../shared/conversationStarter';
import type { Emitter } from '../../shared/emitter';
import { ApiFailure } from '../contracts/failure';
import type { ConversationStore } from '../conversations/store';
import type { InferenceEngine } from '../inference/engine';
import type { CallContext } from '../rpc/dispatch';
import type { AnswerBook } from './answerBook';

export interface ConversationDeleteDeps {
  store: ConversationStore;
  engine: InferenceEngine;
  events: Emitter<HearthEvent>;
  answers: AnswerBook;
}

export async function deleteConversation(
  deps: ConversationDeleteDeps,
  id: string,
  ctx: CallContext,
): Promise<void> {
  const { store, engine, events, answers } = deps;
  const startedBy = store.starterOf(id);
  if (startedBy === undefined) throw new ApiFailure('not_found', `No conversation ${id}`);
  if (!mayDeleteConversation(starterKey(ctx), startedBy)) {
    throw new ApiFailure(
      'forbidden',
      'This conversation was started on another device: only that device, or the Hearth screen, can delete it.',
    );
  }
  // Nobody is left to read the answer: the model's time goes to other prompts.
  const answering = answers.inConversation(id);
  if (answering) engine.stop(answering);
  engine.forgetConversation(id);
  await store.delete(id);
  events.fire({ type: 'conversationDeleted', conversationId: id });
  events.fire({ type: 'conversations', conversations: store.list() });
}

export async function undoDelete(
  deps: ConversationDeleteDeps,
  id: string,
  ctx: CallContext,
): Promise<ConversationSummary> {
  const { store, events } = deps;
  const viewer = starterKey(ctx);
  const summary = await store.restore(id, (startedBy) => mayDeleteConversation(viewer, startedBy));
  events.fire({ type: 'conversations', conversations: store.list() });
  return summary;
}
