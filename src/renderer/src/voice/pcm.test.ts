import { describe, expect, it } from 'vitest';
import { AUDIO_FRAME_MAX_SAMPLES } from '../../../shared/audio';
import { CapturePipeline, floatToInt16, Int16Chunker, mixDown, Resampler, rmsLevel } from './pcm';

function sine(hz: number, rate: number, seconds: number, amplitude = 0.5): Float32Array {
  const out = new Float32Array(Math.round(rate * seconds));
  for (let i = 0; i < out.length; i++) out[i] = amplitude * Math.sin((2 * Math.PI * hz * i) / rate);
  return out;
}

/** Resamples in 128-sample blocks, as an AudioWorklet delivers them. */
function resampleInBlocks(resampler: Resampler, input: Float32Array, block = 128): Float32Array {
  const parts: number[] = [];
  for (let i = 0; i < input.length; i += block) {
    parts.push(...resampler.push(input.subarray(i, i + block)));
  }
  return Float32Array.from(parts);
}

/** Amplitude of the component at `hz` (a single-bin DFT over whole cycles). */
function amplitudeAt(samples: Float32Array, hz: number, rate: number): number {
  const cycles = Math.floor((samples.length * hz) / rate);
  const n = Math.round((cycles * rate) / hz);
  let re = 0;
  let im = 0;
  for (let i = 0; i < n; i++) {
    const phase = (2 * Math.PI * hz * i) / rate;
    re += (samples[i] ?? 0) * Math.cos(phase);
    im += (samples[i] ?? 0) * Math.sin(phase);
  }
  return (2 * Math.hypot(re, im)) / n;
}

function rms(samples: Float32Array): number {
  let sum = 0;
  for (const s of samples) sum += s * s;
  return Math.sqrt(sum / samples.length);
}

/** Upward zero crossings per second: a sine's frequency. */
function crossingsPerSecond(samples: Float32Array, rate: number): number {
  let crossings = 0;
  for (let i = 1; i < samples.length; i++) {
    if ((samples[i - 1] ?? 0) < 0 && (samples[i] ?? 0) >= 0) crossings++;
  }
  return (crossings * rate) / samples.length;
}

/** Drops the filter's start-up (its delay line filling) so only the steady state is measured. */
const steady = (samples: Float32Array) => samples.subarray(800);

describe('Resampler', () => {
  for (const rate of [48_000, 44_100]) {
    it(`takes a 1 kHz sine at ${rate} Hz to 16 kHz with its frequency and amplitude kept`, () => {
      const out = resampleInBlocks(new Resampler(rate, 16_000), sine(1000, rate, 1));
      // One second in, one second out (less the filter's delay).
      expect(out.length).toBeGreaterThan(16_000 - 100);
      expect(out.length).toBeLessThanOrEqual(16_000);
      const body = steady(out);
      expect(crossingsPerSecond(body, 16_000)).toBeCloseTo(1000, -1);
      expect(amplitudeAt(body, 1000, 16_000)).toBeCloseTo(0.5, 2);
      expect(rms(body)).toBeCloseTo(0.5 / Math.SQRT2, 2);
    });

    it(`attenuates what lies above 8 kHz at ${rate} Hz by 50 dB or more, instead of folding it back`, () => {
      for (const hz of [9000, 10_000, 12_000, 15_000]) {
        const out = steady(resampleInBlocks(new Resampler(rate, 16_000), sine(hz, rate, 0.5)));
        // Plain decimation would fold 9 kHz to 7 kHz at full amplitude (0.5).
        expect(rms(out), `${hz} Hz`).toBeLessThan((0.5 / Math.SQRT2) * 10 ** (-50 / 20));
      }
    });
  }

  it('keeps speech-band tones up to 6 kHz within 1 dB', () => {
    for (const hz of [300, 3000, 6000]) {
      const out = steady(resampleInBlocks(new Resampler(48_000, 16_000), sine(hz, 48_000, 0.5)));
      const gainDb = 20 * Math.log10(amplitudeAt(out, hz, 16_000) / 0.5);
      expect(Math.abs(gainDb), `${hz} Hz`).toBeLessThan(1);
    }
  });

  it('gives the same samples however the input is split into blocks', () => {
    const input = sine(440, 44_100, 0.3);
    const whole = Float32Array.from(new Resampler(44_100).push(input));
    const blocks = resampleInBlocks(new Resampler(44_100), input, 37);
    expect(blocks.length).toBe(whole.length);
    for (let i = 0; i < whole.length; i++) expect(blocks[i]).toBeCloseTo(whole[i] ?? NaN, 6);
  });

  it('refuses rates that are not positive integers', () => {
    expect(() => new Resampler(0)).toThrow(/positive integer/);
    expect(() => new Resampler(44_100.5)).toThrow(/positive integer/);
    expect(() => new Resampler(48_000, -1)).toThrow(/positive integer/);
  });
});

