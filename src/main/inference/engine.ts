// Hearth's inference engine on node-llama-cpp: one model, one context, one answer
// at a time, prompts from every client through one fair queue. This front is
// what callers use; engineParts.ts builds and connects the parts, one job each:
//   modelLoader.ts      loads the model and reports its status
//   answerQueue.ts      the queue, holds while cooling, queue positions
//   sessionSlots.ts     chat sessions bound to conversations, least recently used
//   kvCacheTrim.ts      makes room in the context for each prompt
//   throttleBinding.ts  thread cap and token pacing from the thermal throttle
//   answerRun.ts        runs one answer and counts its statistics
import type { ModelStatus } from '../../shared/api';
import type { Subscription } from '../../shared/emitter';
import { ApiFailure } from '../contracts/failure';
import type { InferenceLoad } from '../contracts/throttle';
import type { GenerationJob, GenerationResult } from './answerQueue';
import type { EngineOptions } from './engineConfig';
import { buildEngineParts, type EngineParts } from './engineParts';
import type { LoadedModel } from './modelLoader';
import type { ChatTurn } from './chatHistory';
import type { SessionSlot } from './sessionSlots';

export type { GenerationJob, GenerationResult } from './answerQueue';
export type { PromptEvaluation } from './kvCacheTrim';
export type { ChatTurn } from './chatHistory';
export type { EngineConfig, EngineOptions } from './engineConfig';

/** Key of the engine's one door to its live parts, for test and benchmark diagnostics only. */
export const engineInternals = Symbol('InferenceEngine internals');

export interface EngineInternals {
  loaded: LoadedModel | undefined;
  slots: readonly SessionSlot[];
}

export class InferenceEngine implements AsyncDisposable {
  readonly #baseThreads: number;
  readonly #parts: EngineParts;
  readonly #stateCache: EngineOptions['stateCache'];
  #started: Promise<ModelStatus> | undefined;
  /** The latest load: the first one, or the last switch. */
  #settled: Promise<ModelStatus> | undefined;
  #disposing: Promise<void> | undefined;

  constructor(options: EngineOptions) {
    this.#baseThreads = options.baseThreads;
    this.#stateCache = options.stateCache;
    this.#parts = buildEngineParts({
      ...options,
      isOpen: () => !this.#disposing,
      onLoadChange: () => options.activity?.report(this.load()),
    });
  }

  status(): ModelStatus {
    return this.#parts.loader.status();
  }

  onStatus(listener: (status: ModelStatus) => void): Subscription {
    return this.#parts.loader.onStatus(listener);
  }

  /** Loads the model (once); resolves with the settled status, never rejects. */
  start(): Promise<ModelStatus> {
    this.#started ??= this.#parts.loader.start().then((status) => this.#afterLoad(status));
    this.#settled ??= this.#started;
    return this.#started;
  }

  /** Resolves with the status once the latest load (the first, or a switch) has settled. */
  whenSettled(): Promise<ModelStatus> {
    return this.#settled ?? this.start();
  }

  /**
   * Answers with the model file at path from now on. The running answer is
   * interrupted (its text kept), queued prompts wait and then run on the new
   * model; resolves with the settled status, never rejects.
   */
  switchModel(path: string): Promise<ModelStatus> {
    if (this.#disposing) {
      return Promise.resolve({ state: 'error', error: 'Hearth is shutting down' });
    }
    const switched = this.#parts.loader.switchTo(path).then((status) => this.#afterLoad(status));
    // Switched before it was started: starting now must not load the configured model too.
    this.#started ??= switched;
    this.#settled = switched;
    return switched;
  }

  /** The model file loaded or being loaded, once located. */
  get modelPath(): string | undefined {
    return this.#parts.loader.modelPath;
  }

  /** Each conversation's next prompt runs under this system prompt. */
  setSystemPrompt(systemPrompt: string): void {
    this.#parts.slots.setSystemPrompt(systemPrompt);
  }

  #afterLoad(status: ModelStatus): ModelStatus {
    const { answers } = this.#parts;
    if (status.state !== 'ready') answers.failAll(status.error ?? 'No model is loaded');
    answers.update();
    return status;
  }

  /** What the engine is doing, for the simulated board's heat model. */
  load(): InferenceLoad {
    const threads = this.#parts.loader.loaded ? this.#parts.throttle.threads() : 0;
    return { busy: this.#parts.answers.running !== undefined, threads };
  }

  /** Threads inference uses when not capped. */
  get threads(): number {
    return this.#baseThreads;
  }

  get queuedCount(): number {
    return this.#parts.answers.size;
  }

  get activeCount(): number {
    return this.#parts.answers.running ? 1 : 0;
  }

  /** Throws ApiFailure('model_unavailable') unless prompts are taken (while loading they wait). */
  assertReady(): void {
    if (this.#disposing) throw new ApiFailure('model_unavailable', 'Hearth is shutting down');
    const status = this.#parts.loader.status();
    if (status.state === 'error' || status.state === 'none') {
      throw new ApiFailure('model_unavailable', status.error ?? 'No model is loaded');
    }
  }

  /** Queues a prompt; resolves when its answer ends (never rejects). Throws as assertReady(). */
  generate(job: GenerationJob): Promise<GenerationResult> {
    this.assertReady();
    return this.#parts.answers.push(job);
  }

  /** Stops the answer for messageId: aborts it while running, drops it while queued. */
  stop(messageId: string): boolean {
    return this.#parts.answers.stop(messageId);
  }

  /**
   * Loads the conversation's saved state into a free session slot in the
   * background, so its next prompt evaluates only the new turn; resolves with
   * whether it did (never rejects). For the most recent conversation at start.
   */
  async preload(conversationId: string, turns: () => ChatTurn[]): Promise<boolean> {
    const status = await this.whenSettled();
    if (status.state !== 'ready' || this.#disposing) return false;
    return this.#parts.slots.preload(conversationId, turns).catch(() => false);
  }

  /** Disk kept for conversations' saved states: less removes the least recently used; 0, all. */
  setConversationMemory(bytes: number): Promise<void> {
    return this.#stateCache?.setBudget(bytes) ?? Promise.resolve();
  }

  /** Bytes the conversations' saved states take now. */
  conversationMemoryUsed(): number {
    return this.#stateCache?.totalBytes ?? 0;
  }

  /** A deleted conversation: free its session slot (its answer was stopped by whoever booked it). */
  forgetConversation(conversationId: string): void {
    this.#parts.slots.forget(conversationId);
  }

  /**
   * Interrupts every answer, queued and running (their text is kept); resolves
   * when the running one has ended. The model stays loaded: shutting down, the
   * API service calls this and the composition root disposes the engine after.
   */
  interruptAll(): Promise<void> {
    return this.#parts.answers.dispose();
  }

  /** Interrupts every answer, stops loading, and frees the model; idempotent. */
  dispose(): Promise<void> {
    this.#disposing ??= this.#parts.owned.dispose();
    return this.#disposing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  /** The loaded model and the sessions; read only by src/testing/engineDiagnostics.ts. */
  [engineInternals](): EngineInternals {
    return { loaded: this.#parts.loader.loaded, slots: this.#parts.slots.list() };
  }
}
