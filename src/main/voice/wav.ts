// Reads a RIFF WAVE file of 16-bit PCM, as flite writes it, checking every
// field it relies on: a text-to-speech program that wrote something else is a
// clear error, never noise played through the speaker.

export interface PcmAudio {
  sampleRate: number;
  /** Mono 16-bit samples. */
  pcm: Int16Array;
}

export class WavError extends Error {
  override name = 'WavError';
}

const PCM_FORMAT = 1;
const EXTENSIBLE_FORMAT = 0xfffe;

/** The samples of a mono 16-bit PCM WAV file; throws WavError saying what is wrong. */
export function parseWav(bytes: Uint8Array): PcmAudio {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (offset: number): string =>
    String.fromCharCode(...bytes.subarray(offset, offset + 4));
  if (bytes.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') {
    throw new WavError(`not a WAV file (${bytes.length} bytes, no RIFF/WAVE header)`);
  }
  let format: { channels: number; sampleRate: number; bits: number } | undefined;
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const id = tag(offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + size > bytes.length) throw new WavError('WAV fmt chunk is truncated');
      const code = view.getUint16(body, true);
      if (code !== PCM_FORMAT && code !== EXTENSIBLE_FORMAT) {
        throw new WavError(`WAV format ${code} is not PCM`);
      }
      format = {
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        bits: view.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      if (!format) throw new WavError('WAV data chunk comes before its fmt chunk');
      if (format.channels !== 1) throw new WavError(`WAV has ${format.channels} channels, not 1`);
      if (format.bits !== 16) throw new WavError(`WAV has ${format.bits}-bit samples, not 16`);
      if (format.sampleRate < 8000 || format.sampleRate > 48_000) {
        throw new WavError(`WAV sample rate ${format.sampleRate} Hz is out of range`);
      }
      if (size % 2 !== 0) throw new WavError('WAV data is not a whole number of samples');
      if (body + size > bytes.length) {
        throw new WavError(
          `WAV is truncated: its data chunk says ${size} bytes, ${bytes.length - body} are there`,
        );
      }
      const pcm = new Int16Array(size / 2);
      for (let i = 0; i < pcm.length; i++) pcm[i] = view.getInt16(body + i * 2, true);
      return { sampleRate: format.sampleRate, pcm };
    }
    // Chunks are padded to an even length.
    offset = body + size + (size % 2);
  }
  throw new WavError('WAV has no data chunk');
}
