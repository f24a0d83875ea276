// The voice pipeline's ports onto the rest of Hearth: a client found by its
// session id (its one-client events, its speech frames, a transcript sent as its
// prompt in the conversation it has open, under its own limits), and an answer's
// text from the store and the events.
import type { HearthEvent } from '../../shared/api';
import type { Emitter } from '../../shared/emitter';
import type { Clients } from '../clients/clients';
import type { AnswerTextPort, VoiceClientsPort } from '../contracts/voice';
import type { ConversationStore } from '../conversations/store';

const WRITING = new Set(['queued', 'streaming']);

export function voiceClients(clients: () => Clients): VoiceClientsPort {
  return {
    deliver: (clientId, event) => clients().get(clientId)?.deliver(event),
    speak: (clientId, bytes) => clients().get(clientId)?.speak(bytes),
    async prompt(clientId, text) {
      const client = clients().get(clientId);
      if (!client) return { refused: 'The session ended before the words were heard.' };
      const conversationId = client.focus;
      if (conversationId === undefined) {
        return { refused: 'Open a conversation first, then talk.' };
      }
      // As if typed: the same command, checks and allowances.
      const outcome = await client.call({
        t: 'call',
        id: 0,
        name: 'sendPrompt',
        args: { conversationId, text },
      });
      if (!outcome.ok) return { refused: outcome.error.message };
      const { assistantMessageId } = outcome.value as { assistantMessageId: string };
      return { conversationId, answerId: assistantMessageId };
    },
  };
}

export function answerText(events: Emitter<HearthEvent>, store: ConversationStore): AnswerTextPort {
  return {
    subscribe(listener) {
      const subscription = events.subscribe(listener);
      return () => subscription.dispose();
    },
    current(conversationId, messageId) {
      const message = store.message(conversationId, messageId);
      return message && { text: message.text, done: !WRITING.has(message.status) };
    },
  };
}
