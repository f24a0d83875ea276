// Runs one answer: takes the conversation's session, makes room for the prompt,
// streams the answer's text, and ends it with its statistics. A Stop or a
// shutdown aborts it; the text streamed so far is kept.
import type { AnswerStats } from '../../shared/api';
import type { Logger } from '../base/log';
import type { PendingAnswer } from './answerQueue';
import { promptOptions } from './chatSettings';
import type { EngineConfig } from './engineConfig';
import { fitPrompt, type PromptEvaluation } from './kvCacheTrim';
import type { LoadedModel } from './modelLoader';
import type { SessionSlot, SessionSlots } from './sessionSlots';

/** What a session's last prompt cost before its first token, for tests and benchmarks. */
export interface AnswerRunner {
  config: EngineConfig;
  logger: Logger;
  slots: SessionSlots;
  /** The model, once loaded. */
  model(): LoadedModel | undefined;
  /** Whether the throttle holds inference below its base thread count. */
  capped(): boolean;
}

/** Tokens, speed and time to first token of one answer, counted from its start. */
function answerClock(): { count(tokens: number): void; stats(): AnswerStats } {
  const started = performance.now();
  let firstTokenAt: number | undefined;
  let tokens = 0;
  return {
    count(more) {
      tokens += more;
      firstTokenAt ??= performance.now();
    },
    stats() {
      const seconds = (performance.now() - started) / 1000;
      return {
        tokens,
        tokensPerSecond: seconds > 0 ? tokens / seconds : 0,
        timeToFirstTokenMs: firstTokenAt === undefined ? 0 : firstTokenAt - started,
      };
    },
  };
}

/** Generates the answer and finishes it; never rejects. */
export async function runAnswer(answer: PendingAnswer, runner: AnswerRunner): Promise<void> {
  const { job } = answer;
  const { config, logger } = runner;
  const loaded = runner.model();
  if (!loaded) return answer.finish({ status: 'interrupted', text: '' });
  if (runner.capped()) answer.slowed = true;
  const abort = new AbortController();
  answer.abort = abort;
  let slot: SessionSlot | undefined;
  // The slot is told first: the next answer may take it over as soon as this one is finished.
  const finish = (result: Parameters<PendingAnswer['finish']>[0]): void => {
    if (slot) runner.slots.answered(slot);
    answer.finish(result);
  };
  const clock = answerClock();
  let streamed = '';
  try {
    slot = await runner.slots.slotFor(job.conversationId, () => job.history());
    job.onStart?.();
    const { session } = slot;
    const trimmed = await fitPrompt(
      { ...loaded, session, maxTokens: config.maxTokens, logger },
      job.prompt,
    );
    const meter = session.sequence.tokenMeter;
    const inputBefore = meter.usedInputTokens;
    const evaluation: PromptEvaluation = { ...trimmed, evaluatedBeforeFirstToken: undefined };
    slot.lastPrompt = evaluation;
    const result = await session.promptWithMeta(job.prompt, {
      ...promptOptions(config),
      signal: abort.signal,
      stopOnAbortSignal: true,
      onToken: (chunk) => {
        clock.count(chunk.length);
        evaluation.evaluatedBeforeFirstToken ??= meter.usedInputTokens - inputBefore;
      },
      onTextChunk: (text) => {
        streamed += text;
        job.onText?.(text);
      },
    });
    const status = abort.signal.aborted ? (answer.endReason ?? 'stopped') : 'complete';
    finish({ status, text: result.responseText, stats: clock.stats() });
  } catch (error) {
    if (abort.signal.aborted) {
      finish({
        status: answer.endReason ?? 'stopped',
        text: streamed,
        stats: clock.stats(),
      });
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    logger.error('generation_failed', {
      conversationId: job.conversationId,
      messageId: job.messageId,
      error: message,
    });
    // The session may hold a half-evaluated turn: rebuild it from the store next time.
    if (slot) runner.slots.unbind(slot);
    finish({ status: 'error', text: streamed, stats: clock.stats(), error: message });
  }
}
