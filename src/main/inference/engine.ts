// Hearth's inference engine on node-llama-cpp: one model, one context, one
// generation at a time, prompts from every client through one fair queue.
//
// The context has two sequences, each holding one LlamaChatSession bound to a
// conversation. A follow-up prompt in a bound conversation only evaluates the new
// turn (the session keeps its evaluated tokens); switching to an unbound
// conversation rebinds the least recently used session with setChatHistory, and
// node-llama-cpp reuses whatever token prefix still matches (the system prompt).
// Before each prompt the engine makes room for it and its answer by dropping the
// oldest exchanges from what the model sees, erasing their tokens from the KV cache
// so that nothing is evaluated again (see contextTrim.ts).
import {
  getLlama,
  LlamaChatSession,
  LlamaLogLevel,
  type Llama,
  type LlamaContext,
  type LlamaModel,
} from 'node-llama-cpp';
import { basename } from 'node:path';
import type { AnswerStats, ModelStatus } from '../../shared/api';
import { ApiFailure } from '../contracts/failure';
import type { HearthConfig } from '../config/config';
import type { Logger } from '../base/log';
import { toChatHistory, type ChatTurn } from './chatHistory';
import { chatSessionOptions, promptOptions } from './chatSettings';
import { answerReserve, removedRange, trimToFit } from './contextTrim';
import { FairQueue } from './fairQueue';
import { locateModel } from './locateModel';
import { checkModelFile, checkModelHeader } from './modelFile';
import { createPacedDispatch, type PacedDispatch } from './pacedDispatch';
import { inferenceThreads, physicalCoreCount } from './physicalCores';
import { noThrottle, type InferenceLoad, type InferenceThrottle } from '../contracts/throttle';

export type { ChatTurn } from './chatHistory';

export type EngineConfig = Pick<
  HearthConfig,
  | 'model'
  | 'dataDir'
  | 'threads'
  | 'contextSize'
  | 'maxTokens'
  | 'temperature'
  | 'seed'
  | 'systemPrompt'
>;

export interface EngineOptions {
  config: EngineConfig;
  logger: Logger;
  throttle?: InferenceThrottle;
  /** Physical core count; detected from /proc/cpuinfo when omitted. */
  physicalCores?: number;
}

/** One prompt to answer. */
export interface GenerationJob {
  clientId: string;
  conversationId: string;
  /** Id of the assistant message being answered (what stop() takes). */
  messageId: string;
  prompt: string;
  /** Earlier turns of the conversation, asked for only when a session must be rebound to it. */
  history(): ChatTurn[];
  /** Position = answers ahead of this one (the running one included); reason set while held. */
  onQueue?(position: number, reason: string | undefined): void;
  onStart?(): void;
  onText?(text: string): void;
}

export interface GenerationResult {
  status: 'complete' | 'stopped' | 'interrupted' | 'error';
  text: string;
  stats?: AnswerStats;
  error?: string;
  slowedByCooling: boolean;
}

interface Entry {
  job: GenerationJob;
  resolve(result: GenerationResult): void;
  abort?: AbortController;
  endReason?: 'stopped' | 'interrupted';
  slowed: boolean;
  lastPosition?: number;
  lastReason?: string;
}

/** What a session's last prompt cost before its first token, for tests and benchmarks. */
export interface PromptEvaluation {
  /** Exchanges dropped from what the model sees to make room for the prompt (0: it fitted). */
  droppedExchanges: number;
  /** Tokens of those exchanges erased from the KV cache, the cells after them shifted down. */
  erasedTokens: number;
  /** Tokens evaluated from the prompt's start to its first generated token (KV shifts excluded). */
  evaluatedBeforeFirstToken: number | undefined;
}

interface Slot {
  session: LlamaChatSession;
  conversationId: string | undefined;
  lastUsed: number;
  lastPrompt?: PromptEvaluation;
}

/** Sessions kept bound to conversations at once (sequences in the context). */
const SESSION_SLOTS = 2;

export class InferenceEngine {
  readonly #config: EngineConfig;
  readonly #logger: Logger;
  readonly #throttle: InferenceThrottle;
  readonly #baseThreads: number;
  readonly #queue = new FairQueue<Entry>();
  readonly #statusListeners = new Set<(status: ModelStatus) => void>();
  readonly #stopLoading = new AbortController();
  #status: ModelStatus = { state: 'loading', progress: 0 };
  #loading: Promise<ModelStatus> | undefined;
  #llama: Llama | undefined;
  #model: LlamaModel | undefined;
  #context: LlamaContext | undefined;
  #pacing: PacedDispatch | undefined;
  #slots: Slot[] = [];
  #running: Entry | undefined;
  #runningDone: Promise<void> | undefined;
  #disposed = false;
  #useCounter = 0;
  /** llama.cpp says why a load failed only in its log; keep the last line for the message. */
  #nativeLoadError: string | undefined;
  readonly #unsubscribeThrottle: () => void;

