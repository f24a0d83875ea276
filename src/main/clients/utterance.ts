// One utterance a client is speaking: the PCM received so far, in order, up to
// a length limit. The client (client.ts) opens it on a start frame and hands
// its samples to the SpeechPort on the end frame or at the limit; take() lets
// go of them, so nothing here outlives the handover.
import { AUDIO_SAMPLE_RATE, audioDurationMs } from '../../shared/audio';

export class Utterance {
  readonly id: number;
  readonly #maxSamples: number;
  #chunks: Int16Array[] = [];
  #samples = 0;

  constructor(id: number, maxMs: number) {
    if (!(maxMs > 0))
      throw new RangeError(`an utterance's length limit must be positive, not ${maxMs}`);
    this.id = id;
    this.#maxSamples = Math.floor((maxMs * AUDIO_SAMPLE_RATE) / 1000);
  }

  get samples(): number {
    return this.#samples;
  }

  get durationMs(): number {
    return audioDurationMs(this.#samples);
  }

  /** True once the utterance holds as much as it may: it must be cut. */
  get full(): boolean {
    return this.#samples >= this.#maxSamples;
  }

  /** Appends what fits under the limit; the rest is dropped (the utterance is then full). */
  append(pcm: Int16Array): void {
    const room = this.#maxSamples - this.#samples;
    const kept = pcm.length <= room ? pcm : pcm.subarray(0, room);
    if (kept.length === 0) return;
    this.#chunks.push(kept);
    this.#samples += kept.length;
  }

  /** All samples in one array; the utterance keeps none of them afterwards. */
  take(): Int16Array {
    const pcm = new Int16Array(this.#samples);
    let at = 0;
    for (const chunk of this.#chunks) {
      pcm.set(chunk, at);
      at += chunk.length;
    }
    this.#chunks = [];
    this.#samples = 0;
    return pcm;
  }
}
