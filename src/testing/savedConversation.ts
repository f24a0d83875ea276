// What a restart would read for one conversation: its JSON file with its
// journal applied, as raw as it is on disk (no repair of interrupted answers).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Conversation } from '../shared/api';
import { JOURNAL_SUFFIX, replayJournal } from '../main/conversations/journal';

export function savedConversation(dir: string, id: string): Conversation {
  const text = readFileSync(join(dir, `${id}.json`), 'utf8');
  const conversation = JSON.parse(text) as Conversation;
  const journal = join(dir, `${id}${JOURNAL_SUFFIX}`);
  if (existsSync(journal)) replayJournal(conversation, text, readFileSync(journal, 'utf8'));
  return conversation;
}

/** Waits (polling) until check() holds; throws with `what` after timeoutMs. */
export async function eventually(
  check: () => boolean,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
