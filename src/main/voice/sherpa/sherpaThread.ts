// One sherpa-onnx model in a worker thread, loaded on first use: the model is
// asked of its source (which checks every file against its manifest), tried in
// a throwaway process once per model (sherpaProbe.ts), then loaded in a
// ManagedThread that this class owns. Requests are numbered; one that is
// aborted rejects at once and its late answer is dropped. dispose() ends the
// probe and the worker.
import type { Logger } from '../../base/log';
import type { ScriptProcessPort } from '../../contracts/scriptProcess';
import { ManagedThread } from '../../threads/managedThread';
import type { ThreadRegistry } from '../../threads/registry';
import { VoiceCancelled } from '../childProcesses';
import type { InstalledVoiceModel } from '../models/installedVoiceModel';
import { voiceWorker } from '../voiceWorkers';
import { probeSherpaModel } from './sherpaProbe';
import {
  sherpaWorkerMessage,
  type SherpaWorkerCommand,
  type SherpaWorkerMessage,
} from './sherpaProtocol';

/** The model could not be used: its message is one sentence for the owner. */
export class SherpaLoadError extends Error {
  override name = 'SherpaLoadError';
}

export interface SherpaThreadOptions {
  worker: 'recognizer' | 'tts';
  /** The model, with its files checked now (VoiceModelSource.verified). */
  model: () => Promise<InstalledVoiceModel>;
  config: (model: InstalledVoiceModel) => Record<string, unknown>;
  logger: Logger;
  registry?: ThreadRegistry;
  /** What runs the probe; default Node's child_process (the kiosk passes utilityProcess). */
  scriptProcesses?: ScriptProcessPort;
}

/** A model whose files passed their check and that survived its probe. */
interface Prepared {
  model: InstalledVoiceModel;
  config: Record<string, unknown>;
  module: URL;
  name: string;
}

type Answer = Extract<SherpaWorkerMessage, { type: 'text' | 'audio' }>;
type Request =
  { type: 'transcribe'; pcm: Int16Array } | { type: 'speak'; text: string; speed: number };

/** Models that survived a probe in this process (by id and folder: their files are pinned). */
const probed = new Map<string, number | undefined>();

export class SherpaThread {
  readonly #options: SherpaThreadOptions;
  readonly #disposing = new AbortController();
  readonly #waiting = new Map<
    number,
    { resolve: (answer: Answer) => void; reject: (error: Error) => void }
  >();
  #loading: Promise<{ sampleRate?: number }> | undefined;
  #checking: Promise<Prepared> | undefined;
  #thread: ManagedThread | undefined;
  #nextId = 1;
  #disposed = false;

  constructor(options: SherpaThreadOptions) {
    this.#options = options;
  }

  /** Loads the model if it is not yet; rejects with a SherpaLoadError. */
  load(): Promise<{ sampleRate?: number }> {
    this.#loading ??= this.#load();
    return this.#loading;
  }

