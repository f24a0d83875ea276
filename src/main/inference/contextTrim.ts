// Keeps a long conversation inside the context without re-evaluating it.
//
// Left alone, node-llama-cpp handles a full context inside LlamaChat: it drops the
// oldest turns from the history and then aligns the sequence with
// `adaptStateToTokens(tokens, false)`, which erases everything from the first token
// that differs (the first dropped turn) and evaluates the whole remaining window
// again. When that happens before a prompt's first token, the user waits for a
// full window's evaluation (41x the first token time of a new conversation in the
// benchmark).
//
// Instead, before each prompt the engine checks whether the history the model sees,
// plus the new user turn, plus a reserve for the answer, fits in the context. If it
// does not, it drops the oldest user/model exchanges (never a system message) until
// it does, erases exactly the dropped exchanges' tokens from the KV cache, which
// shifts the cells after them down (cheap: no evaluation), and gives the session the
// trimmed history. LlamaChat then finds the kept tokens as a common prefix and only
// evaluates the new turn. The helpers here are pure; the engine does the I/O.
import type { ChatHistoryItem, Token } from 'node-llama-cpp';

/**
 * Tokens kept free for the answer when deciding whether a prompt fits: the answer
 * limit, but at most a quarter of the context, so a large maxTokens in a small
 * context still leaves room for some history. An answer longer than the reserve
 * falls back on node-llama-cpp's own context shift, after its first token.
 */
export function answerReserve(contextSize: number, maxTokens: number): number {
  return Math.max(1, Math.min(maxTokens, Math.floor(contextSize / 4)));
}

/** The history plus the new prompt, the way LlamaChatSession hands it to LlamaChat. */
export function withPrompt(history: readonly ChatHistoryItem[], prompt: string): ChatHistoryItem[] {
  return [...history, { type: 'user', text: prompt }, { type: 'model', response: [] }];
}

/**
 * The history without its `count` oldest exchanges. An exchange is the user
 * message(s) and the model answer that follows them (a leading answer with no
 * question, as a compressed window may start with, is an exchange of its own).
 * System messages are always kept.
 */
export function withoutOldestExchanges(
  history: readonly ChatHistoryItem[],
  count: number,
): ChatHistoryItem[] {
  const kept: ChatHistoryItem[] = [];
  let exchange = 0;
  let answered = false;
  for (const item of history) {
    if (item.type === 'system') {
      kept.push(item);
      continue;
    }
    if (item.type === 'user' && answered) {
      exchange++;
      answered = false;
    }
    if (item.type === 'model') answered = true;
    if (exchange >= count) kept.push(item);
  }
  return kept;
}

/** Number of exchanges in the history (see withoutOldestExchanges). */
export function exchangeCount(history: readonly ChatHistoryItem[]): number {
  let count = 0;
  let answered = true;
  for (const item of history) {
    if (item.type === 'system') continue;
    if (answered && (item.type === 'user' || count === 0)) {
      count++;
      answered = false;
    }
    if (item.type === 'model') answered = true;
  }
  return count;
}

export interface TrimmedWindow {
  /** The history to give the session (without the new prompt). */
  history: ChatHistoryItem[];
  /** Exchanges dropped from the front. */
  dropped: number;
  /** Rendered tokens of the untrimmed history plus the prompt. */
  fullTokens: Token[];
  /** Rendered tokens of the trimmed history plus the prompt. */
  tokens: Token[];
}

/**
 * Drops the fewest oldest exchanges for the history plus the prompt to render to at
 * most `limit` tokens. Returns undefined when it already fits (nothing to do). When
 * even dropping every exchange is not enough it returns that, and node-llama-cpp's
 * own context shift has the last word. Binary search: a long stored conversation
 * being rebound costs a few renders, not one per exchange.
 */
export function trimToFit(
  history: readonly ChatHistoryItem[],
  prompt: string,
  limit: number,
  render: (history: ChatHistoryItem[]) => Token[],
): TrimmedWindow | undefined {
  const fullTokens = render(withPrompt(history, prompt));
  if (fullTokens.length <= limit) return undefined;
  const total = exchangeCount(history);
  let low = 1; // dropping fewer than `low` does not fit
  let high = total; // dropping `high` fits, or nothing more can be dropped
  // Always the tokens of the history without its `high` oldest exchanges.
  let best = render(withPrompt(withoutOldestExchanges(history, high), prompt));
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    const tokens = render(withPrompt(withoutOldestExchanges(history, mid), prompt));
    if (tokens.length <= limit) {
      high = mid;
      best = tokens;
    } else low = mid + 1;
  }
  return {
    history: withoutOldestExchanges(history, high),
    dropped: high,
    fullTokens,
    tokens: best,
  };
}

/**
 * The one token range whose removal turns `full` into `trimmed`, if there is one:
 * `full = trimmed[0, start) + removed + trimmed[start, ...)`. Where several starts
 * work (a dropped exchange begins with the same tokens as the kept one after it),
 * the latest is taken, so the tokens kept are the ones evaluated nearest the start.
 */
export function removedRange(
  full: readonly Token[],
  trimmed: readonly Token[],
): { start: number; end: number } | undefined {
  const removed = full.length - trimmed.length;
  if (removed <= 0) return undefined;
  let prefix = 0;
  while (prefix < trimmed.length && full[prefix] === trimmed[prefix]) prefix++;
  let suffix = 0;
  while (
    suffix < trimmed.length &&
    full[full.length - 1 - suffix] === trimmed[trimmed.length - 1 - suffix]
  ) {
    suffix++;
  }
  if (prefix + suffix < trimmed.length) return undefined;
  return { start: prefix, end: prefix + removed };
}
