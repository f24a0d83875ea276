// Makes room in a session for the next prompt and its answer. The pure part
// (what to drop, which tokens that removes) is contextTrim.ts; this file does
// the I/O on the session and its sequence's KV cache.
import type { LlamaChatSession, LlamaContext, LlamaModel } from 'node-llama-cpp';
import type { Logger } from '../base/log';
import { answerReserve, removedRange, trimToFit } from './contextTrim';

export interface TrimOutcome {
  /** Exchanges dropped from what the model sees to make room for the prompt (0: it fitted). */
  droppedExchanges: number;
  /** Tokens of those exchanges erased from the KV cache, the cells after them shifted down. */
  erasedTokens: number;
}

/** How a prompt was fitted into the context, and what it cost to evaluate. */
export interface PromptEvaluation extends TrimOutcome {
  /** Tokens evaluated from the prompt's start to its first generated token (KV shifts excluded). */
  evaluatedBeforeFirstToken: number | undefined;
}

export interface TrimTarget {
  model: LlamaModel;
  context: LlamaContext;
  session: LlamaChatSession;
  maxTokens: number;
  logger: Logger;
}

/**
 * Makes room in the session for the prompt and a reserve for its answer by
 * dropping the oldest exchanges from what the model sees (the stored conversation
 * keeps them). Their tokens are erased from the KV cache and the later cells
 * shifted down, so LlamaChat finds the rest as a common prefix and evaluates only
 * the new turn, instead of erasing from the first dropped token and evaluating
 * the whole window again, as its own context shift does.
 */
export async function fitPrompt(target: TrimTarget, prompt: string): Promise<TrimOutcome> {
  const { model, context, session, logger } = target;
  const { sequence } = session;
  // What the model saw last (LlamaChat may have compressed it), else the new history.
  const window = session.getLastEvaluationContextWindow() ?? session.getChatHistory();
  const reserve = answerReserve(context.contextSize, target.maxTokens);
  // LlamaChat keeps its window when tokens + 1 < contextSize; the answer needs `reserve` more.
  const limit = context.contextSize - reserve - 1;
  const trim = trimToFit(window, prompt, limit, (chatHistory) =>
    session.chatWrapper.generateContextState({ chatHistory }).contextText.tokenize(model.tokenizer),
  );
  if (!trim || trim.dropped === 0) return { droppedExchanges: 0, erasedTokens: 0 };
  let erasedTokens = 0;
  const range = removedRange(trim.fullTokens, trim.tokens);
  // Only tokens the sequence holds as evaluated for this very window can be kept: after
  // a rebind it holds another conversation, which must be evaluated afresh anyway.
  const cached = sequence.compareContextTokens(trim.fullTokens).firstDifferentIndex;
  if (range && range.end <= cached && canShiftKvCache(model)) {
    await sequence.eraseContextTokenRanges([range]);
    erasedTokens = range.end - range.start;
  }
  session.setChatHistory(trim.history);
  logger.debug('context_trimmed', {
    droppedExchanges: trim.dropped,
    tokens: trim.tokens.length,
    erasedTokens,
    keptTokens: sequence.nextTokenIndex,
    reserve,
  });
  return { droppedExchanges: trim.dropped, erasedTokens };
}

/**
 * Whether erasing tokens from the middle of a sequence shifts the later KV cells
 * (the same test as LlamaContextSequence.adaptStateToTokens): recurrent models have
 * no per-token cells and deepseek2 cannot shift. When it fails anyway (a sliding
 * window cache that no longer holds the start), node-llama-cpp evaluates again.
 */
export function canShiftKvCache(model: LlamaModel): boolean {
  return (
    !model.fileInsights.isRecurrent &&
    String(model.fileInfo.metadata.general?.architecture) !== 'deepseek2'
  );
}
