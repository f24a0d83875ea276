// Loads the one model Hearth answers with and says how that is going. It finds
// the file (a path, the models folder or a download), rejects an obviously wrong
// file before llama.cpp sees it, loads it into one context, and reports each step
// as a ModelStatus. llama.cpp tells why a load failed only in its log, so the
// loader reads the reason out of the log for the error the user sees. The owner
// can switch to another model file while Hearth runs: the old context and model
// are freed first (a Pi has no room for two), llama.cpp itself is kept.
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
import { locateModel, type FetchRemoteModel } from './locateModel';
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
  /** Runs before a switch frees the loaded model: whatever uses it must let go. */
  onUnloading?(): Promise<void>;
  /** Brings a model configured by address into the models folder (see locateModel). */
  fetchRemoteModel?: FetchRemoteModel;
}

const SHUTTING_DOWN = 'Hearth is shutting down';
const SWITCHING = 'switching to another model';

export class ModelLoader implements AsyncDisposable {
  readonly #options: ModelLoaderOptions;
  readonly #logger: Logger;
  readonly #statusChanged: Emitter<ModelStatus>;
  /** Aborts the load in progress; a new one per load. */
  #stopLoading = new AbortController();
  #stopped = false;
  /** HEARTH_MODEL at first, then the file the owner switched to. */
  #modelSetting: string | undefined;
  /** The file being loaded or loaded, once located. */
  #modelPath: string | undefined;
  #switches: Promise<unknown> = Promise.resolve();
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
    this.#modelSetting = options.config.model;
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

  /** The model file being loaded or loaded, once it has been located. */
  get modelPath(): string | undefined {
    return this.#modelPath;
  }

  /** Loads the model (once); resolves with the settled status, never rejects. */
  start(): Promise<ModelStatus> {
    this.#loading ??= this.#run(this.#stopLoading.signal);
    return this.#loading;
  }

  /**
   * Frees the current model (after onUnloading) and loads the file at path
   * instead; resolves with the settled status, never rejects. Switches run one
   * after another; a load still in progress is abandoned.
   */
  switchTo(path: string): Promise<ModelStatus> {
    // At once, so no answer starts on the model about to go.
    if (!this.#stopped) {
      this.#stopLoading.abort(new Error(SWITCHING));
      this.#setStatus({ state: 'loading', progress: 0 });
    }
    const switched = this.#switches.then(() => this.#switch(path));
    this.#switches = switched;
    return switched;
  }

  async #switch(path: string): Promise<ModelStatus> {
    if (this.#stopped) return this.status();
    this.#stopLoading.abort(new Error(SWITCHING));
    this.#setStatus({ state: 'loading', progress: 0 });
    try {
      await this.#loading;
      await this.#options.onUnloading?.();
      await this.#unload();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.#logger.error('model_unload_failed', { error: message });
      return this.#settle({
        state: 'error',
        error: `The previous model could not be freed: ${message}`,
      });
    }
    if (this.#stopped) return this.#settle({ state: 'error', error: SHUTTING_DOWN });
    this.#logger.info('model_switching', { path });
    this.#stopLoading = new AbortController();
    this.#modelSetting = path;
    this.#loading = this.#run(this.#stopLoading.signal);
    return this.#loading;
  }

  /** Cancels a load in progress; resolves once it has settled. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#stopLoading.abort(new Error(SHUTTING_DOWN));
    await this.#switches;
    await this.#loading;
  }

  /** Stops loading, then frees the context, the model and llama.cpp, and ends status listeners. */
  dispose(): Promise<void> {
    this.#disposing ??= (async () => {
      await this.stop();
      await this.#unload();
      await this.#llama?.dispose();
      this.#llama = undefined;
      this.#statusChanged.dispose();
    })();
    return this.#disposing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  /** Frees the context and the model, keeping llama.cpp for the next one. */
  async #unload(): Promise<void> {
    const context = this.#loaded?.context;
    this.#loaded = undefined;
    await context?.dispose();
    await this.#model?.dispose();
    this.#model = undefined;
  }

  #run(signal: AbortSignal): Promise<ModelStatus> {
    return this.#load(signal).catch((error: unknown) => {
      if (signal.aborted) return this.#abandoned(signal);
      const message = error instanceof Error ? error.message : String(error);
      this.#logger.error('model_load_failed', { error: message });
      return this.#settle({ state: 'error', error: `Model failed to load: ${message}` });
    });
  }

  /** A load cut short: by a shutdown (an error status), or by a switch (which reports on its own). */
  #abandoned(signal: AbortSignal): ModelStatus {
    const reason = signal.reason instanceof Error ? signal.reason.message : SHUTTING_DOWN;
    if (reason === SWITCHING && !this.#stopped) return this.status();
    return this.#settle({ state: 'error', error: SHUTTING_DOWN });
  }

  async #load(signal: AbortSignal): Promise<ModelStatus> {
    const { config, threads } = this.#options;
    this.#setStatus({ state: 'loading', progress: 0 });
    const location = await locateModel(
      this.#modelSetting,
      config.dataDir,
      { signal, onProgress: (fraction) => this.#progress(fraction) },
      this.#options.fetchRemoteModel,
    );
    // A download cut short by a switch or a shutdown is not the model's fault.
    if (signal.aborted) return this.#abandoned(signal);
    if (location.kind === 'none') {
      this.#logger.warn('model_none', { message: location.message });
      return this.#settle({ state: 'none', error: location.message });
    }
    if (location.kind === 'error') {
      this.#logger.error('model_unavailable', { model: config.model, error: location.message });
      return this.#settle({ state: 'error', error: location.message });
    }
    const path = location.path;
    this.#modelPath = path;
    if (signal.aborted) return this.#abandoned(signal);
    const header = await checkModelHeader(path);
    if ('problem' in header) return this.#invalid(path, header.problem);

    this.#llama ??= await getLlama({
      gpu: false,
      maxThreads: threads,
      logLevel: LlamaLogLevel.warn,
      logger: (level, message) => this.#llamaLog(level, message),
    });
    const llama = this.#llama;
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
      if (signal.aborted) return this.#abandoned(signal);
      const why = [(error as Error).message, this.#nativeLoadError].filter(Boolean).join(': ');
      return this.#invalid(path, `Model failed to load: ${path} (${why})`);
    }
    const model = this.#model;
    if (signal.aborted) return this.#abandoned(signal);

    // Created with the full thread count: a context's threads are clamped to
    // llama.maxThreads when it is created, so a cap is applied only afterwards.
    const context = await model.createContext({
      contextSize: config.contextSize,
      sequences: this.#options.sequences,
      threads,
      batching: { dispatchSchedule: this.#options.dispatchSchedule },
    });
    if (signal.aborted) {
      await context.dispose();
      return this.#abandoned(signal);
    }
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
