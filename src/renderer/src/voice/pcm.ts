// The microphone's sound made into what an audio frame carries (shared/audio.ts):
// any context rate (48 kHz, 44.1 kHz, ...) down to 16 kHz mono through a real
// low-pass filter, then 16-bit integers, in chunks of exactly 100 ms. Pure code
// with no browser API, so the AudioWorklet (pcmWorklet.ts) bundles it and the
// unit tests run it as it is.
//
// Why a filter and not every third sample: sound between 8 kHz (half the output
// rate) and the input's top folds back into the speech band as noise. The
// resampler is a windowed-sinc (Kaiser) interpolator evaluated exactly at each
// output instant, with one precomputed set of taps per sub-sample phase.
import { AUDIO_FRAME_MAX_SAMPLES, AUDIO_SAMPLE_RATE } from '../../../shared/audio';

/** Stop-band attenuation the filter is designed for, in dB. */
const STOP_BAND_DB = 70;
/** Where the pass band ends and the stop band starts, as fractions of the lower rate. */
const PASS_EDGE = 0.4;
const STOP_EDGE = 0.5;
/** More phases than this means a pair of rates no sound card uses. */
const MAX_PHASES = 4096;

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** The zeroth-order modified Bessel function, for the Kaiser window. */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const quarter = (x * x) / 4;
  for (let k = 1; k < 50; k++) {
    term *= quarter / (k * k);
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return sum;
}

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = Math.PI * x;
  return Math.sin(px) / px;
}

/**
 * Streaming sample-rate conversion of one channel. push() takes blocks of any
 * length (an AudioWorklet gives 128 samples at a time) and returns the output
 * samples they complete; the result is the same however the input is split.
 */
export class Resampler {
  readonly inputRate: number;
  readonly outputRate: number;
  /** Input samples either side of an output instant that the filter reads. */
  readonly halfWidth: number;
  /** Output instants per `step` input samples: the number of phases. */
  readonly #phases: number;
  /** Input samples per `phases` output samples. */
  readonly #step: number;
  /** phases x (2 * halfWidth) taps, each phase summing to 1. */
  readonly #taps: Float32Array;
  #buffer: Float32Array;
  /** Absolute index of #buffer[0]; starts negative, with zeros before the first sample. */
  #bufferStart: number;
  #bufferLength: number;
  /** Where the next output sample falls: input index plus phase / phases. */
  #index = 0;
  #phase = 0;
  #out = new Float32Array(0);

