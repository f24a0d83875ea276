// The recognizer and the voice that the engine selection picked, made callable:
// a downloaded model when one is in use, else the floor engines (pocketsphinx,
// flite), which this owns. All of it runs as load for the thermal side, and a
// model that fails to load is handed back to the selection, which turns its
// half off; onFailed then tells the owner so clients can be told.
import type { VoiceModelKind } from '../../shared/voiceModelsSchema';
import type { SentenceVoice } from './answerSpeech';
import { Flite } from './flite';
import { Pocketsphinx } from './pocketsphinx';
import type { EngineSelection } from './sherpa/engineSelection';
import { SherpaLoadError } from './sherpa/sherpaThread';

export interface EnginesInUseOptions {
  selection: EngineSelection;
  /** Whose PATH flite and pocketsphinx are run from. */
  env?: NodeJS.ProcessEnv;
  /** Where transcriptions and synthesis are reported as jobs (thermal/voiceLoad.ts). */
  load?: { track<T>(job: () => Promise<T>): Promise<T> };
  /** A model in use failed to load and its half is now off. */
  onFailed(): void;
}

export class EnginesInUse {
  readonly #options: EnginesInUseOptions;
  readonly #selection: EngineSelection;
  readonly #flite: Flite;
  readonly #pocketsphinx: Pocketsphinx;

  constructor(options: EnginesInUseOptions) {
    this.#options = options;
    this.#selection = options.selection;
    this.#flite = new Flite({ env: options.env });
    this.#pocketsphinx = new Pocketsphinx({ env: options.env });
  }

  transcribe(pcm: Int16Array, signal: AbortSignal): Promise<string> {
    return this.#asLoad(() => this.#transcribeNow(pcm, signal));
  }

  /** The voice in use, speaking at this rate. */
  voiceAt(rate: number): SentenceVoice {
    const sherpa = this.#selection.speaking.sherpa;
    if (sherpa) {
      return {
        get sampleRate() {
          return sherpa.sampleRate;
        },
        speak: (sentence, signal) =>
          this.#asLoad(() => sherpa.speak(sentence, signal, rate)).catch((error: unknown) => {
            this.#failed('voice', sherpa, error);
            throw error;
          }),
      };
    }
    const flite = this.#flite;
    return {
      sampleRate: 16_000,
      speak: (sentence, signal) => this.#asLoad(() => flite.speak(sentence, { signal, rate })),
    };
  }

  /**
   * A downloaded model just picked is tried at once in a throwaway process (its
   * worker still loads at first use): one that cannot load turns its half off
   * now, and Settings says why while the owner is still there.
   */
  tryPicked(): void {
    const { hearing, speaking } = this.#selection;
    for (const [kind, sherpa] of [
      ['recognizer', hearing.sherpa],
      ['voice', speaking.sherpa],
    ] as const) {
      sherpa?.check().catch((error: unknown) => this.#failed(kind, sherpa, error));
    }
  }

  /** Stops the floor engines; the selection stops the models' workers. */
  async dispose(): Promise<void> {
    await this.#flite.dispose();
    await this.#pocketsphinx.dispose();
  }

  async #transcribeNow(pcm: Int16Array, signal: AbortSignal): Promise<string> {
    const sherpa = this.#selection.hearing.sherpa;
    if (!sherpa) return (await this.#pocketsphinx.transcribe(pcm, { signal })).text;
    try {
      return await sherpa.transcribe(pcm, signal);
    } catch (error) {
      this.#failed('recognizer', sherpa, error);
      throw error;
    }
  }

  /** Only a failure to load turns a half off: a transcription that was cut short is not one. */
  #failed(kind: VoiceModelKind, engine: object, error: unknown): void {
    if (!(error instanceof SherpaLoadError)) return;
    this.#selection.failed(kind, engine, error);
    this.#options.onFailed();
  }

  /** Runs voice work, reported as load to the thermal side when there is one. */
  #asLoad<T>(job: () => Promise<T>): Promise<T> {
    return this.#options.load ? this.#options.load.track(job) : job();
  }
}
