// Audio frames: the microphone's sound on a client's own link (a WebSocket's
// binary message, or an ArrayBuffer over the kiosk's IPC), defined once for
// both ends. One frame is a fixed 8-byte header and up to 100 ms of 16 kHz mono
// 16-bit little-endian PCM:
//
//   byte 0     kind, AUDIO_FRAME_KIND (no JSON frame starts with this byte)
//   byte 1     flags: AUDIO_START opens an utterance, AUDIO_END closes it,
//              AUDIO_DROP (with AUDIO_END, no samples) drops it untranscribed
//   bytes 2-3  reserved, zero
//   bytes 4-7  the utterance id, uint32 little-endian, chosen by the client
//   bytes 8-   PCM samples, int16 little-endian
//
// An utterance is the frames from one with AUDIO_START to one with AUDIO_END
// (a single frame may carry both); an end frame may hold no samples. A drop
// frame (hands-free switched off, Talk cancelled) ends the utterance, or one
// already ended and still being transcribed, without a message. The header
// is 8 bytes so the samples stay aligned. No imports: the renderer and the
// preload may bundle this file.

export const AUDIO_FRAME_KIND = 0xa1;
export const AUDIO_START = 0b01;
export const AUDIO_END = 0b10;
export const AUDIO_DROP = 0b100;
export const AUDIO_HEADER_BYTES = 8;
export const AUDIO_SAMPLE_RATE = 16_000;
/** 100 ms of audio: a frame holds at most this many samples. */
export const AUDIO_FRAME_MAX_SAMPLES = AUDIO_SAMPLE_RATE / 10;
/** The largest frame there is, header included: 3,208 bytes. */
export const AUDIO_FRAME_MAX_BYTES = AUDIO_HEADER_BYTES + AUDIO_FRAME_MAX_SAMPLES * 2;

const KNOWN_FLAGS = AUDIO_START | AUDIO_END | AUDIO_DROP;
const MAX_UTTERANCE_ID = 0xffff_ffff;

export interface AudioFrame {
  /** Which utterance the samples belong to (uint32). */
  utterance: number;
  /** The first frame of the utterance. */
  start: boolean;
  /** The last frame of the utterance. */
  end: boolean;
  /** The client drops the utterance: nothing is transcribed (an end frame with no samples). */
  drop?: boolean;
  /** 16 kHz mono samples, at most AUDIO_FRAME_MAX_SAMPLES. */
  pcm: Int16Array;
}

/** One frame as bytes to send; throws RangeError on a frame that cannot be one. */
export function encodeAudioFrame(frame: AudioFrame): Uint8Array {
  const { utterance, pcm } = frame;
  if (!Number.isInteger(utterance) || utterance < 0 || utterance > MAX_UTTERANCE_ID) {
    throw new RangeError(`utterance id must be a uint32, not ${utterance}`);
  }
  if (pcm.length > AUDIO_FRAME_MAX_SAMPLES) {
    throw new RangeError(
      `an audio frame holds at most ${AUDIO_FRAME_MAX_SAMPLES} samples (100 ms), not ${pcm.length}`,
    );
  }
  if (frame.drop === true && (!frame.end || pcm.length > 0)) {
    throw new RangeError('a drop frame is an end frame with no samples');
  }
  const bytes = new Uint8Array(AUDIO_HEADER_BYTES + pcm.length * 2);
  const view = new DataView(bytes.buffer);
  view.setUint8(0, AUDIO_FRAME_KIND);
  view.setUint8(
    1,
    (frame.start ? AUDIO_START : 0) | (frame.end ? AUDIO_END : 0) | (frame.drop ? AUDIO_DROP : 0),
  );
  view.setUint32(4, utterance, true);
  for (let i = 0; i < pcm.length; i++) {
    view.setInt16(AUDIO_HEADER_BYTES + i * 2, pcm[i] ?? 0, true);
  }
  return bytes;
}

/**
 * Bytes received as one frame, or why they are not one. The samples are copied
 * out, so the frame never aliases a transport's (pooled) buffer.
 */
