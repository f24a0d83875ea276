// Settings > Voice through the composed product and real client connections:
// the speaking rate changes the next spoken answer (real flite), Test voice
// speaks a sample to the screen that asked and no other, and a new hands-free
// quiet time reaches every client, phones included.
import { describe, expect, it } from 'vitest';
import type { SpeechFrame } from '../../shared/audio';
import type { AppSnapshot, HearthEvent, Message, Settings } from '../../shared/api';
import { useCleanups } from '../../testing/cleanups';
import { fixedUuid } from '../../testing/ids';
import { createMemoryLogger } from '../../testing/loggers';
import { FIXTURE_MODEL } from '../../testing/inferenceFixtures';
import { speakingClient } from '../../testing/speakingClient';
import { composeTestCore } from '../../testing/testCore';
import type { Principal } from '../clients/principal';
import { loadConfig } from '../config/config';
import type { ComposedHearth } from './compose';
import { TEST_SENTENCE } from '../voice/voiceService';

const cleanups = useCleanups();

async function startHearth(env: Record<string, string> = {}) {
  const fullEnv = {
    HEARTH_DATA_DIR: cleanups.scratchDir(),
    HEARTH_MODEL: FIXTURE_MODEL,
    HEARTH_THREADS: '1',
    HEARTH_TEMPERATURE: '0',
    HEARTH_MAX_TOKENS: '40',
    // Where flite is found.
    PATH: process.env.PATH ?? '',
    ...env,
  };
  const app = composeTestCore(loadConfig(fullEnv), { logger: createMemoryLogger(), env: fullEnv });
  cleanups.defer(() => app.dispose());
  await app.start();
  return app;
}

/** One client on its own connection: its calls, the events and speech frames it was sent. */
function connect(app: ComposedHearth, principal: Principal, connectionId: string) {
  return speakingClient(app, cleanups, { principal, connectionId });
}

const kiosk: Principal = { role: 'owner' };
const phone: Principal = { role: 'device', deviceId: fixedUuid(7) };

/** The samples of one spoken answer, once its last frame has come. */
async function samplesOf(spoken: SpeechFrame[], answerId: string): Promise<number> {
  await expect
    .poll(() => spoken.some((f) => f.answerId === answerId && f.last), { timeout: 20_000 })
    .toBe(true);
  return spoken.filter((f) => f.answerId === answerId).reduce((n, f) => n + f.pcm.length, 0);
}

