// Hearth hears and speaks, through the composed product and a client's real
// connection: speech made with flite streams in as audio frames, the real
// speech detector ends the utterance when the person stops, pocketsphinx makes
// it the person's message in the conversation the client has open, the fixture
// model answers, and the answer comes back to that client as flite speech.
import { describe, expect, it } from 'vitest';
import {
  AUDIO_FRAME_MAX_SAMPLES,
  decodeSpeechFrame,
  encodeAudioFrame,
  type SpeechFrame,
} from '../../shared/audio';
import type { HearthEvent } from '../../shared/api';
import { Emitter } from '../../shared/emitter';
import type { ServerFrame } from '../../shared/wire';
import { useCleanups } from '../../testing/cleanups';
import { createMemoryLogger } from '../../testing/loggers';
import { appConfig } from '../../testing/serviceFakes';
import { composeTestCore } from '../../testing/testCore';
import { padWithSilence, samplesOf, SENTENCE } from '../../testing/voiceFixtures';
import { serveRpc, type Received } from '../clients/connection';
import { Flite } from '../voice/flite';
import { NOTHING_HEARD } from '../voice/voiceListening';

const cleanups = useCleanups();

async function speech(text: string): Promise<Int16Array> {
  await using flite = new Flite();
  return await flite.speak(text);
}

async function talkingHearth() {
  const logger = createMemoryLogger();
  const app = composeTestCore(appConfig(cleanups.scratchDir(), { HEARTH_MAX_TOKENS: '40' }), {
    logger,
  });
  cleanups.defer(() => app.dispose());
  await app.start();
  const incoming = new Emitter<Received>();
  const posted: ServerFrame[] = [];
  const spoken: SpeechFrame[] = [];
  // The link's own clock, so 100 ms frames can be sent at the audio rate without waiting.
  let clock = 0;
  const served = serveRpc(
    {
      post: (frame) => posted.push(structuredClone(frame)),
      postSpeech: (bytes) => {
        const frame = decodeSpeechFrame(bytes);
        if ('error' in frame) throw new Error(frame.error);
        spoken.push(frame);
      },
      onReceive: (listener) => incoming.subscribe(listener),
    },
    {
      clients: app.clients,
      principal: { role: 'owner' },
      logger,
      transport: 'ws',
      connectionId: 'c',
      close: () => {},
      now: () => clock,
    },
  );
  cleanups.defer(() => served.dispose());
  const send = (frame: unknown) => {
    const text = JSON.stringify(frame);
    incoming.fire({ text, bytes: text.length });
  };
  send({ t: 'hello' });
  let ids = 0;
  const call = async <T>(name: string, args: unknown = {}): Promise<T> => {
    const id = ++ids;
    send({ t: 'call', id, name, args });
    let result: ServerFrame | undefined;
    await expect
      .poll(() => (result = posted.find((f) => f.t === 'result' && f.id === id)))
      .toBeDefined();
    if (result?.t !== 'result' || !result.ok) throw new Error(JSON.stringify(result));
    return result.value as T;
  };
  const events = (): HearthEvent[] =>
    posted.flatMap((frame) => (frame.t === 'event' ? [frame.event] : []));
  /** Streams the samples as one utterance of 100 ms frames, paced by the link's clock. */
  const talk = (utterance: number, pcm: Int16Array, end = true) => {
    for (let at = 0; at < pcm.length; at += AUDIO_FRAME_MAX_SAMPLES) {
      clock += 100;
      const last = at + AUDIO_FRAME_MAX_SAMPLES >= pcm.length;
      const bytes = encodeAudioFrame({
        utterance,
        start: at === 0,
        end: end && last,
        pcm: pcm.subarray(at, at + AUDIO_FRAME_MAX_SAMPLES),
      });
      incoming.fire({ audio: bytes, bytes: bytes.length });
    }
  };
  return { app, logger, call, events, talk, spoken };
}

const voiceEvents = (events: HearthEvent[]) =>
  events.filter((e): e is Extract<HearthEvent, { type: 'voice' }> => e.type === 'voice');

describe('talking to Hearth', () => {
  it('hears the end of speech by itself, makes it the message, and speaks the answer back', async () => {
    const hearth = await talkingHearth();
    const { id } = await hearth.call<{ id: string }>('newConversation');
    const words = padWithSilence(await speech(SENTENCE), 600);
    // The client never ends the utterance: a second of silence follows the words.
    hearth.talk(1, new Int16Array([...words, ...new Int16Array(samplesOf(1500))]), false);
    await expect
      .poll(() => voiceEvents(hearth.events()).map((e) => e.state), { timeout: 15_000 })
      .toEqual(['transcribing', 'idle']);
    expect(voiceEvents(hearth.events())[1]?.note).toBeUndefined();
    const conversation = await hearth.call<{
      messages: { role: string; text: string; id: string }[];
    }>('openConversation', { id });
    const said = conversation.messages.find((m) => m.role === 'user')?.text ?? '';
    expect(said).toMatch(/capital/);
    expect(said).toMatch(/france/);
    // The answer is spoken to this client: frames for the answer, the last one marked.
    await expect.poll(() => hearth.spoken.some((f) => f.last), { timeout: 20_000 }).toBe(true);
    const answer = (
      await hearth.call<{ messages: { role: string; text: string; id: string }[] }>(
        'openConversation',
        { id },
      )
    ).messages.find((m) => m.role === 'assistant');
    expect(new Set(hearth.spoken.map((f) => f.answerId))).toEqual(new Set([answer?.id]));
    const samples = hearth.spoken.reduce((n, f) => n + f.pcm.length, 0);
    const seconds = samples / (hearth.spoken[0]?.sampleRate ?? 16_000);
    // About as long as the text takes to say (flite speaks some 10 to 20 characters a second).
    const chars = (answer?.text ?? '').replace(/[^\p{L}\p{N}]/gu, '').length;
    expect(seconds).toBeGreaterThan(chars / 25);
    expect(seconds).toBeLessThan(chars / 5 + 2);
  });

  it("says it didn't hear anything when there is only silence, and sends no message", async () => {
    const hearth = await talkingHearth();
    const { id } = await hearth.call<{ id: string }>('newConversation');
    hearth.talk(7, new Int16Array(samplesOf(1000)));
    await expect
      .poll(() => voiceEvents(hearth.events()).find((e) => e.state === 'idle'), { timeout: 10_000 })
      .toMatchObject({ utterance: 7, note: NOTHING_HEARD });
    const conversation = await hearth.call<{ messages: unknown[] }>('openConversation', { id });
    expect(conversation.messages).toEqual([]);
    expect(hearth.spoken).toEqual([]);
  });
});