  async request(request: Request, signal?: AbortSignal): Promise<Answer> {
    await this.load();
    signal?.throwIfAborted();
    if (this.#disposed || !this.#thread) throw new VoiceCancelled('the engine was stopped');
    const thread = this.#thread;
    const id = this.#nextId++;
    return new Promise<Answer>((resolve, reject) => {
      const onAbort = (): void => {
        this.#waiting.delete(id);
        thread.postMessage({ type: 'cancel', id } satisfies SherpaWorkerCommand);
        reject(new VoiceCancelled('cancelled'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiting.set(id, {
        resolve: (answer) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(answer);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      });
      const command: SherpaWorkerCommand = { ...request, id };
      thread.postMessage(command);
    });
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#disposing.abort();
    this.#failAll(new VoiceCancelled('the engine was stopped'));
    const thread = this.#thread;
    if (thread) {
      thread.postMessage({ type: 'close' } satisfies SherpaWorkerCommand);
      await thread.close(1000);
    }
    // A load under way ends with the probe or the thread it was waiting for.
    await this.#checking?.catch(() => {});
    await this.#loading?.catch(() => {});
  }

  /**
   * Checks the model's files and tries it in a throwaway process, without
   * loading it here: the choice's error shows when it is picked, not at its
   * first use. Rejects with a SherpaLoadError; done once.
   */
  check(): Promise<void> {
    return this.#prepare().then(() => undefined);
  }

  #prepare(): Promise<Prepared> {
    this.#checking ??= this.#checkModel();
    return this.#checking;
  }

  async #checkModel(): Promise<Prepared> {
    const { logger } = this.#options;
    let model: InstalledVoiceModel;
    try {
      model = await this.#options.model();
    } catch (error) {
      throw new SherpaLoadError((error as Error).message);
    }
    const name = model.entry.displayName;
    let config: Record<string, unknown>;
    try {
      config = this.#options.config(model);
    } catch (error) {
      throw new SherpaLoadError(`${(error as Error).message}.`);
    }
    const module = voiceWorker(this.#options.worker);
    const key = `${model.entry.id}@${model.dir}`;
    if (!probed.has(key)) {
      const began = Date.now();
      try {
        const { sampleRate } = await probeSherpaModel({
          module,
          config,
          modelName: name,
          signal: this.#disposing.signal,
          scriptProcesses: this.#options.scriptProcesses,
        });
        probed.set(key, sampleRate);
      } catch (error) {
        throw new SherpaLoadError((error as Error).message);
      }
      logger.info('voice_model_probed', { id: model.entry.id, ms: Date.now() - began });
    }
    return { model, config, module, name };
  }

  async #load(): Promise<{ sampleRate?: number }> {
    const { logger } = this.#options;
    const { model, config, module, name } = await this.#prepare();
    if (this.#disposed) throw new SherpaLoadError(`${name} was not loaded: voice was stopped.`);
    const thread = new ManagedThread({
      name: this.#options.worker,
      module,
      data: { config },
      logger,
      registry: this.#options.registry,
    });
    this.#thread = thread;
    let endedEarly: () => void = () => {};
    const ready = new Promise<{ sampleRate?: number }>((resolve, reject) => {
      thread.onMessage((raw) => {
        const parsed = sherpaWorkerMessage.safeParse(raw);
        if (!parsed.success) {
          logger.warn('sherpa_bad_message', { issue: parsed.error.issues[0]?.message });
          return;
        }
        const message = parsed.data;
        switch (message.type) {
          case 'ready':
            logger.info('voice_model_loaded', {
              id: model.entry.id,
              loadMs: Math.round(message.loadMs),
            });
            resolve({ sampleRate: message.sampleRate });
            break;
          case 'failed':
            reject(new SherpaLoadError(`${name} could not be loaded: ${message.message}.`));
            break;
          case 'error':
            this.#settle(message.id)?.reject(new Error(`${name} failed: ${message.message}`));
            break;
          default:
            this.#settle(message.id)?.resolve(message);
        }
      });
      thread.onError((error) => reject(new SherpaLoadError(`${name} stopped: ${error.message}.`)));
      endedEarly = () => reject(new SherpaLoadError(`${name} stopped before it was loaded.`));
    });
    ready.catch(() => {});
    try {
      await thread.start();
      // Ending at any time fails what waits; ending before 'ready' fails the load.
      void thread
        .join()
        .catch(() => {})
        .then(() => {
          endedEarly();
          this.#failAll(new Error(`${name} stopped.`));
        });
      return await ready;
    } catch (error) {
      await thread.close(1000);
      throw error instanceof SherpaLoadError ? error : new SherpaLoadError(String(error));
    }
  }

  #settle(id: number) {
    const waiting = this.#waiting.get(id);
    this.#waiting.delete(id);
    return waiting;
  }

  #failAll(error: Error): void {
    for (const waiting of this.#waiting.values()) waiting.reject(error);
    this.#waiting.clear();
  }
}
