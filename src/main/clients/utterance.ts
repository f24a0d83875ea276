// One utterance a client is speaking, as far as its limits go: how much audio
// it has sent, up to the longest an utterance may be. The samples themselves go
// straight on to the speech pipeline; none are kept here.
import { AUDIO_SAMPLE_RATE, audioDurationMs } from '../../shared/audio';

export class Utterance {
  readonly id: number;
  readonly #maxSamples: number;
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

  /** The part of pcm that fits under the limit, counted in (the utterance is then full). */
  append(pcm: Int16Array): Int16Array {
    const room = this.#maxSamples - this.#samples;
    const kept = pcm.length <= room ? pcm : pcm.subarray(0, room);
    this.#samples += kept.length;
    return kept;
  }
}
