// Notices when a person starts and stops speaking, from the microphone's 16 kHz
// samples, without blocking the event loop: Silero VAD runs in a ManagedThread
// worker (workers/vad.mjs) that this class owns. The model loads on start(),
// the first use, not when Hearth starts; dispose() ends the worker.
//
// While Hearth speaks, setStrict(true) keeps its own voice from the speaker
// from being taken for the person's: speech then counts only when it is at
// least strictLevelDbfs loud (see workers/vad.mjs for why a loudness floor and
// not a higher probability threshold). Tested: the same sentence at 15 % of its
// level (about -33 dBFS) is heard normally and ignored in strict mode; at full
// level (about -17 dBFS) it is heard in both.
//
// Each reset() starts a new generation, and every event names the generation
// of the audio that caused it: a listener taking the detector for a new
// utterance tells the end of the previous one, found later in the worker,
// from its own. The worker's measured busy time goes to `load`, so listening
// counts as the small load it is (some 0.3 ms per 32 ms frame).
import { AUDIO_SAMPLE_RATE } from '../../shared/audio';
import type { Logger } from '../base/log';
import { ManagedThread } from '../threads/managedThread';
import type { ThreadRegistry } from '../threads/registry';
import { VAD_MODEL_SHA256, vadModelPath } from './vadModel';
import {
  vadWorkerMessage,
  type VadWorkerCommand,
  type VadWorkerInput,
  type VadWorkerMessage,
} from './vadProtocol';
import { voiceWorker } from './voiceWorkers';

export interface VoiceActivityOptions {
  logger: Logger;
  /** Default: resources/voice/silero_vad_v5.onnx (vadModel.ts). */
  modelPath?: string;
  /** The sha256 the model must have. Default: the pinned one. */
  modelSha256?: string;
  /** Silero's speech probability above which a window is speech. Default 0.5. */
  threshold?: number;
  /** Hangover: how long a pause ends an utterance. Default 600 ms. */
  hangoverMs?: number;
  /** Shorter speech is not an utterance (a click, a cough). Default 250 ms. */
  minSpeechMs?: number;
  /** Longer speech is cut into utterances this long. Default 30 s, as a client's utterance. */
  maxUtteranceMs?: number;
  /** Audio kept before the detected start, so soft first sounds reach speech-to-text. Default 150 ms. */
  prerollMs?: number;
  /** In strict mode, speech quieter than this (dBFS) is ignored. Default -28 dBFS. */
  strictLevelDbfs?: number;
  registry?: ThreadRegistry;
  /** Where the worker's busy time is reported, as load for the thermal side (thermal/voiceLoad.ts). */
  load?: BusyReport;
}

/** Takes busy time measured elsewhere (a worker's), ms. */
export interface BusyReport {
  reportBusy(ms: number): void;
}

export const VAD_DEFAULTS = {
  threshold: 0.5,
  hangoverMs: 600,
  minSpeechMs: 250,
  maxUtteranceMs: 30_000,
  prerollMs: 150,
  strictLevelDbfs: -28,
} as const;

/** Why voice activity detection is unavailable: the model is missing, damaged or failed to load. */
export class VoiceActivityError extends Error {
  override name = 'VoiceActivityError';
}

export interface VadStats {
  /** 512-sample (32 ms) windows processed. */
  frames: number;
  /** Time spent processing them, in the worker. */
  busyMs: number;
  /** Time the model took to load. */
  loadMs: number;
}

export class VoiceActivity {
  readonly #options: VoiceActivityOptions;
  readonly #log: Logger;
  readonly #startListeners = new Set<(generation: number) => void>();
  readonly #endListeners = new Set<(pcm: Int16Array, generation: number) => void>();
  readonly #errorListeners = new Set<(error: Error) => void>();
  readonly #statsWaiting: { resolve: (stats: VadStats) => void; reject: (error: Error) => void }[] =
    [];
  #thread: ManagedThread | undefined;
  #started: Promise<void> | undefined;
  #ready = false;
  #disposed = false;
  #strict = false;
  #generation = 0;

  constructor(options: VoiceActivityOptions) {
    this.#options = options;
    this.#log = options.logger;
  }

  get strict(): boolean {
    return this.#strict;
  }

  /** The generation audio fed now belongs to: 0, then one more at each reset(). */
  get generation(): number {
    return this.#generation;
  }

  /** True once the model is loaded and frames are being processed. */
  get ready(): boolean {
    return this.#ready;
  }

