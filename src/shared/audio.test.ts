import { describe, expect, it } from 'vitest';
import {
  AUDIO_FRAME_MAX_BYTES,
  AUDIO_FRAME_MAX_SAMPLES,
  AUDIO_HEADER_BYTES,
  decodeAudioFrame,
  decodeSpeechFrame,
  encodeAudioFrame,
  encodeSpeechFrame,
  type AudioFrame,
} from './audio';

const ramp = (n: number): Int16Array =>
  Int16Array.from({ length: n }, (_, i) => ((i * 2731) % 65536) - 32768);

describe('audio frames', () => {
  it('round-trips header and samples, extremes included, for every flag combination', () => {
    const pcm = ramp(AUDIO_FRAME_MAX_SAMPLES);
    pcm[0] = -32768;
    pcm[1] = 32767;
    for (const [start, end] of [
      [true, false],
      [false, false],
      [false, true],
      [true, true],
    ] as const) {
      const frame: AudioFrame = { utterance: 0xfedc_ba98, start, end, pcm };
      const bytes = encodeAudioFrame(frame);
      expect(bytes.length).toBe(AUDIO_FRAME_MAX_BYTES);
      expect(decodeAudioFrame(bytes)).toEqual(frame);
    }
  });

  it('writes the documented layout: kind 0xa1, flags, zero, little-endian id and samples', () => {
    const bytes = encodeAudioFrame({
      utterance: 0x0403_0201,
      start: true,
      end: true,
      pcm: Int16Array.of(0x1234, -2),
    });
    expect([...bytes]).toEqual([0xa1, 0b11, 0, 0, 1, 2, 3, 4, 0x34, 0x12, 0xfe, 0xff]);
  });

  it('decodes a frame at any offset of a larger buffer and copies its samples', () => {
    const frame = encodeAudioFrame({ utterance: 7, start: true, end: false, pcm: ramp(5) });
    const pool = new Uint8Array(frame.length + 3);
    pool.set(frame, 3); // an odd offset, as a pooled Node Buffer may have
    const decoded = decodeAudioFrame(pool.subarray(3));
    if ('error' in decoded) throw new Error(decoded.error);
    expect([...decoded.pcm]).toEqual([...ramp(5)]);
    pool.fill(0);
    expect([...decoded.pcm]).toEqual([...ramp(5)]);
  });

  it('takes an end marker with no samples', () => {
    const bytes = encodeAudioFrame({
      utterance: 1,
      start: false,
      end: true,
      pcm: new Int16Array(),
    });
    expect(bytes.length).toBe(AUDIO_HEADER_BYTES);
    expect(decodeAudioFrame(bytes)).toMatchObject({ utterance: 1, end: true, start: false });
  });

  it('carries a drop: an end frame with no samples and the drop flag', () => {
    const bytes = encodeAudioFrame({
      utterance: 9,
      start: false,
      end: true,
      drop: true,
      pcm: new Int16Array(),
    });
    expect(bytes[1]).toBe(0b110);
    expect(decodeAudioFrame(bytes)).toMatchObject({ utterance: 9, end: true, drop: true });
    const plainEnd = encodeAudioFrame({ utterance: 9, start: false, end: true, pcm: ramp(2) });
    expect(decodeAudioFrame(plainEnd)).not.toHaveProperty('drop');
    expect(() =>
      encodeAudioFrame({ utterance: 9, start: false, end: true, drop: true, pcm: ramp(1) }),
    ).toThrow(/a drop frame is an end frame with no samples/);
  });

  it('refuses malformed frames, naming what is wrong', () => {
    const good = encodeAudioFrame({ utterance: 1, start: true, end: false, pcm: ramp(4) });
    const altered = (at: number, value: number): Uint8Array => {
      const copy = good.slice();
      copy[at] = value;
      return copy;
    };
    const cases: [Uint8Array, RegExp][] = [
      [new Uint8Array(), /shorter than its 8-byte header/],
      [good.subarray(0, 7), /shorter than its 8-byte header/],
      [altered(0, 0x7b), /kind byte 0x7b is not 0xa1/],
      [altered(1, 0b1000), /unknown flags 0x8/],
      [altered(1, 0b101), /a drop frame must be an end frame with no samples/],
      [altered(1, 0b110), /a drop frame must be an end frame with no samples/],
      [altered(2, 1), /reserved bytes/],
      [altered(3, 1), /reserved bytes/],
      [good.subarray(0, good.length - 1), /must be even/],
      [new Uint8Array(AUDIO_FRAME_MAX_BYTES + 2).fill(0xa1, 0, 1), /over the 3208/],
    ];
    for (const [bytes, why] of cases) {
      const decoded = decodeAudioFrame(bytes);
      expect('error' in decoded ? decoded.error : 'decoded', why.source).toMatch(why);
    }
  });

  it('refuses to encode a frame that cannot be one', () => {
    const frame = { utterance: 1, start: true, end: false, pcm: ramp(1) };
    expect(() => encodeAudioFrame({ ...frame, pcm: ramp(AUDIO_FRAME_MAX_SAMPLES + 1) })).toThrow(
      /at most 1600 samples/,
    );
    for (const utterance of [-1, 1.5, 2 ** 32, Number.NaN]) {
      expect(() => encodeAudioFrame({ ...frame, utterance })).toThrow(/uint32/);
    }
  });
});

describe('speech frames', () => {
  const answerId = '0b1e2f3a-2222-4333-8444-955566667777';

  it('round-trips the answer id, rate, last flag and samples', () => {
    const pcm = Int16Array.from([0, 1, -1, 32767, -32768]);
    for (const last of [false, true]) {
      const bytes = encodeSpeechFrame({ answerId, sampleRate: 22050, pcm, last });
      expect(bytes[0]).toBe(0xa2);
      expect(bytes.length).toBe(24 + pcm.length * 2);
      expect(decodeSpeechFrame(bytes)).toEqual({ answerId, sampleRate: 22050, pcm, last });
    }
  });

  it('refuses what is not a speech frame, naming why', () => {
    const good = encodeSpeechFrame({
      answerId,
      sampleRate: 16000,
      pcm: new Int16Array(4),
      last: false,
    });
    expect(decodeSpeechFrame(good.slice(0, 10))).toEqual({
      error: expect.stringMatching(/shorter/),
    });
    const audio = good.slice();
    audio[0] = 0xa1;
    expect(decodeSpeechFrame(audio)).toEqual({ error: expect.stringMatching(/kind/) });
    const rate = good.slice();
    new DataView(rate.buffer).setUint32(4, 1000, true);
    expect(decodeSpeechFrame(rate)).toEqual({ error: expect.stringMatching(/1000 Hz/) });
    expect(decodeSpeechFrame(good.slice(0, good.length - 1))).toEqual({
      error: expect.stringMatching(/samples/),
    });
    expect(() =>
      encodeSpeechFrame({
        answerId: 'not-a-uuid',
        sampleRate: 16000,
        pcm: new Int16Array(1),
        last: true,
      }),
    ).toThrow(/UUID/);
  });
});
