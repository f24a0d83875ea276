// Pure state transitions of the open conversation, kept apart from the store so
// they can be tested without a transport.
import type { Conversation, Message } from '../../../shared/api';

/** Adds a message or replaces the one with the same id (events are authoritative). */
export function upsertMessage(conversation: Conversation, message: Message): Conversation {
  const index = conversation.messages.findIndex((m) => m.id === message.id);
  const messages =
    index === -1
      ? [...conversation.messages, message]
      : conversation.messages.map((m, i) => (i === index ? message : m));
  return { ...conversation, messages };
}

/** Adds a message only if it is not there yet: a call's reply may lag behind events. */
export function insertMessage(conversation: Conversation, message: Message): Conversation {
  return conversation.messages.some((m) => m.id === message.id)
    ? conversation
    : { ...conversation, messages: [...conversation.messages, message] };
}

/** Appends buffered text deltas (message id -> text) in one pass. */
export function appendDeltas(
  conversation: Conversation,
  deltas: ReadonlyMap<string, string>,
): Conversation {
  let changed = false;
  const messages = conversation.messages.map((m) => {
    const delta = deltas.get(m.id);
    if (!delta) return m;
    changed = true;
    return { ...m, text: m.text + delta, status: m.status === 'queued' ? 'streaming' : m.status };
  });
  return changed ? { ...conversation, messages } : conversation;
}

/** Whether an answer in this conversation is queued or streaming (Stop applies). */
export function activeAnswer(conversation: Conversation | null): Message | undefined {
  return conversation?.messages.find(
    (m) => m.role === 'assistant' && (m.status === 'streaming' || m.status === 'queued'),
  );
}