  constructor(inputRate: number, outputRate: number = AUDIO_SAMPLE_RATE) {
    if (!Number.isInteger(inputRate) || inputRate <= 0) {
      throw new RangeError(`input sample rate must be a positive integer, not ${inputRate}`);
    }
    if (!Number.isInteger(outputRate) || outputRate <= 0) {
      throw new RangeError(`output sample rate must be a positive integer, not ${outputRate}`);
    }
    const common = gcd(inputRate, outputRate);
    this.#phases = outputRate / common;
    this.#step = inputRate / common;
    if (this.#phases > MAX_PHASES) {
      throw new RangeError(`cannot resample ${inputRate} Hz to ${outputRate} Hz exactly`);
    }
    this.inputRate = inputRate;
    this.outputRate = outputRate;

    // Designed against the lower of the two rates, in cycles per input sample.
    const lower = Math.min(inputRate, outputRate);
    const cutoff = ((PASS_EDGE + STOP_EDGE) / 2) * (lower / inputRate);
    const transition = (STOP_EDGE - PASS_EDGE) * (lower / inputRate);
    // Kaiser's formulas for the window's shape and the filter's length.
    const beta = 0.1102 * (STOP_BAND_DB - 8.7);
    const length = Math.ceil((STOP_BAND_DB - 7.95) / (14.36 * transition));
    const half = Math.max(2, Math.ceil(length / 2));
    this.halfWidth = half;

    const width = 2 * half;
    const taps = new Float32Array(this.#phases * width);
    const i0Beta = besselI0(beta);
    for (let p = 0; p < this.#phases; p++) {
      let sum = 0;
      for (let j = 0; j < width; j++) {
        // Distance from the output instant (index + p/phases) to input sample index - half + 1 + j.
        const x = p / this.#phases + half - 1 - j;
        const r = x / half;
        const window = Math.abs(r) >= 1 ? 0 : besselI0(beta * Math.sqrt(1 - r * r)) / i0Beta;
        const tap = 2 * cutoff * sinc(2 * cutoff * x) * window;
        taps[p * width + j] = tap;
        sum += tap;
      }
      // Each phase passes a constant unchanged, so the level does not ripple from phase to phase.
      for (let j = 0; j < width; j++) taps[p * width + j] = (taps[p * width + j] ?? 0) / sum;
    }
    this.#taps = taps;

    // half - 1 zeros stand for the silence before the first sample.
    this.#buffer = new Float32Array(4096);
    this.#bufferStart = -(half - 1);
    this.#bufferLength = half - 1;
  }

  /**
   * Adds input samples; returns the output samples now complete. The returned
   * array is reused by the next call: copy it to keep it.
   */
  push(input: ArrayLike<number>): Float32Array {
    this.#append(input);
    const half = this.halfWidth;
    const width = 2 * half;
    const available = this.#bufferStart + this.#bufferLength;
    // The most output samples this input can complete, for the output buffer's size.
    const most = Math.ceil(((available - this.#index) * this.#phases) / this.#step) + 1;
    if (this.#out.length < most) this.#out = new Float32Array(Math.max(most, 256));
    const out = this.#out;
    const buffer = this.#buffer;
    const taps = this.#taps;
    let count = 0;
    // An output sample needs input up to index + half.
    while (this.#index + half < available) {
      const first = this.#index - half + 1 - this.#bufferStart;
      const base = this.#phase * width;
      let acc = 0;
      for (let j = 0; j < width; j++) acc += (buffer[first + j] ?? 0) * (taps[base + j] ?? 0);
      out[count++] = acc;
      this.#phase += this.#step;
      this.#index += Math.floor(this.#phase / this.#phases);
      this.#phase %= this.#phases;
    }
    this.#discardBefore(this.#index - half + 1);
    return out.subarray(0, count);
  }

  #append(input: ArrayLike<number>): void {
    const needed = this.#bufferLength + input.length;
    if (needed > this.#buffer.length) {
      const grown = new Float32Array(Math.max(needed, this.#buffer.length * 2));
      grown.set(this.#buffer.subarray(0, this.#bufferLength));
      this.#buffer = grown;
    }
    for (let i = 0; i < input.length; i++) this.#buffer[this.#bufferLength + i] = input[i] ?? 0;
    this.#bufferLength = needed;
  }

  #discardBefore(absolute: number): void {
    const drop = absolute - this.#bufferStart;
    if (drop <= 0) return;
    this.#buffer.copyWithin(0, drop, this.#bufferLength);
    this.#bufferStart += drop;
    this.#bufferLength -= drop;
  }
}

/** Float samples in -1..1 as 16-bit integers, clipped at full scale. */
export function floatToInt16(samples: ArrayLike<number>): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i] ?? 0));
    // Rounded away from zero both ways, so a signal and its negation stay mirror images.
    out[i] = Math.sign(s) * Math.round(Math.abs(s) * 32767);
  }
  return out;
}

/** The average of a frame's channels (a microphone may deliver stereo). */
export function mixDown(channels: readonly Float32Array[]): Float32Array {
  const [first] = channels;
  if (!first) return new Float32Array(0);
  if (channels.length === 1) return first;
  const out = new Float32Array(first.length);
  for (const channel of channels) {
    for (let i = 0; i < out.length; i++) out[i] = (out[i] ?? 0) + (channel[i] ?? 0);
  }
  for (let i = 0; i < out.length; i++) out[i] = (out[i] ?? 0) / channels.length;
  return out;
}

/** Root mean square of 16-bit samples, 0 (silence) to 1 (full-scale square wave). */
export function rmsLevel(pcm: Int16Array): number {
  if (pcm.length === 0) return 0;
  let sum = 0;
  for (const sample of pcm) sum += sample * sample;
  return Math.min(1, Math.sqrt(sum / pcm.length) / 32767);
}

/**
 * Cuts a stream of 16-bit samples into chunks of exactly `size` samples (one
 * audio frame's worth, 100 ms at 16 kHz); flush() hands over what is left.
 */
export class Int16Chunker {
  readonly size: number;
  #current: Int16Array;
  #filled = 0;

  constructor(size: number = AUDIO_FRAME_MAX_SAMPLES) {
    if (!Number.isInteger(size) || size <= 0) {
      throw new RangeError(`chunk size must be a positive integer, not ${size}`);
    }
    this.size = size;
    this.#current = new Int16Array(size);
  }

  /** Adds samples; returns the chunks they complete (each a new array, safe to transfer). */
  push(samples: Int16Array): Int16Array[] {
    const done: Int16Array[] = [];
    let offset = 0;
    while (offset < samples.length) {
      const take = Math.min(this.size - this.#filled, samples.length - offset);
      this.#current.set(samples.subarray(offset, offset + take), this.#filled);
      this.#filled += take;
      offset += take;
      if (this.#filled === this.size) {
        done.push(this.#current);
        this.#current = new Int16Array(this.size);
        this.#filled = 0;
      }
    }
    return done;
  }

  /** The samples not yet in a full chunk (possibly none); the chunker starts empty again. */
  flush(): Int16Array {
    const rest = this.#current.slice(0, this.#filled);
    this.#filled = 0;
    return rest;
  }
}

/** One 100 ms chunk of capture, with its level for the meter. */
export interface CaptureChunk {
  pcm: Int16Array;
  level: number;
}

/**
 * What the worklet runs per block: mix to mono, resample to 16 kHz, convert,
 * and cut into frame-sized chunks.
 */
export class CapturePipeline {
  readonly #resampler: Resampler;
  readonly #chunker = new Int16Chunker();

  constructor(inputRate: number) {
    this.#resampler = new Resampler(inputRate, AUDIO_SAMPLE_RATE);
  }

  push(channels: readonly Float32Array[]): CaptureChunk[] {
    const mono = mixDown(channels);
    if (mono.length === 0) return [];
    const chunks = this.#chunker.push(floatToInt16(this.#resampler.push(mono)));
    return chunks.map((pcm) => ({ pcm, level: rmsLevel(pcm) }));
  }

  /** The last, partial chunk (possibly empty). */
  flush(): CaptureChunk {
    const pcm = this.#chunker.flush();
    return { pcm, level: rmsLevel(pcm) };
  }
}
