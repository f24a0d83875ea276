// What tests and benchmarks read inside a running InferenceEngine: threads in
// force and what each chat session holds. The engine opens one door for this
// (its [engineInternals]() method); the reading lives here, out of the product.
import {
  engineInternals,
  type InferenceEngine,
  type PromptEvaluation,
} from '../main/inference/engine';
import { takeSnapshot, type TrackedTimer } from './leakGuard';

export interface SessionDiagnostics {
  conversationId: string | undefined;
  /** Tokens the session's sequence holds in the KV cache. */
  nextTokenIndex: number;
  /** Tokens the session has evaluated as input, all prompts together. */
  inputTokens: number;
  lastPrompt: PromptEvaluation | undefined;
}

export interface EngineDiagnostics {
  /** llama.maxThreads: the threads the next batch will use. */
  maxThreads: number | undefined;
  /** Threads the context used for its last batch. */
  contextThreads: number | undefined;
  contextSize: number | undefined;
  sessions: SessionDiagnostics[];
}

export function engineDiagnostics(engine: InferenceEngine): EngineDiagnostics {
  const { loaded, slots } = engine[engineInternals]();
  return {
    maxThreads: loaded?.llama.maxThreads,
    contextThreads: loaded?.context.currentThreads,
    contextSize: loaded?.context.contextSize,
    sessions: slots.map((slot) => ({
      conversationId: slot.conversationId,
      nextTokenIndex: slot.session.sequence.nextTokenIndex,
      inputTokens: slot.session.sequence.tokenMeter.usedInputTokens,
      lastPrompt: slot.lastPrompt ? { ...slot.lastPrompt } : undefined,
    })),
  };
}

/**
 * Timers the engine's own code created that have neither fired nor been
 * cleared, as the leak guard tracks them (by where each was created). Unlike a
 * count of the whole process's timers, it ignores work other code started, and
 * unlike the engine's own bookkeeping, it still sees a timer the engine forgot.
 */
export function pendingEngineTimers(): TrackedTimer[] {
  return takeSnapshot().timers.filter((timer) => timer.createdAt.includes('/src/main/inference/'));
}