describe('floatToInt16', () => {
  it('scales to full 16-bit range and clips beyond it', () => {
    expect([...floatToInt16([0, 0.5, -0.5, 1, -1, 2, -3])]).toEqual([
      0, 16384, -16384, 32767, -32767, 32767, -32767,
    ]);
  });
});

describe('mixDown', () => {
  it('averages stereo to mono and passes mono through', () => {
    const left = Float32Array.from([1, 0.5]);
    const right = Float32Array.from([0, -0.5]);
    expect([...mixDown([left, right])]).toEqual([0.5, 0]);
    expect(mixDown([left])).toBe(left);
    expect(mixDown([]).length).toBe(0);
  });
});

describe('rmsLevel', () => {
  it('is 0 for silence and about 0.707 x amplitude for a sine', () => {
    expect(rmsLevel(new Int16Array(100))).toBe(0);
    expect(rmsLevel(new Int16Array(0))).toBe(0);
    expect(rmsLevel(floatToInt16(sine(1000, 16_000, 0.1, 0.5)))).toBeCloseTo(0.3536, 3);
  });
});

describe('Int16Chunker', () => {
  it('hands out chunks of exactly 1600 samples, in order, and the rest on flush', () => {
    const chunker = new Int16Chunker();
    expect(chunker.size).toBe(AUDIO_FRAME_MAX_SAMPLES);
    const counting = Int16Array.from({ length: 4000 }, (_, i) => i);
    const chunks = [
      ...chunker.push(counting.subarray(0, 1000)),
      ...chunker.push(counting.subarray(1000, 3500)),
      ...chunker.push(counting.subarray(3500)),
    ];
    expect(chunks.map((c) => c.length)).toEqual([1600, 1600]);
    expect(chunks[1]?.[0]).toBe(1600);
    const rest = chunker.flush();
    expect(rest.length).toBe(800);
    expect(rest[0]).toBe(3200);
    expect(chunker.flush().length).toBe(0);
  });

  it('gives each chunk its own buffer, so a transferred one cannot be overwritten', () => {
    const chunker = new Int16Chunker(4);
    const [a] = chunker.push(Int16Array.from([1, 2, 3, 4]));
    const [b] = chunker.push(Int16Array.from([5, 6, 7, 8]));
    expect(a?.buffer).not.toBe(b?.buffer);
    expect([...(a ?? [])]).toEqual([1, 2, 3, 4]);
  });
});

describe('CapturePipeline', () => {
  it('turns a second of 48 kHz stereo in 128-sample blocks into ten 100 ms chunks with a level', () => {
    const pipeline = new CapturePipeline(48_000);
    const left = sine(1000, 48_000, 1.01);
    const right = left.map((s) => s);
    const chunks = [];
    for (let i = 0; i < left.length; i += 128) {
      chunks.push(...pipeline.push([left.subarray(i, i + 128), right.subarray(i, i + 128)]));
    }
    expect(chunks.length).toBe(10);
    expect(chunks.every((c) => c.pcm.length === 1600)).toBe(true);
    expect(chunks[5]?.level).toBeCloseTo(0.3536, 2);
    const rest = pipeline.flush();
    expect(rest.pcm.length).toBeLessThan(1600);
  });
});
