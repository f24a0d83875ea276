// One answer spoken to one client, sentence by sentence as it is written: each
// complete sentence is spoken while the model writes the next, so the first
// sound comes long before the answer ends. Speech goes to the client in frames
// of at most a second, in order; the last frame says so. stop() cuts it at
// once: the sentence being spoken is abandoned and nothing more is sent.
import { encodeSpeechFrame } from '../../shared/audio';
import type { Logger } from '../base/log';

/** Turns streamed answer text into plain sentences to speak (speakable.ts). */
export interface SentenceSplitter {
  /** The sentences this text completes. */
  push(text: string): string[];
  /** What is left once the answer ended. */
  flush(): string[];
}

/** A voice: one sentence in, its samples out. */
export interface SentenceVoice {
  readonly sampleRate: number;
  speak(sentence: string, signal: AbortSignal): Promise<Int16Array>;
}

export interface AnswerSpeechOptions {
  answerId: string;
  voice: SentenceVoice;
  splitter: SentenceSplitter;
  /** Sends one speech frame to the client. */
  send(bytes: Uint8Array): void;
  logger: Logger;
  /** Told of each sentence's audio as it is sent, with its length in ms (echo guard). */
  onAudio?(durationMs: number): void;
}

export class AnswerSpeech {
  readonly answerId: string;
  readonly #options: AnswerSpeechOptions;
  readonly #abort = new AbortController();
  readonly #queue: string[] = [];
  #finished = false;
  #wake: (() => void) | undefined;
  readonly done: Promise<void>;

  constructor(options: AnswerSpeechOptions) {
    this.answerId = options.answerId;
    this.#options = options;
    this.done = this.#run();
  }

  get stopped(): boolean {
    return this.#abort.signal.aborted;
  }

  /** More of the answer's text. */
  push(text: string): void {
    if (this.#finished || this.stopped) return;
    this.#enqueue(this.#options.splitter.push(text));
  }

  /** The answer ended: what is left is spoken, then the last frame goes. */
  finish(): void {
    if (this.#finished || this.stopped) return;
    this.#enqueue(this.#options.splitter.flush());
    this.#finished = true;
    this.#wake?.();
  }

  /** Stops at once: nothing more is spoken or sent. */
  stop(): void {
    this.#abort.abort();
    this.#wake?.();
  }

  #enqueue(sentences: string[]): void {
    if (sentences.length === 0) return;
    this.#queue.push(...sentences);
    this.#wake?.();
  }

  async #run(): Promise<void> {
    const { voice, logger, answerId } = this.#options;
    const signal = this.#abort.signal;
    for (;;) {
      const sentence = this.#queue.shift();
      if (signal.aborted) return;
      if (sentence === undefined) {
        if (this.#finished) break;
        await new Promise<void>((resolve) => (this.#wake = resolve));
        this.#wake = undefined;
        continue;
      }
      let pcm: Int16Array;
      try {
        pcm = await voice.speak(sentence, signal);
      } catch (error) {
        if (signal.aborted) return;
        logger.warn('speech_failed', { answerId, error: String(error) });
        continue;
      }
      if (signal.aborted) return;
      this.#sendAudio(pcm);
    }
    this.#frame(new Int16Array(0), true);
  }

  #sendAudio(pcm: Int16Array): void {
    const { sampleRate } = this.#options.voice;
    for (let at = 0; at < pcm.length; at += sampleRate) {
      this.#frame(pcm.subarray(at, at + sampleRate), false);
    }
    this.#options.onAudio?.((pcm.length * 1000) / sampleRate);
  }

  #frame(pcm: Int16Array, last: boolean): void {
    const { answerId, voice, send, logger } = this.#options;
    try {
      send(encodeSpeechFrame({ answerId, sampleRate: voice.sampleRate, pcm, last }));
    } catch (error) {
      logger.error('speech_send_failed', { answerId, error: String(error) });
    }
  }
}