  /**
   * Loads the model in its worker; resolves once frames are processed, rejects
   * with a VoiceActivityError saying what is wrong with the model. Idempotent.
   */
  start(): Promise<void> {
    if (this.#disposed)
      return Promise.reject(new VoiceActivityError('voice activity was disposed'));
    this.#started ??= this.#load();
    return this.#started;
  }

  /** Microphone samples, 16 kHz mono, any length. Frames fed before the model is ready wait for it. */
  feed(pcm: Int16Array): void {
    if (this.#disposed) return;
    if (!this.#thread) throw new Error('VoiceActivity.feed() before start()');
    if (!(pcm instanceof Int16Array)) throw new TypeError('feed() takes an Int16Array of samples');
    if (pcm.length === 0) return;
    this.#send({ type: 'audio', pcm, generation: this.#generation });
  }

  /** Strict while Hearth speaks: only loud speech counts (the echo guard). */
  setStrict(on: boolean): void {
    if (this.#strict === on) return;
    this.#strict = on;
    this.#send({ type: 'strict', on });
  }

  /**
   * Forgets speech in progress (a new listening turn) and starts a new
   * generation, which it returns: events of audio fed before carry an older one.
   */
  reset(): number {
    this.#generation++;
    this.#send({ type: 'reset', generation: this.#generation });
    return this.#generation;
  }

  /** How much work the worker has done: for benchmarks and health. */
  stats(): Promise<VadStats> {
    if (!this.#ready || this.#disposed) {
      return Promise.reject(new Error('voice activity is not running'));
    }
    return new Promise((resolve, reject) => {
      this.#statsWaiting.push({ resolve, reject });
      this.#send({ type: 'stats' });
    });
  }

  /** Speech began, in audio of that generation. */
  onSpeechStart(listener: (generation: number) => void): () => void {
    this.#startListeners.add(listener);
    return () => this.#startListeners.delete(listener);
  }

  /** The utterance, pre-roll included, and its audio's generation; the listener may keep the array. */
  onSpeechEnd(listener: (pcm: Int16Array, generation: number) => void): () => void {
    this.#endListeners.add(listener);
    return () => this.#endListeners.delete(listener);
  }

  /** The worker failed after it was ready. */
  onError(listener: (error: Error) => void): () => void {
    this.#errorListeners.add(listener);
    return () => this.#errorListeners.delete(listener);
  }

  /** Ends the worker (asking first, terminating after a second). Idempotent. */
  async dispose(): Promise<void> {
    this.#disposed = true;
    this.#ready = false;
    const thread = this.#thread;
    if (!thread) return;
    thread.postMessage({ type: 'close' } satisfies VadWorkerCommand);
    await thread.close(1000);
    this.#abandonStats(new Error('voice activity was disposed'));
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  #send(command: VadWorkerCommand): void {
    if (!this.#disposed) this.#thread?.postMessage(command);
  }

  async #load(): Promise<void> {
    const options = this.#options;
    let modelPath: string;
    try {
      modelPath = options.modelPath ?? vadModelPath();
    } catch (error) {
      throw new VoiceActivityError((error as Error).message);
    }
    const input: VadWorkerInput = {
      modelPath,
      sha256: options.modelSha256 ?? VAD_MODEL_SHA256,
      sampleRate: AUDIO_SAMPLE_RATE,
      threshold: options.threshold ?? VAD_DEFAULTS.threshold,
      minSilenceMs: options.hangoverMs ?? VAD_DEFAULTS.hangoverMs,
      minSpeechMs: options.minSpeechMs ?? VAD_DEFAULTS.minSpeechMs,
      maxSpeechMs: options.maxUtteranceMs ?? VAD_DEFAULTS.maxUtteranceMs,
      prerollMs: options.prerollMs ?? VAD_DEFAULTS.prerollMs,
      strictLevelDbfs: options.strictLevelDbfs ?? VAD_DEFAULTS.strictLevelDbfs,
    };
    const thread = new ManagedThread({
      name: 'vad',
      module: voiceWorker('vad'),
      data: input,
      logger: this.#log,
      registry: options.registry,
    });
    this.#thread = thread;
    let endedEarly: () => void = () => {};
    const ready = new Promise<void>((resolve, reject) => {
      thread.onMessage((raw) => {
        const parsed = vadWorkerMessage.safeParse(raw);
        if (!parsed.success) {
          this.#log.warn('vad_bad_message', { issue: parsed.error.issues[0]?.message });
          return;
        }
        const message = parsed.data;
        if (message.type === 'ready') {
          this.#ready = true;
          this.#log.info('vad_ready', { loadMs: Math.round(message.loadMs) });
          resolve();
        } else if (message.type === 'failed') {
          reject(new VoiceActivityError(message.message));
        } else {
          this.#dispatch(message);
        }
      });
      thread.onError((error) => {
        if (!this.#ready) reject(new VoiceActivityError(error.message));
        else this.#fail(error);
      });
      endedEarly = () =>
        reject(new VoiceActivityError('the voice activity worker ended before it was ready'));
    });
    ready.catch(() => {});
    try {
      await thread.start();
      // Ending without a word (or after 'failed') must not leave start() waiting.
      void thread
        .join()
        .catch(() => {})
        .then(() => {
          endedEarly();
          if (this.#ready && !this.#disposed) {
            this.#ready = false;
            this.#fail(new VoiceActivityError('the voice activity worker ended'));
          }
        });
      await ready;
    } catch (error) {
      await thread.close(1000);
      throw error instanceof VoiceActivityError ? error : new VoiceActivityError(String(error));
    }
  }

  #dispatch(message: Exclude<VadWorkerMessage, { type: 'ready' | 'failed' }>): void {
    switch (message.type) {
      case 'speechStart':
        for (const listener of this.#startListeners) this.#call(() => listener(message.generation));
        break;
      case 'speechEnd':
        for (const listener of this.#endListeners) {
          this.#call(() => listener(message.pcm, message.generation));
        }
        break;
      case 'busy': {
        const load = this.#options.load;
        if (load) this.#call(() => load.reportBusy(message.ms));
        break;
      }
      case 'ignored':
        this.#log.debug('vad_ignored_quiet_speech', {
          ms: Math.round((message.samples * 1000) / AUDIO_SAMPLE_RATE),
          levelDbfs: Math.round(message.levelDbfs),
        });
        break;
      case 'stats': {
        const { frames, busyMs, loadMs } = message;
        this.#statsWaiting.shift()?.resolve({ frames, busyMs, loadMs });
        break;
      }
    }
  }

  #abandonStats(error: Error): void {
    for (const waiting of this.#statsWaiting.splice(0)) waiting.reject(error);
  }

  #fail(error: Error): void {
    this.#abandonStats(error);
    for (const listener of this.#errorListeners) this.#call(() => listener(error));
  }

  /** A listener's exception is logged, never thrown into the worker's message loop. */
  #call(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.#log.error('vad_listener_failed', { message: (error as Error).message });
    }
  }
}