describe('Settings > Voice', () => {
  it('speaks the next answer faster once the speaking rate is raised, without a restart', async () => {
    const app = await startHearth();
    const screen = connect(app, kiosk, 'kiosk');
    const { id } = await screen.call<{ id: string }>('newConversation');
    const { assistantMessageId } = await screen.call<{ assistantMessageId: string }>('sendPrompt', {
      conversationId: id,
      text: 'Tell me a story.',
    });
    await expect
      .poll(
        async () =>
          (await screen.call<{ messages: Message[] }>('openConversation', { id })).messages.find(
            (m) => m.id === assistantMessageId,
          )?.status,
        { timeout: 20_000 },
      )
      .toBe('complete');

    await screen.call('speakAnswer', { conversationId: id, messageId: assistantMessageId });
    const atNormal = await samplesOf(screen.spoken, assistantMessageId);
    await screen.call('updateSettings', { voiceRate: 1.5 });
    screen.spoken.length = 0;
    await screen.call('speakAnswer', { conversationId: id, messageId: assistantMessageId });
    const atFast = await samplesOf(screen.spoken, assistantMessageId);

    expect(atNormal).toBeGreaterThan(16_000);
    // flite's duration stretch is 1/rate: well under the normal length, and not silence.
    expect(atFast).toBeLessThan(atNormal * 0.8);
    expect(atFast).toBeGreaterThan(atNormal * 0.5);
  });

  it('Test voice speaks the sample sentence to the screen that asked, as a new answer, and to no other', async () => {
    const app = await startHearth();
    const screen = connect(app, kiosk, 'kiosk');
    const other = connect(app, kiosk, 'owner-browser');
    await other.call('getSnapshot');

    await screen.call('testVoice', { rate: 1 });
    await expect.poll(() => screen.spoken.some((f) => f.last), { timeout: 15_000 }).toBe(true);
    const answerIds = new Set(screen.spoken.map((f) => f.answerId));
    expect(answerIds.size).toBe(1);
    const [answerId] = [...answerIds];
    expect(answerId).toMatch(/^[0-9a-f-]{36}$/);
    const seconds = (await samplesOf(screen.spoken, answerId ?? '')) / 16_000;
    // "This is how Hearth sounds." takes flite about a second and a half.
    expect(seconds).toBeGreaterThan(TEST_SENTENCE.length / 25);
    expect(seconds).toBeLessThan(TEST_SENTENCE.length / 5);
    expect(other.spoken).toEqual([]);

    // A second test is a fresh answer, slower at a lower rate.
    await screen.call('testVoice', { rate: 0.8 });
    await expect
      .poll(() => new Set(screen.spoken.map((f) => f.answerId)).size, { timeout: 15_000 })
      .toBe(2);
    const slowerId = screen.spoken.at(-1)?.answerId ?? '';
    expect(await samplesOf(screen.spoken, slowerId)).toBeGreaterThan(seconds * 16_000);
  });

  it('Test voice is refused to a phone, and a rate outside 0.5 to 2 is refused in words', async () => {
    const app = await startHearth();
    const mobile = connect(app, phone, 'phone');
    expect(await mobile.outcome('testVoice', {})).toMatchObject({
      ok: false,
      error: { code: 'forbidden', message: 'testVoice is for the Hearth screen only' },
    });
    const screen = connect(app, kiosk, 'kiosk');
    expect(await screen.outcome('testVoice', { rate: 3 })).toMatchObject({
      ok: false,
      error: { code: 'bad_request', message: expect.stringMatching(/^testVoice: rate: /) },
    });
    expect(mobile.spoken).toEqual([]);
    expect(screen.spoken).toEqual([]);
  });

  it('Test voice says in words why not when Hearth has no voice', async () => {
    const app = await startHearth({ PATH: '/nonexistent' });
    const screen = connect(app, kiosk, 'kiosk');
    expect(await screen.outcome('testVoice', {})).toMatchObject({
      ok: false,
      error: {
        code: 'bad_request',
        message: expect.stringMatching(/^Hearth cannot speak: .*flite/),
      },
    });
    expect(screen.spoken).toEqual([]);
  });

  it('a new hands-free quiet time reaches every client, phones included, and the next snapshot', async () => {
    const app = await startHearth({ HEARTH_HANDS_FREE_QUIET_SEC: '' });
    const screen = connect(app, kiosk, 'kiosk');
    const mobile = connect(app, phone, 'phone');
    await expect.poll(() => mobile.snapshots().length).toBe(1);
    expect(mobile.snapshots()[0]?.voice?.handsFreeQuietMs).toBe(8000);

    const { settings } = await screen.call<{ settings: Settings }>('updateSettings', {
      handsFreeQuietSec: 15,
    });
    expect(settings.handsFreeQuietSec).toBe(15);
    const told = (events: HearthEvent[]) =>
      events.flatMap((e) => (e.type === 'voiceAvailability' ? [e.voice.handsFreeQuietMs] : []));
    await expect.poll(() => told(mobile.events())).toEqual([15_000]);
    await expect.poll(() => told(screen.events())).toEqual([15_000]);
    expect((await mobile.call<AppSnapshot>('getSnapshot')).voice?.handsFreeQuietMs).toBe(15_000);
    // Saving the same value again tells nobody anything new.
    await screen.call('updateSettings', { handsFreeQuietSec: 15 });
    expect(told(mobile.events())).toEqual([15_000]);
  });
});
