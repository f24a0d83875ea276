import { describe, expect, it } from 'vitest';
import { parseWav, WavError } from './wav';

interface WavShape {
  channels?: number;
  sampleRate?: number;
  bits?: number;
  format?: number;
  /** Chunks between fmt and data, e.g. LIST. */
  extra?: { id: string; body: Uint8Array }[];
  samples?: number[];
  /** What the data chunk claims, when it should lie. */
  dataSize?: number;
}

function wav(shape: WavShape = {}): Uint8Array {
  const samples = shape.samples ?? [0, 1000, -1000, 32767, -32768];
  const chunks: { id: string; body: Uint8Array; size?: number }[] = [];
  const fmt = new DataView(new ArrayBuffer(16));
  fmt.setUint16(0, shape.format ?? 1, true);
  fmt.setUint16(2, shape.channels ?? 1, true);
  fmt.setUint32(4, shape.sampleRate ?? 16_000, true);
  fmt.setUint32(8, (shape.sampleRate ?? 16_000) * 2, true);
  fmt.setUint16(12, 2, true);
  fmt.setUint16(14, shape.bits ?? 16, true);
  chunks.push({ id: 'fmt ', body: new Uint8Array(fmt.buffer) });
  chunks.push(...(shape.extra ?? []));
  const data = new DataView(new ArrayBuffer(samples.length * 2));
  samples.forEach((sample, i) => data.setInt16(i * 2, sample, true));
  chunks.push({ id: 'data', body: new Uint8Array(data.buffer), size: shape.dataSize });
  const parts: number[] = [...'RIFF'].map((c) => c.charCodeAt(0));
  parts.push(0, 0, 0, 0, ...[...'WAVE'].map((c) => c.charCodeAt(0)));
  for (const chunk of chunks) {
    parts.push(...[...chunk.id].map((c) => c.charCodeAt(0)));
    const size = chunk.size ?? chunk.body.length;
    parts.push(size & 0xff, (size >> 8) & 0xff, (size >> 16) & 0xff, (size >>> 24) & 0xff);
    parts.push(...chunk.body);
    if (chunk.body.length % 2 === 1) parts.push(0);
  }
  return Uint8Array.from(parts);
}

describe('parseWav', () => {
  it('reads the samples of a mono 16-bit file, skipping chunks it does not need (odd-sized ones too)', () => {
    const audio = parseWav(
      wav({ extra: [{ id: 'LIST', body: Uint8Array.from([1, 2, 3]) }], sampleRate: 22_050 }),
    );
    expect(audio.sampleRate).toBe(22_050);
    expect([...audio.pcm]).toEqual([0, 1000, -1000, 32767, -32768]);
  });

  it.each<[string, Uint8Array, RegExp]>([
    ['nothing', new Uint8Array(0), /not a WAV file \(0 bytes/],
    ['text', new TextEncoder().encode('flite: command not found\n'), /not a WAV file/],
    ['stereo', wav({ channels: 2 }), /2 channels, not 1/],
    ['8-bit', wav({ bits: 8 }), /8-bit samples, not 16/],
    ['float', wav({ format: 3 }), /format 3 is not PCM/],
    ['a silly rate', wav({ sampleRate: 1000 }), /1000 Hz is out of range/],
    [
      'a data chunk longer than the file',
      wav({ dataSize: 1000 }),
      /truncated: its data chunk says 1000 bytes, 10 are there/,
    ],
    ['a cut-off file', wav().subarray(0, 40), /no data chunk|truncated/],
  ])('refuses %s with a WavError saying what is wrong', (_name, bytes, message) => {
    expect(() => parseWav(bytes)).toThrow(WavError);
    expect(() => parseWav(bytes)).toThrow(message);
  });
});
