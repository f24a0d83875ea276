// Loads the one model Hearth answers with and says how that is going. It finds
// the file (a path, the models folder or a download), rejects an obviously wrong
// file before llama.cpp sees it, loads it into one context, and reports each step
// as a ModelStatus. llama.cpp tells why a load failed only in its log, so the
// loader reads the reason out of the log for the error the user sees.
import {
  getLlama,
  LlamaLogLevel,
  type CustomBatchingDispatchSchedule,
  type Llama,
  type LlamaChatSessionOptions,
  type LlamaContext,
  type LlamaModel,
} from 'node-llama-cpp';
import { basename } from 'node:path';
import type { ModelStatus } from '../../shared/api';
import { Emitter, type Subscription } from '../../shared/emitter';
import type { Logger } from '../base/log';
import { chatSessionOptions } from './chatSettings';
import type { EngineConfig } from './engineConfig';
import { locateModel } from './locateModel';
import { checkModelFile, checkModelHeader } from './modelFile';

/** A model ready to answer: its context, and how to open chat sessions on it. */
export interface LoadedModel {
  llama: Llama;
  model: LlamaModel;
  context: LlamaContext;
  sessionOptions: Omit<LlamaChatSessionOptions, 'contextSequence'>;
}

export interface ModelLoaderOptions {
  config: EngineConfig;
  logger: Logger;
  threads: number;
  /** Sequences the context holds (one per chat session). */
  sequences: number;
  /** Asked before each batch llama.cpp decodes; the throttle paces tokens with it. */
  dispatchSchedule: CustomBatchingDispatchSchedule;
  /** Runs once the context exists, before the model is announced ready. */
  onLoaded(loaded: LoadedModel): void;
}

const SHUTTING_DOWN = 'Hearth is shutting down';

export class ModelLoader implements AsyncDisposable {
  readonly #options: ModelLoaderOptions;
  readonly #logger: Logger;
  readonly #statusChanged: Emitter<ModelStatus>;
  readonly #stopLoading = new AbortController();
  #status: ModelStatus = { state: 'loading', progress: 0 };
  #loading: Promise<ModelStatus> | undefined;
  #llama: Llama | undefined;
  #model: LlamaModel | undefined;
  #loaded: LoadedModel | undefined;
  #disposing: Promise<void> | undefined;
  /** The last "error loading model" line llama.cpp logged. */
  #nativeLoadError: string | undefined;

  constructor(options: ModelLoaderOptions) {
    this.#options = options;
    this.#logger = options.logger;
    this.#statusChanged = new Emitter((error) =>
      this.#logger.error('model_status_listener_failed', { error: String(error) }),
    );
  }

  status(): ModelStatus {
    return { ...this.#status };
  }

  onStatus(listener: (status: ModelStatus) => void): Subscription {
    return this.#statusChanged.subscribe(listener);
  }

  /** The model once it is ready to answer. */
  get loaded(): LoadedModel | undefined {
    return this.#loaded;
  }

  /** Loads the model (once); resolves with the settled status, never rejects. */
  start(): Promise<ModelStatus> {
    this.#loading ??= this.#load().catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      this.#logger.error('model_load_failed', { error: message });
      return this.#settle({ state: 'error', error: `Model failed to load: ${message}` });
    });
    return this.#loading;
  }

  /** Cancels a load in progress; resolves once it has settled. */
  async stop(): Promise<void> {
    this.#stopLoading.abort(new Error(SHUTTING_DOWN));
    await this.#loading;
  }

  /** Stops loading, then frees the context, the model and llama.cpp, and ends status listeners. */
  dispose(): Promise<void> {
    this.#disposing ??= (async () => {
      await this.stop();
      const context = this.#loaded?.context;
      this.#loaded = undefined;
      await context?.dispose();
      await this.#model?.dispose();
      await this.#llama?.dispose();
      this.#model = undefined;
      this.#llama = undefined;
      this.#statusChanged.dispose();
    })();
    return this.#disposing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  async #load(): Promise<ModelStatus> {
    const { config, threads } = this.#options;
    const signal = this.#stopLoading.signal;
    this.#setStatus({ state: 'loading', progress: 0 });
    const location = await locateModel(config.model, config.dataDir, {
      signal,
      onProgress: (fraction) => this.#progress(fraction),
    });
    if (location.kind === 'none') {
      this.#logger.warn('model_none', { message: location.message });
      return this.#settle({ state: 'none', error: location.message });
    }
    if (location.kind === 'error') {
      this.#logger.error('model_unavailable', { model: config.model, error: location.message });
      return this.#settle({ state: 'error', error: location.message });
    }
    const path = location.path;
    if (signal.aborted) return this.#settle({ state: 'error', error: SHUTTING_DOWN });
    const header = await checkModelHeader(path);
    if ('problem' in header) return this.#invalid(path, header.problem);

    const llama = await getLlama({
      gpu: false,
      maxThreads: threads,
      logLevel: LlamaLogLevel.warn,
      logger: (level, message) => this.#llamaLog(level, message),
    });
    this.#llama = llama;
    const check = await checkModelFile(path, llama);
    if (!check.ok) return this.#invalid(path, check.problem);
    const name = String(check.info.metadata.general?.name ?? '') || basename(path);
    this.#logger.info('model_loading', { path, name, threads });
    this.#nativeLoadError = undefined;
    try {
      this.#model = await llama.loadModel({
        modelPath: path,
        gpuLayers: 0,
        loadSignal: signal,
        onLoadProgress: (fraction) => this.#progress(fraction, name),
      });
    } catch (error) {
      const why = [(error as Error).message, this.#nativeLoadError].filter(Boolean).join(': ');
      return this.#invalid(path, `Model failed to load: ${path} (${why})`);
    }
    const model = this.#model;
    if (signal.aborted) return this.#settle({ state: 'error', error: SHUTTING_DOWN });

    // Created with the full thread count: a context's threads are clamped to
    // llama.maxThreads when it is created, so a cap is applied only afterwards.
    const context = await model.createContext({
      contextSize: config.contextSize,
      sequences: this.#options.sequences,
      threads,
      batching: { dispatchSchedule: this.#options.dispatchSchedule },
    });
    const sessionOptions = chatSessionOptions(model, config);
    this.#loaded = { llama, model, context, sessionOptions };
    this.#options.onLoaded(this.#loaded);
    const wrapper = sessionOptions.chatWrapper;
    this.#logger.info('model_ready', {
      path,
      name,
      threads,
      contextSize: context.contextSize,
      chatWrapper: typeof wrapper === 'object' ? wrapper.wrapperName : wrapper,
    });
    return this.#settle({ state: 'ready', name, threads });
  }

  #invalid(path: string, problem: string): ModelStatus {
    this.#logger.error('model_invalid', { path, error: problem });
    return this.#settle({ state: 'error', error: problem });
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

  #settle(status: ModelStatus): ModelStatus {
    this.#setStatus(status);
    return this.status();
  }

  #setStatus(status: ModelStatus): void {
    this.#status = status;
    this.#statusChanged.fire(this.status());
  }
}
