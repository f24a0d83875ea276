// Text to speech with a downloaded Piper voice (sherpa-onnx), in a worker
// loaded on first use; see sherpaThread.ts. It speaks at the voice's own
// sample rate (the catalog's, confirmed by the model when it loads), at a rate
// like flite's: 1 is the voice's own pace, 2 twice as fast.
import type { SentenceVoice } from '../answerSpeech';
import type { PiperEntry } from '../models/voiceCatalog';
import { voiceConfig } from './sherpaConfig';
import type { SherpaEngineOptions } from './sherpaRecognizer';
import { SherpaThread } from './sherpaThread';

export class SherpaVoice {
  readonly #thread: SherpaThread;
  #sampleRate: number;

  constructor(options: SherpaEngineOptions & { entry: PiperEntry }) {
    this.#sampleRate = options.entry.sampleRate;
    this.#thread = new SherpaThread({ ...options, worker: 'tts', config: voiceConfig });
  }

  get sampleRate(): number {
    return this.#sampleRate;
  }

  /** Checks the model and tries it in a throwaway process, without loading it; rejects with one sentence. */
  check(): Promise<void> {
    return this.#thread.check();
  }

  /** Loads the voice now if it is not yet; rejects with one sentence. */
  async load(): Promise<void> {
    const { sampleRate } = await this.#thread.load();
    if (sampleRate !== undefined) this.#sampleRate = sampleRate;
  }

  /** This voice at a speaking rate, as the answers' speech wants it. */
  at(rate: number): SentenceVoice {
    const sampleRate = (): number => this.#sampleRate;
    return {
      // Read when each sentence is sent: the model may correct the catalog's rate once loaded.
      get sampleRate() {
        return sampleRate();
      },
      speak: (sentence, signal) => this.speak(sentence, signal, rate),
    };
  }

  async speak(sentence: string, signal: AbortSignal, rate = 1): Promise<Int16Array> {
    await this.load();
    const answer = await this.#thread.request(
      { type: 'speak', text: sentence, speed: rate },
      signal,
    );
    return answer.type === 'audio' ? answer.pcm : new Int16Array(0);
  }

  dispose(): Promise<void> {
    return this.#thread.dispose();
  }
}
