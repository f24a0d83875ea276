// Changes to one message of a conversation the store holds: a status or the
// final text (written at once, or soon), and streamed text (in memory at once,
// appended to the journal at most every saveIntervalMs). The store owns the
// maps; this is how a message in them is found and changed.
import type { Conversation, Message } from '../../shared/api';
import type { ConversationFile } from './conversationFile';
import { assertUuid } from './ids';
import type { MessagePatch } from './journal';
import { saveFailure } from './saveFailure';
import type { SaveScheduler } from './saveScheduler';

export interface MessageEditContext {
  conversations: ReadonlyMap<string, Conversation>;
  files: ReadonlyMap<string, ConversationFile>;
  saving: SaveScheduler;
  now: () => number;
}

export interface LocatedMessage {
  conversation: Conversation;
  message: Message;
  index: number;
}

export function locateMessage(
  conversations: ReadonlyMap<string, Conversation>,
  conversationId: string,
  messageId: string,
): LocatedMessage | undefined {
  assertUuid(conversationId, 'conversation');
  const conversation = conversations.get(conversationId);
  if (!conversation) return undefined;
  // The message that changes is nearly always the last one.
  for (let index = conversation.messages.length - 1; index >= 0; index--) {
    const message = conversation.messages[index];
    if (message?.id === messageId) return { conversation, message, index };
  }
  return undefined;
}

export async function updateMessage(
  context: MessageEditContext,
  conversationId: string,
  messageId: string,
  patch: MessagePatch,
  save: 'now' | 'soon',
): Promise<Message | undefined> {
  const found = locateMessage(context.conversations, conversationId, messageId);
  const file = context.files.get(conversationId);
  if (!found || !file) return undefined;
  const { conversation, message, index } = found;
  const recorded = { ...patch };
  // The final text usually equals what was streamed: the journal has it already.
  if (recorded.text === message.text) delete recorded.text;
  Object.assign(message, patch);
  const at = save === 'now' ? context.now() : undefined;
  if (at !== undefined) conversation.updatedAt = at;
  file.queuePatch(index, recorded, at);
  if (save === 'soon') {
    context.saving.soon(conversationId);
  } else {
    await context.saving.save(conversationId, file, { sync: true }).catch((error: unknown) => {
      throw saveFailure(error);
    });
  }
  return { ...message };
}

export function appendText(
  context: MessageEditContext,
  conversationId: string,
  messageId: string,
  text: string,
): void {
  const found = locateMessage(context.conversations, conversationId, messageId);
  const file = context.files.get(conversationId);
  if (!found || !file || text === '') return;
  found.message.text += text;
  file.queueText(found.index, text);
  context.saving.soon(conversationId);
}
