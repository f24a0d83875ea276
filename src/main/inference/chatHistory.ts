// Turns stored messages into node-llama-cpp chat history, for when the engine
// switches a context sequence over to another conversation.
import type { ChatHistoryItem } from 'node-llama-cpp';

export interface ChatTurn {
  role: 'user' | 'assistant';
  text: string;
}

export function toChatHistory(systemPrompt: string, turns: readonly ChatTurn[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = [];
  if (systemPrompt !== '') history.push({ type: 'system', text: systemPrompt });
  for (const turn of turns) {
    if (turn.role === 'user') history.push({ type: 'user', text: turn.text });
    else history.push({ type: 'model', response: [turn.text] });
  }
  return history;
}
