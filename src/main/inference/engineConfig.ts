// What an inference engine is built with: a slice of Hearth's configuration and
// the collaborators the composition root hands it. HEARTH_THREADS is not in the
// slice: the composition root turns it and the core count into baseThreads.
import type { Logger } from '../base/log';
import type { HearthConfig } from '../config/config';
import type { InferenceActivity, InferenceThrottle } from '../contracts/throttle';
import type { FetchRemoteModel } from './locateModel';
import type { ConversationStateCache } from './stateCache/stateCache';

export type EngineConfig = Pick<
  HearthConfig,
  'model' | 'dataDir' | 'contextSize' | 'maxTokens' | 'temperature' | 'seed' | 'systemPrompt'
>;

export interface EngineOptions {
  config: EngineConfig;
  logger: Logger;
  /** Threads inference uses when not capped: inferenceThreads() from physicalCores.ts. */
  baseThreads: number;
  throttle?: InferenceThrottle;
  /** Told the engine's load whenever it changes (the simulated board heats with it). */
  activity?: InferenceActivity;
  /** Downloads and checks a model configured by address; without it such a model is an error. */
  fetchRemoteModel?: FetchRemoteModel;
  /**
   * Where conversations' evaluated states are kept when they leave their session
   * slot; without it a conversation that lost its slot is evaluated again. The
   * composition root owns it.
   */
  stateCache?: ConversationStateCache;
  /** How long a conversation stays idle in its slot before its state is saved (IDLE_SAVE_MS). */
  stateIdleSaveMs?: number;
}
