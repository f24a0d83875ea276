// Hearth hears and speaks, through the composed product and a client's real
// connection: speech made with flite streams in as audio frames, the real
// speech detector ends the utterance when the person stops, pocketsphinx makes
// it the person's message in the conversation the client has open, the fixture
// model answers, and the answer comes back to that client as flite speech.
import { describe, expect, it } from 'vitest';
import type { HearthEvent } from '../../shared/api';
import { useCleanups } from '../../testing/cleanups';
import { createMemoryLogger } from '../../testing/loggers';
import { appConfig } from '../../testing/serviceFakes';
import { speakingClient } from '../../testing/speakingClient';
import { composeTestCore } from '../../testing/testCore';
import { padWithSilence, samplesOf, SENTENCE } from '../../testing/voiceFixtures';
import { Flite } from '../voice/flite';
import { NOTHING_HEARD } from '../voice/voiceListening';
import { VoiceLoad } from '../thermal/voiceLoad';

const cleanups = useCleanups();

async function speech(text: string): Promise<Int16Array> {
  await using flite = new Flite();
  return await flite.speak(text);
}

async function talkingHearth() {
  const logger = createMemoryLogger();
  const voiceLoad = new VoiceLoad();
  const app = composeTestCore(appConfig(cleanups.scratchDir(), { HEARTH_MAX_TOKENS: '40' }), {
    logger,
    voiceLoad,
  });
  cleanups.defer(() => app.dispose());
  await app.start();
  const client = speakingClient(app, cleanups, {
    principal: { role: 'owner' },
    connectionId: 'c',
    logger,
  });
  return { app, logger, ...client, voiceLoad };
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
    // The transcription and the speech were reported as load for the thermal side, and are over.
    const transcribed = hearth.logger.entries.find((e) => e.eventType === 'speech_transcribed');
    expect(hearth.voiceLoad.busyMs).toBeGreaterThanOrEqual(
      Number(transcribed?.context.transcribeMs),
    );
    expect(hearth.voiceLoad.jobs).toBe(0);
    // So was the speech detector's measured busy time.
    expect(hearth.voiceLoad.measuredMs).toBeGreaterThan(0);
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

  it('drops an utterance the client cancels while it is open: no transcript, no message', async () => {
    const hearth = await talkingHearth();
    const { id } = await hearth.call<{ id: string }>('newConversation');
    const words = await speech(SENTENCE);
    // Half the sentence, then hands-free is switched off before the person has finished.
    hearth.talk(1, words.subarray(0, words.length >> 1), false);
    hearth.drop(1);
    // The next utterance (silence) is heard as usual: utterance 1 never was.
    hearth.talk(2, new Int16Array(samplesOf(300)));
    await expect
      .poll(() => voiceEvents(hearth.events()).map((e) => [e.utterance, e.state]))
      .toEqual([
        [2, 'transcribing'],
        [2, 'idle'],
      ]);
    expect(hearth.logger.entries.some((e) => e.eventType === 'utterance_dropped')).toBe(true);
    const conversation = await hearth.call<{ messages: unknown[] }>('openConversation', { id });
    expect(conversation.messages).toEqual([]);
  });

  it('drops an utterance the client cancels after it ended, while it is transcribed: no message', async () => {
    const hearth = await talkingHearth();
    const { id } = await hearth.call<{ id: string }>('newConversation');
    hearth.talk(1, padWithSilence(await speech(SENTENCE), 300));
    hearth.drop(1);
    // The next utterance starts at once, while the detector is still closing utterance 1:
    // the speech end it finds there is utterance 1's, never utterance 2's.
    hearth.talk(2, new Int16Array(samplesOf(300)));
    await expect
      .poll(() => voiceEvents(hearth.events()).find((e) => e.utterance === 2 && e.state === 'idle'))
      .toMatchObject({ note: NOTHING_HEARD });
    // Utterance 1 was being transcribed when it was dropped: no word of it is told or sent.
    expect(voiceEvents(hearth.events()).filter((e) => e.utterance === 1)).toEqual([
      { type: 'voice', utterance: 1, state: 'transcribing' },
    ]);
    const conversation = await hearth.call<{ messages: unknown[] }>('openConversation', { id });
    expect(conversation.messages).toEqual([]);
  });
});
