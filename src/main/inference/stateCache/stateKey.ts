// What a saved state depends on, as digests. The key covers what changes the
// evaluated cache for every conversation (the model, the context's settings, the
// chat wrapper, the system prompt, the runtime that wrote it); the turns digest,
// the one conversation's history as the state holds it. A state is loaded only
// when both match what Hearth would evaluate now.
import { createHash } from 'node:crypto';
import type { ChatHistoryItem } from 'node-llama-cpp';
import type { ChatTurn } from '../chatHistory';

export interface StateKeyParts {
  /** modelFingerprint() of the model file. */
  model: string;
  contextSize: number;
  /** The chat wrapper's name and settings. */
  chatWrapper: string;
  systemPrompt: string;
  /** node-llama-cpp's version and the machine: the state's layout is theirs. */
  runtime: string;
}

const digest = (value: unknown): string =>
  createHash('sha256').update(JSON.stringify(value)).digest('hex');

export function stateKey(parts: StateKeyParts): string {
  return digest([
    'hearth-state-key-v1',
    parts.model,
    parts.contextSize,
    parts.chatWrapper,
    parts.systemPrompt,
    parts.runtime,
  ]);
}

/** The conversation's turns, as the store has them or as a session holds them. */
export function turnsDigest(turns: readonly ChatTurn[]): string {
  return digest(turns.map((turn) => [turn.role, turn.text]));
}

/** A session's history as turns (the system prompt is in the key, not here). */
export function turnsOfHistory(history: readonly ChatHistoryItem[]): ChatTurn[] {
  const turns: ChatTurn[] = [];
  for (const item of history) {
    if (item.type === 'user') turns.push({ role: 'user', text: item.text });
    else if (item.type === 'model') {
      const text = item.response.filter((part) => typeof part === 'string').join('');
      turns.push({ role: 'assistant', text });
    }
  }
  return turns;
}
