// The conversation before a prompt, as the model should see it.
import type { Message } from '../../shared/api';
import type { ChatTurn } from '../inference/chatHistory';

export function turnsBefore(messages: readonly Message[], userMessageId: string): ChatTurn[] {
  const end = messages.findIndex((m) => m.id === userMessageId);
  const earlier = end < 0 ? messages : messages.slice(0, end);
  const turns: ChatTurn[] = [];
  for (let i = 0; i < earlier.length; i++) {
    const message = earlier[i] as Message;
    if (message.role !== 'user') continue;
    const reply = earlier[i + 1];
    // A prompt that never got any answer text gave the model nothing to build on.
    if (!reply || reply.role !== 'assistant' || reply.text === '') continue;
    turns.push({ role: 'user', text: message.text }, { role: 'assistant', text: reply.text });
  }
  return turns;
}
