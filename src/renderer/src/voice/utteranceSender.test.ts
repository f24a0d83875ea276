import { describe, expect, it } from 'vitest';
import { AUDIO_FRAME_MAX_BYTES, decodeAudioFrame, type AudioFrame } from '../../../shared/audio';
import { UtteranceSender, utteranceIds } from './utteranceSender';

function decodeAll(sent: Uint8Array[]): AudioFrame[] {
  return sent.map((bytes) => {
    const frame = decodeAudioFrame(bytes);
    if ('error' in frame) throw new Error(frame.error);
    return frame;
  });
}

describe('UtteranceSender', () => {
  it('flags the first frame start and the last end, all under one utterance id', () => {
    const sent: Uint8Array[] = [];
    const sender = new UtteranceSender(42, (bytes) => sent.push(bytes));
    sender.chunk(new Int16Array(1600).fill(3));
    sender.chunk(new Int16Array(1600).fill(-3));
    sender.end(Int16Array.from([1, 2, 3]));
    const frames = decodeAll(sent);
    expect(frames.map((f) => [f.utterance, f.start, f.end, f.pcm.length])).toEqual([
      [42, true, false, 1600],
      [42, false, false, 1600],
      [42, false, true, 3],
    ]);
    expect(sent[0]?.length).toBe(AUDIO_FRAME_MAX_BYTES);
    expect(frames[1]?.pcm[0]).toBe(-3);
    expect(sender.frames).toBe(3);
  });

  it('an utterance ended before any chunk is one frame that both starts and ends it', () => {
    const sent: Uint8Array[] = [];
    const sender = new UtteranceSender(1, (bytes) => sent.push(bytes));
    sender.end();
    sender.end();
    expect(decodeAll(sent)).toEqual([
      { utterance: 1, start: true, end: true, pcm: new Int16Array(0) },
    ]);
    expect(() => sender.chunk(new Int16Array(10))).toThrow(/already ended/);
  });

  it('drops an utterance open or already ended with a drop frame, and one never started with none', () => {
    const sent: Uint8Array[] = [];
    const open = new UtteranceSender(5, (bytes) => sent.push(bytes));
    open.chunk(new Int16Array(1600));
    open.drop();
    const ended = new UtteranceSender(6, (bytes) => sent.push(bytes));
    ended.end(new Int16Array(10));
    ended.drop();
    const unstarted = new UtteranceSender(7, (bytes) => sent.push(bytes));
    unstarted.drop();
    expect(decodeAll(sent).map((f) => [f.utterance, f.start, f.end, f.drop ?? false])).toEqual([
      [5, true, false, false],
      [5, false, true, true],
      [6, true, true, false],
      [6, false, true, true],
    ]);
    expect(() => open.chunk(new Int16Array(10))).toThrow(/already ended/);
  });

  it("lets the link's failure reach the caller, and does not resend the start", () => {
    let fail = true;
    const sent: Uint8Array[] = [];
    const sender = new UtteranceSender(5, (bytes) => {
      if (fail) throw new Error('Not connected to Hearth');
      sent.push(bytes);
    });
    expect(() => sender.chunk(new Int16Array(10))).toThrow('Not connected to Hearth');
    fail = false;
    sender.chunk(new Int16Array(10));
    expect(decodeAll(sent)[0]?.start).toBe(false);
  });
});

describe('utteranceIds', () => {
  it('counts up from its start and wraps within uint32', () => {
    const next = utteranceIds(0xffff_fffe);
    expect([next(), next(), next()]).toEqual([0xffff_fffe, 0xffff_ffff, 0]);
    const random = utteranceIds();
    const first = random();
    expect(Number.isInteger(first) && first >= 0 && first <= 0xffff_ffff).toBe(true);
    expect(random()).toBe((first + 1) >>> 0);
  });
});