export function decodeAudioFrame(bytes: Uint8Array): AudioFrame | { error: string } {
  if (bytes.length < AUDIO_HEADER_BYTES) {
    return { error: `bad audio frame: ${bytes.length} bytes is shorter than its 8-byte header` };
  }
  if (bytes.length > AUDIO_FRAME_MAX_BYTES) {
    return {
      error: `bad audio frame: ${bytes.length} bytes is over the ${AUDIO_FRAME_MAX_BYTES} a frame may hold`,
    };
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const kind = view.getUint8(0);
  if (kind !== AUDIO_FRAME_KIND) {
    return { error: `bad audio frame: kind byte 0x${kind.toString(16)} is not 0xa1` };
  }
  const flags = view.getUint8(1);
  if ((flags & ~KNOWN_FLAGS) !== 0) {
    return { error: `bad audio frame: unknown flags 0x${flags.toString(16)}` };
  }
  if (view.getUint16(2, true) !== 0) {
    return { error: 'bad audio frame: reserved bytes 2-3 must be zero' };
  }
  const payload = bytes.length - AUDIO_HEADER_BYTES;
  if (payload % 2 !== 0) {
    return { error: 'bad audio frame: the samples are 16-bit, so their byte count must be even' };
  }
  const drop = (flags & AUDIO_DROP) !== 0;
  if (drop && ((flags & AUDIO_END) === 0 || payload > 0)) {
    return { error: 'bad audio frame: a drop frame must be an end frame with no samples' };
  }
  const pcm = new Int16Array(payload / 2);
  for (let i = 0; i < pcm.length; i++) pcm[i] = view.getInt16(AUDIO_HEADER_BYTES + i * 2, true);
  return {
    utterance: view.getUint32(4, true),
    start: (flags & AUDIO_START) !== 0,
    end: (flags & AUDIO_END) !== 0,
    ...(drop ? { drop: true } : {}),
    pcm,
  };
}

/** ms of audio in this many samples. */
export function audioDurationMs(samples: number): number {
  return (samples * 1000) / AUDIO_SAMPLE_RATE;
}

// Speech frames: a spoken answer coming back to the client that asked, on the
// same link. One frame is a 24-byte header and up to a second of mono 16-bit
// little-endian PCM at the voice's own rate:
//
//   byte 0      kind, SPEECH_FRAME_KIND
//   byte 1      flags: SPEECH_LAST, no more speech follows for this answer
//   bytes 2-3   reserved, zero
//   bytes 4-7   the sample rate in Hz, uint32 little-endian
//   bytes 8-23  the answer's message id, a UUID as 16 bytes
//   bytes 24-   PCM samples, int16 little-endian

export const SPEECH_FRAME_KIND = 0xa2;
export const SPEECH_LAST = 0b01;
export const SPEECH_HEADER_BYTES = 24;
/** The slowest and fastest voices there are: anything else is not speech. */
const SPEECH_RATES = { min: 8_000, max: 48_000 };
export const SPEECH_FRAME_MAX_SAMPLES = SPEECH_RATES.max;

export interface SpeechFrame {
  /** The assistant message being spoken. */
  answerId: string;
  sampleRate: number;
  pcm: Int16Array;
  last: boolean;
}

const UUID_HEX = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeSpeechFrame(frame: SpeechFrame): Uint8Array {
  if (!UUID_HEX.test(frame.answerId)) throw new RangeError('answerId must be a UUID');
  const { sampleRate, pcm } = frame;
  if (
    !Number.isInteger(sampleRate) ||
    sampleRate < SPEECH_RATES.min ||
    sampleRate > SPEECH_RATES.max
  ) {
    throw new RangeError(`a sample rate of ${sampleRate} Hz is not a voice's`);
  }
  if (pcm.length > SPEECH_FRAME_MAX_SAMPLES) {
    throw new RangeError(`a speech frame holds at most ${SPEECH_FRAME_MAX_SAMPLES} samples`);
  }
  const bytes = new Uint8Array(SPEECH_HEADER_BYTES + pcm.length * 2);
  const view = new DataView(bytes.buffer);
  view.setUint8(0, SPEECH_FRAME_KIND);
  view.setUint8(1, frame.last ? SPEECH_LAST : 0);
  view.setUint32(4, sampleRate, true);
  const hex = frame.answerId.replace(/-/g, '');
  for (let i = 0; i < 16; i++) view.setUint8(8 + i, parseInt(hex.slice(i * 2, i * 2 + 2), 16));
  for (let i = 0; i < pcm.length; i++)
    view.setInt16(SPEECH_HEADER_BYTES + i * 2, pcm[i] ?? 0, true);
  return bytes;
}

export function decodeSpeechFrame(bytes: Uint8Array): SpeechFrame | { error: string } {
  if (bytes.length < SPEECH_HEADER_BYTES) {
    return { error: `bad speech frame: ${bytes.length} bytes is shorter than its header` };
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint8(0) !== SPEECH_FRAME_KIND) return { error: 'bad speech frame: wrong kind byte' };
  const flags = view.getUint8(1);
  if ((flags & ~SPEECH_LAST) !== 0 || view.getUint16(2, true) !== 0) {
    return { error: 'bad speech frame: unknown flags or reserved bytes set' };
  }
  const sampleRate = view.getUint32(4, true);
  if (sampleRate < SPEECH_RATES.min || sampleRate > SPEECH_RATES.max) {
    return { error: `bad speech frame: ${sampleRate} Hz is not a voice's rate` };
  }
  const payload = bytes.length - SPEECH_HEADER_BYTES;
  if (payload % 2 !== 0 || payload / 2 > SPEECH_FRAME_MAX_SAMPLES) {
    return { error: 'bad speech frame: its samples do not fit' };
  }
  let hex = '';
  for (let i = 0; i < 16; i++)
    hex += view
      .getUint8(8 + i)
      .toString(16)
      .padStart(2, '0');
  const answerId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  const pcm = new Int16Array(payload / 2);
  for (let i = 0; i < pcm.length; i++) pcm[i] = view.getInt16(SPEECH_HEADER_BYTES + i * 2, true);
  return { answerId, sampleRate, pcm, last: (flags & SPEECH_LAST) !== 0 };
}
