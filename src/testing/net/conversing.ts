// Asking a question the way a careful phone does over a link that keeps
// dropping: a call whose answer was lost with the link may or may not have
// reached the server, so the phone looks before it asks again, and never sends
// the same prompt twice.
import type { Message } from '../../shared/api';
import { CallError, type PhoneClient } from './phoneClient';

const isDisconnect = (error: unknown): boolean =>
  error instanceof CallError && error.code === 'disconnected';

/**
 * Retries a call until it gets through: at once after a lost link, after a
 * pause when the server says this phone is over its rate (new conversations
 * per minute, say).
 */
export async function untilThrough<T>(call: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (error instanceof CallError && error.code === 'rate_limited') {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        continue;
      }
      if (!isDisconnect(error)) throw error;
    }
  }
}

/** Sends a prompt exactly once; returns its assistant message's id. */
export async function sendOnce(
  client: PhoneClient,
  conversationId: string,
  text: string,
): Promise<string> {
  const before = (await untilThrough(() => client.call('openConversation', { id: conversationId })))
    .messages.length;
  for (;;) {
    try {
      const sent = await client.call('sendPrompt', { conversationId, text });
      return sent.assistantMessageId;
    } catch (error) {
      if (!isDisconnect(error)) throw error;
    }
    // The link dropped before the result: did the prompt arrive?
    const now = await untilThrough(() => client.call('openConversation', { id: conversationId }));
    const added = now.messages.slice(before);
    const answer = added.find((message) => message.role === 'assistant');
    if (answer) return answer.id;
  }
}

/** A new conversation, one prompt, and its answer once it has ended. */
export async function askInNewConversation(client: PhoneClient, text: string): Promise<Message> {
  const conversation = await untilThrough(() => client.call('newConversation', {}));
  const messageId = await sendOnce(client, conversation.id, text);
  return client.answer(messageId);
}
