// The voice link on a transport: speech frames decoded (a bad one dropped with
// a warning, the ones after it still played), only this client's voice events
// passed on, the snapshot's voice availability, and the two commands.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { encodeSpeechFrame } from '../../../shared/audio';
import type { VoiceAvailability } from '../../../shared/api';
import { fakeTransport, settle, snapshot } from '../../../testing/rendererFakes';
import { transportVoiceLink, type SpokenChunk, type VoiceLinkUpdate } from './voiceLink';

const ANSWER = '0b7e6a52-43f1-4f0e-9d55-3c1f3b2a9e10';
const CONVERSATION = '5d0f3c3e-8a0b-4c8e-b1a9-6b2b7b0d9f21';

afterEach(() => vi.restoreAllMocks());

function linked(handlers: Parameters<typeof fakeTransport>[0] = {}) {
  const fake = fakeTransport({ getSnapshot: () => snapshot(), ...handlers });
  return { fake, link: transportVoiceLink(fake.transport) };
}

describe('transportVoiceLink', () => {
  it('decodes each speech frame into a chunk to play', () => {
    const { fake, link } = linked();
    const chunks: SpokenChunk[] = [];
    const off = link.onSpokenAudio((chunk) => chunks.push(chunk));
    const pcm = Int16Array.from([0, 1000, -1000, 32767, -32768]);
    fake.speak(encodeSpeechFrame({ answerId: ANSWER, sampleRate: 22_050, pcm, last: false }));
    fake.speak(
      encodeSpeechFrame({
        answerId: ANSWER,
        sampleRate: 22_050,
        pcm: new Int16Array(0),
        last: true,
      }),
    );
    expect(chunks).toEqual([
      { answerId: ANSWER, sampleRate: 22_050, pcm, last: false },
      { answerId: ANSWER, sampleRate: 22_050, pcm: new Int16Array(0), last: true },
    ]);
    off();
    fake.speak(encodeSpeechFrame({ answerId: ANSWER, sampleRate: 16_000, pcm, last: true }));
    expect(chunks).toHaveLength(2);
  });

  it('drops a bad speech frame with a warning, and plays the ones after it', () => {
    const { fake, link } = linked();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const chunks: SpokenChunk[] = [];
    link.onSpokenAudio((chunk) => chunks.push(chunk));
    const good = encodeSpeechFrame({
      answerId: ANSWER,
      sampleRate: 16_000,
      pcm: Int16Array.from([5, 6]),
      last: false,
    });
    const wrongRate = good.slice();
    new DataView(wrongRate.buffer).setUint32(4, 1_000_000, true);
    fake.speak(wrongRate);
    fake.speak(good.subarray(0, 10));
    fake.speak(good.subarray(0, good.length - 1));
    expect(chunks).toEqual([]);
    expect(warn).toHaveBeenCalledTimes(3);
    expect(String(warn.mock.calls[0]?.[0])).toMatch(
      /a speech frame was dropped: bad speech frame: 1000000 Hz/,
    );
    fake.speak(good);
    expect(chunks.map((c) => Array.from(c.pcm))).toEqual([[5, 6]]);
  });

  it("passes on only the voice events, each as the utterance's update", () => {
    const { fake, link } = linked();
    const updates: VoiceLinkUpdate[] = [];
    link.onVoiceState((update) => updates.push(update));
    fake.emit({ type: 'voice', utterance: 3, state: 'transcribing' });
    fake.emit({ type: 'tokens', conversationId: CONVERSATION, messageId: ANSWER, text: 'Once' });
    fake.emit({ type: 'voice', utterance: 3, state: 'idle' });
    fake.emit({ type: 'voice', utterance: 4, state: 'heardSpeech' });
    fake.emit({ type: 'appearance', theme: 'dark' });
    fake.emit({ type: 'voice', utterance: 4, state: 'idle', note: "I didn't hear anything." });
    expect(updates).toEqual([
      { utterance: 3, state: 'transcribing' },
      { utterance: 3, state: 'idle' },
      { utterance: 4, state: 'heardSpeech' },
      { utterance: 4, state: 'idle', note: "I didn't hear anything." },
    ]);
  });

  it("tells whether Hearth can hear from each session's snapshot", async () => {
    const voice: VoiceAvailability = { canHear: false, canSpeak: true, note: 'no recognizer' };
    const { fake, link } = linked({ getSnapshot: () => ({ ...snapshot(), voice }) });
    const seen: (VoiceAvailability | undefined)[] = [];
    link.onAvailability((available) => seen.push(available));
    await fake.start();
    fake.resync({ snapshot: snapshot() });
    expect(seen).toEqual([voice, undefined]);
  });

  it('tells a new hands-free quiet time from the voiceAvailability event, and stops when unsubscribed', async () => {
    const { fake, link } = linked();
    const seen: (VoiceAvailability | undefined)[] = [];
    const off = link.onAvailability((available) => seen.push(available));
    await fake.start();
    const changed: VoiceAvailability = { canHear: true, canSpeak: true, handsFreeQuietMs: 15_000 };
    fake.emit({ type: 'voiceAvailability', voice: changed });
    off();
    fake.emit({ type: 'voiceAvailability', voice: { ...changed, handsFreeQuietMs: 5000 } });
    expect(seen).toEqual([undefined, changed]);
  });

  it('asks for a voice test with the testVoice command, and passes on its refusal', async () => {
    let refuse = false;
    const { fake, link } = linked({
      testVoice: () => {
        if (refuse) throw new Error('Hearth cannot speak: flite is not installed');
        return { ok: true };
      },
    });
    await fake.start();
    await link.testVoice(1.2);
    await link.testVoice();
    refuse = true;
    await expect(link.testVoice(1)).rejects.toThrow(/flite is not installed/);
    expect(fake.calls.filter((c) => c.name === 'testVoice').map((c) => c.args)).toEqual([
      { rate: 1.2 },
      {},
      { rate: 1 },
    ]);
  });

  it('asks for an answer to be spoken and stopped with the API commands', async () => {
    const { fake, link } = linked({
      speakAnswer: () => ({ ok: true }),
      stopSpeech: () => ({ ok: true }),
    });
    await fake.start();
    await link.speakAnswer(CONVERSATION, ANSWER);
    link.stopSpeech(ANSWER);
    await settle();
    expect(fake.calls.filter((c) => c.name !== 'getSnapshot')).toEqual([
      { name: 'speakAnswer', args: { conversationId: CONVERSATION, messageId: ANSWER } },
      { name: 'stopSpeech', args: { messageId: ANSWER } },
    ]);
  });

  it("speakAnswer's refusal reaches the caller; stopSpeech's only warns", async () => {
    const { fake, link } = linked({
      speakAnswer: () => {
        throw new Error('Hearth cannot speak: flite is not installed');
      },
    });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    await fake.start();
    await expect(link.speakAnswer(CONVERSATION, ANSWER)).rejects.toThrow(/flite is not installed/);
    fake.drop();
    expect(() => link.stopSpeech(ANSWER)).not.toThrow();
    await settle();
    expect(warn).toHaveBeenCalledWith('hearth: stopSpeech failed', expect.any(Error));
  });

  it("sends audio frames on the transport's own link", () => {
    const sent: Uint8Array[] = [];
    const fake = fakeTransport({});
    const link = transportVoiceLink({ ...fake.transport, sendAudio: (bytes) => sent.push(bytes) });
    const frame = Uint8Array.from([0xa1, 0b11, 0, 0, 1, 0, 0, 0]);
    link.sendAudio(frame);
    expect(sent).toEqual([frame]);
  });
});