  constructor(options: EngineOptions) {
    this.#config = options.config;
    this.#logger = options.logger;
    this.#throttle = options.throttle ?? noThrottle;
    this.#baseThreads = inferenceThreads(
      options.config.threads,
      options.physicalCores ?? physicalCoreCount(),
    );
    this.#unsubscribeThrottle = this.#throttle.onChange(() => this.#onThrottleChange());
  }

  status(): ModelStatus {
    return { ...this.#status };
  }

  onStatus(listener: (status: ModelStatus) => void): () => void {
    this.#statusListeners.add(listener);
    return () => this.#statusListeners.delete(listener);
  }

  /** Loads the model (once); resolves with the settled status, never rejects. */
  start(): Promise<ModelStatus> {
    this.#loading ??= this.#load().catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      this.#logger.error('model_load_failed', { error: message });
      return this.#fail(`Model failed to load: ${message}`);
    });
    return this.#loading;
  }

  whenSettled(): Promise<ModelStatus> {
    return this.start();
  }

  /** What the engine is doing, for the simulated board's heat model. */
  load(): InferenceLoad {
    return { busy: this.#running !== undefined, threads: this.#effectiveThreads() };
  }

  /** Threads inference uses when not capped: HEARTH_THREADS, else the physical cores. */
  get threads(): number {
    return this.#baseThreads;
  }

  get queuedCount(): number {
    return this.#queue.size;
  }

  get activeCount(): number {
    return this.#running ? 1 : 0;
  }

  /** Numbers tests and benchmarks check: threads in force and what each session holds. */
  diagnostics(): {
    maxThreads: number | undefined;
    contextThreads: number | undefined;
    contextSize: number | undefined;
    sessions: {
      conversationId: string | undefined;
      nextTokenIndex: number;
      inputTokens: number;
      lastPrompt: PromptEvaluation | undefined;
    }[];
  } {
    return {
      maxThreads: this.#llama?.maxThreads,
      contextThreads: this.#context?.currentThreads,
      contextSize: this.#context?.contextSize,
      sessions: this.#slots.map((slot) => ({
        conversationId: slot.conversationId,
        nextTokenIndex: slot.session.sequence.nextTokenIndex,
        inputTokens: slot.session.sequence.tokenMeter.usedInputTokens,
        lastPrompt: slot.lastPrompt ? { ...slot.lastPrompt } : undefined,
      })),
    };
  }

  /**
   * Queues a prompt; resolves when its answer ends (never rejects). Throws
   * ApiFailure('model_unavailable') at once when there is no usable model.
   */
  generate(job: GenerationJob): Promise<GenerationResult> {
    if (this.#disposed) throw new ApiFailure('model_unavailable', 'Hearth is shutting down');
    if (this.#status.state === 'error' || this.#status.state === 'none') {
      throw new ApiFailure('model_unavailable', this.#status.error ?? 'No model is loaded');
    }
    return new Promise<GenerationResult>((resolve) => {
      this.#queue.push(job.clientId, { job, resolve, slowed: false });
      this.#pump();
      this.#notifyQueue();
    });
  }

  /** Stops the answer for messageId: aborts it while running, drops it while queued. */
  stop(messageId: string): boolean {
    if (this.#running?.job.messageId === messageId) {
      this.#running.endReason ??= 'stopped';
      this.#running.abort?.abort();
      return true;
    }
    const entry = this.#queue.remove((e) => e.job.messageId === messageId);
    if (!entry) return false;
    entry.resolve({ status: 'stopped', text: '', slowedByCooling: entry.slowed });
    this.#notifyQueue();
    return true;
  }

  /** A deleted conversation: stop its answers and free its session. */
  forgetConversation(conversationId: string): void {
    for (const entry of this.#queue.ordered()) {
      if (entry.job.conversationId === conversationId) this.stop(entry.job.messageId);
    }
    if (this.#running?.job.conversationId === conversationId) {
      this.stop(this.#running.job.messageId);
    }
    for (const slot of this.#slots) {
      if (slot.conversationId === conversationId) slot.conversationId = undefined;
    }
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#unsubscribeThrottle();
    this.#stopLoading.abort(new Error('Hearth is shutting down'));
    for (const entry of this.#queue.drain()) {
      entry.resolve({ status: 'interrupted', text: '', slowedByCooling: entry.slowed });
    }
    if (this.#running) {
      this.#running.endReason = 'interrupted';
      this.#running.abort?.abort();
    }
    this.#pacing?.flush();
    await this.#loading;
    await this.#runningDone;
    for (const slot of this.#slots) slot.session.dispose({ disposeSequence: true });
    this.#slots = [];
    await this.#context?.dispose();
    await this.#model?.dispose();
    await this.#llama?.dispose();
    this.#context = undefined;
    this.#model = undefined;
    this.#llama = undefined;
    this.#statusListeners.clear();
  }

  // ---- loading ----

  async #load(): Promise<ModelStatus> {
    const config = this.#config;
    this.#setStatus({ state: 'loading', progress: 0 });
    const location = await locateModel(config.model, config.dataDir, {
      signal: this.#stopLoading.signal,
      onProgress: (fraction) => this.#progress(fraction),
    });
    if (location.kind === 'none') {
      this.#logger.warn('model_none', { message: location.message });
      return this.#settle({ state: 'none', error: location.message });
    }
    if (location.kind === 'error') {
      this.#logger.error('model_unavailable', { model: config.model, error: location.message });
      return this.#fail(location.message);
    }
    const path = location.path;
    if (this.#disposed) return this.#fail('Hearth is shutting down');
    // Fail on an obviously wrong file before loading llama.cpp at all.
    const header = await checkModelHeader(path);
    if ('problem' in header) {
      this.#logger.error('model_invalid', { path, error: header.problem });
      return this.#fail(header.problem);
    }

    const llama = await getLlama({
      gpu: false,
      maxThreads: this.#baseThreads,
      logLevel: LlamaLogLevel.warn,
      logger: (level, message) => this.#llamaLog(level, message),
    });
    this.#llama = llama;
    const check = await checkModelFile(path, llama);
    if (!check.ok) {
      this.#logger.error('model_invalid', { path, error: check.problem });
      return this.#fail(check.problem);
    }
    const name = String(check.info.metadata.general?.name ?? '') || basename(path);
    this.#logger.info('model_loading', { path, name, threads: this.#baseThreads });
    let model: LlamaModel;
    this.#nativeLoadError = undefined;
    try {
      model = await llama.loadModel({
        modelPath: path,
        gpuLayers: 0,
        loadSignal: this.#stopLoading.signal,
        onLoadProgress: (fraction) => this.#progress(fraction, name),
      });
    } catch (error) {
      const why = [(error as Error).message, this.#nativeLoadError].filter(Boolean).join(': ');
      const problem = `Model failed to load: ${path} (${why})`;
      this.#logger.error('model_invalid', { path, error: problem });
      return this.#fail(problem);
    }
    this.#model = model;
    if (this.#disposed) return this.#fail('Hearth is shutting down');

    this.#pacing = createPacedDispatch(
      () => this.#throttle.tokenDelayMs(),
      () => {
        if (this.#running) this.#running.slowed = true;
      },
    );
    // Created with the full thread count: a context's threads are clamped to
    // llama.maxThreads when it is created, so the cap is applied only afterwards.
    this.#context = await model.createContext({
      contextSize: config.contextSize,
      sequences: SESSION_SLOTS,
      threads: this.#baseThreads,
      batching: { dispatchSchedule: this.#pacing.schedule },
    });
    const sessionOptions = chatSessionOptions(model, config);
    for (let i = 0; i < SESSION_SLOTS; i++) {
      this.#slots.push({
        session: new LlamaChatSession({
          ...sessionOptions,
          contextSequence: this.#context.getSequence(),
        }),
        conversationId: undefined,
        lastUsed: 0,
      });
    }
    this.#applyThreadCap();
    const wrapper = sessionOptions.chatWrapper;
    this.#logger.info('model_ready', {
      path,
      name,
      threads: this.#baseThreads,
      contextSize: this.#context.contextSize,
      chatWrapper: typeof wrapper === 'object' ? wrapper.wrapperName : wrapper,
    });
    const ready = this.#settle({ state: 'ready', name, threads: this.#baseThreads });
    this.#pump();
    return ready;
  }

  #progress(fraction: number, name?: string): void {
    const progress = Math.max(0, Math.min(1, fraction));
    // Report in steps of 5 %: a UI needs no more, and load progress fires often.
    const last = this.#status.progress ?? 0;
    if (progress !== 1 && Math.abs(progress - last) < 0.05 && this.#status.name === name) return;
    this.#setStatus({ state: 'loading', progress, ...(name ? { name } : {}) });
  }

  #llamaLog(level: LlamaLogLevel, message: string): void {
    const text = message.trim();
    if (text === '') return;
    if (level === LlamaLogLevel.error || level === LlamaLogLevel.fatal) {
      const reason = /error loading model:\s*(.*)$/.exec(text)?.[1];
      if (reason) this.#nativeLoadError = reason;
      this.#logger.error('llama_cpp', { message: text });
    } else if (level === LlamaLogLevel.warn) this.#logger.warn('llama_cpp', { message: text });
    else this.#logger.debug('llama_cpp', { message: text });
  }

  #fail(message: string): ModelStatus {
    const status = this.#settle({ state: 'error', error: message });
    for (const entry of this.#queue.drain()) {
      entry.resolve({ status: 'error', text: '', error: message, slowedByCooling: entry.slowed });
    }
    return status;
  }

  #settle(status: ModelStatus): ModelStatus {
    this.#setStatus(status);
    return this.status();
  }

  #setStatus(status: ModelStatus): void {
    this.#status = status;
    for (const listener of this.#statusListeners) {
      try {
        listener(this.status());
      } catch (error) {
        this.#logger.error('model_status_listener_failed', { error: String(error) });
      }
    }
  }

  // ---- throttling ----

  #effectiveThreads(): number {
    if (!this.#context) return 0;
    const cap = this.#throttle.threadCap();
    return cap === undefined ? this.#baseThreads : Math.max(1, Math.min(this.#baseThreads, cap));
  }

  #applyThreadCap(): void {
    if (!this.#llama || this.#disposed) return;
    const threads = this.#effectiveThreads();
    if (this.#llama.maxThreads !== threads) {
      // Takes effect at the next batch node-llama-cpp decodes.
      this.#llama.maxThreads = threads;
      this.#logger.info('inference_threads', { threads, base: this.#baseThreads });
    }
    if (this.#running && threads < this.#baseThreads) this.#running.slowed = true;
  }

  #onThrottleChange(): void {
    this.#applyThreadCap();
    this.#pump();
    this.#notifyQueue();
  }

  // ---- the queue ----

  #pump(): void {
    if (this.#running || this.#disposed || this.#status.state !== 'ready') return;
    if (this.#queue.size === 0) return;
    if (this.#throttle.holdReason() !== null) {
      for (const entry of this.#queue.ordered()) entry.slowed = true;
      return;
    }
    const entry = this.#queue.shift();
    if (!entry) return;
    this.#running = entry;
    this.#runningDone = this.#run(entry).finally(() => {
      this.#running = undefined;
      this.#pump();
      this.#notifyQueue();
    });
  }

  #notifyQueue(): void {
    const reason = this.#throttle.holdReason() ?? undefined;
    const ahead = this.#running ? 1 : 0;
    this.#queue.ordered().forEach((entry, index) => {
      const position = ahead + index;
      if (entry.lastPosition === position && entry.lastReason === reason) return;
      entry.lastPosition = position;
      entry.lastReason = reason;
      try {
        entry.job.onQueue?.(position, reason);
      } catch (error) {
        this.#logger.error('queue_listener_failed', { error: String(error) });
      }
    });
  }

  #slotFor(job: GenerationJob): Slot {
    const bound = this.#slots.find((slot) => slot.conversationId === job.conversationId);
    const slot =
      bound ?? [...this.#slots].sort((a, b) => a.lastUsed - b.lastUsed)[0] ?? this.#noSlot();
    if (!bound) {
      slot.session.setChatHistory(toChatHistory(this.#config.systemPrompt, job.history()));
      slot.conversationId = job.conversationId;
    }
    slot.lastUsed = ++this.#useCounter;
    return slot;
  }

  #noSlot(): never {
    throw new Error('the model has no chat session');
  }

  /**
   * Makes room in the slot's session for the prompt and a reserve for its answer by
   * dropping the oldest exchanges from what the model sees (the stored conversation
   * keeps them). Their tokens are erased from the KV cache and the later cells
   * shifted down, so LlamaChat finds the rest as a common prefix and evaluates only
   * the new turn, instead of erasing from the first dropped token and evaluating
   * the whole window again, as its own context shift does.
   */
  async #fitContext(
    slot: Slot,
    prompt: string,
  ): Promise<Omit<PromptEvaluation, 'evaluatedBeforeFirstToken'>> {
    const model = this.#model;
    const context = this.#context;
    const untouched = { droppedExchanges: 0, erasedTokens: 0 };
    if (!model || !context) return untouched;
    const { session } = slot;
    const { sequence } = session;
    // What the model saw last (LlamaChat may have compressed it), else the new history.
    const window = session.getLastEvaluationContextWindow() ?? session.getChatHistory();
    const reserve = answerReserve(context.contextSize, this.#config.maxTokens);
    // LlamaChat keeps its window when tokens + 1 < contextSize; the answer needs `reserve` more.
    const limit = context.contextSize - reserve - 1;
    const trim = trimToFit(window, prompt, limit, (chatHistory) =>
      session.chatWrapper
        .generateContextState({ chatHistory })
        .contextText.tokenize(model.tokenizer),
    );
    if (!trim || trim.dropped === 0) return untouched;
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
    this.#logger.debug('context_trimmed', {
      droppedExchanges: trim.dropped,
      tokens: trim.tokens.length,
      erasedTokens,
      keptTokens: sequence.nextTokenIndex,
      reserve,
    });
    return { droppedExchanges: trim.dropped, erasedTokens };
  }

  async #run(entry: Entry): Promise<void> {
    const { job } = entry;
    const abort = new AbortController();
    entry.abort = abort;
    if (this.#effectiveThreads() < this.#baseThreads) entry.slowed = true;
    const started = performance.now();
    let firstTokenAt: number | undefined;
    let tokens = 0;
    let streamed = '';
    let slot: Slot | undefined;
    const stats = (): AnswerStats => {
      const seconds = (performance.now() - started) / 1000;
      return {
        tokens,
        tokensPerSecond: seconds > 0 ? tokens / seconds : 0,
        timeToFirstTokenMs: firstTokenAt === undefined ? 0 : firstTokenAt - started,
      };
    };
    try {
      slot = this.#slotFor(job);
      job.onStart?.();
      const trimmed = await this.#fitContext(slot, job.prompt);
      const meter = slot.session.sequence.tokenMeter;
      const inputBefore = meter.usedInputTokens;
      const evaluation: PromptEvaluation = { ...trimmed, evaluatedBeforeFirstToken: undefined };
      slot.lastPrompt = evaluation;
      const result = await slot.session.promptWithMeta(job.prompt, {
        ...promptOptions(this.#config),
        signal: abort.signal,
        stopOnAbortSignal: true,
        onToken: (chunk) => {
          tokens += chunk.length;
          firstTokenAt ??= performance.now();
          evaluation.evaluatedBeforeFirstToken ??= meter.usedInputTokens - inputBefore;
        },
        onTextChunk: (text) => {
          streamed += text;
          job.onText?.(text);
        },
      });
      const status = abort.signal.aborted ? (entry.endReason ?? 'stopped') : 'complete';
      entry.resolve({
        status,
        text: result.responseText,
        stats: stats(),
        slowedByCooling: entry.slowed,
      });
    } catch (error) {
      if (abort.signal.aborted) {
        entry.resolve({
          status: entry.endReason ?? 'stopped',
          text: streamed,
          stats: stats(),
          slowedByCooling: entry.slowed,
        });
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      this.#logger.error('generation_failed', {
        conversationId: job.conversationId,
        messageId: job.messageId,
        error: message,
      });
      // The session may hold a half-evaluated turn: rebuild it from the store next time.
      if (slot) slot.conversationId = undefined;
      entry.resolve({
        status: 'error',
        text: streamed,
        stats: stats(),
        error: message,
        slowedByCooling: entry.slowed,
      });
    }
  }
}

/**
 * Whether erasing tokens from the middle of a sequence shifts the later KV cells
 * (the same test as LlamaContextSequence.adaptStateToTokens): recurrent models have
 * no per-token cells and deepseek2 cannot shift. When it fails anyway (a sliding
 * window cache that no longer holds the start), node-llama-cpp evaluates again.
 */
function canShiftKvCache(model: LlamaModel): boolean {
  return (
    !model.fileInsights.isRecurrent &&
    String(model.fileInfo.metadata.general?.architecture) !== 'deepseek2'
  );
}
