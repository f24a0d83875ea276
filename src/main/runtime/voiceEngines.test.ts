// Choosing the speech recognizer and voice in Settings, through the composed
// product and a real client connection: an id that names nothing of that kind
// is refused in words naming the setting, a chosen model that is not downloaded
// turns hearing off with a sentence while typing works as before, and the
// recognizer Test hears flite through pocketsphinx.
import { describe, expect, it } from 'vitest';
import type { Message, Settings } from '../../shared/api';
import { useCleanups } from '../../testing/cleanups';
import { FIXTURE_MODEL } from '../../testing/inferenceFixtures';
import { createMemoryLogger } from '../../testing/loggers';
import { speakingClient } from '../../testing/speakingClient';
import { composeTestCore } from '../../testing/testCore';
import { loadConfig } from '../config/config';

const cleanups = useCleanups();

async function kioskScreen(env: Record<string, string> = {}) {
  const fullEnv = {
    HEARTH_DATA_DIR: cleanups.scratchDir(),
    HEARTH_MODEL: FIXTURE_MODEL,
    HEARTH_THREADS: '1',
    HEARTH_TEMPERATURE: '0',
    HEARTH_MAX_TOKENS: '20',
    PATH: process.env.PATH ?? '',
    ...env,
  };
  const app = composeTestCore(loadConfig(fullEnv), { logger: createMemoryLogger(), env: fullEnv });
  cleanups.defer(() => app.dispose());
  await app.start();
  return speakingClient(app, cleanups, { principal: { role: 'owner' }, connectionId: 'kiosk' });
}

describe('choosing the voice engines in Settings', () => {
  it('refuses an id that is not a recognizer or a voice, in words naming the setting', async () => {
    const screen = await kioskScreen();
    expect(
      await screen.outcome('updateSettings', { voiceRecognizer: 'piper-amy-low' }),
    ).toMatchObject({
      ok: false,
      error: {
        code: 'bad_request',
        message: expect.stringMatching(
          /voiceRecognizer must be one of auto, pocketsphinx, moonshine-tiny-en/,
        ),
      },
    });
    expect(await screen.outcome('updateSettings', { voiceVoice: 'espeak' })).toMatchObject({
      ok: false,
      error: {
        code: 'bad_request',
        message: expect.stringMatching(/voiceVoice must be one of auto, flite, piper-amy-low/),
      },
    });
    const settings = await screen.call<Settings>('getSettings');
    expect([settings.voiceRecognizer, settings.voiceVoice]).toEqual(['auto', 'auto']);
  });

  it('turns hearing off with a sentence when the chosen recognizer is not downloaded, and typing still works', async () => {
    const screen = await kioskScreen();
    const { settings } = await screen.call<{ settings: Settings }>('updateSettings', {
      voiceRecognizer: 'whisper-base-en',
    });
    expect(settings.voiceRecognizer).toBe('whisper-base-en');
    expect(settings.voice).toMatchObject({
      canHear: false,
      canSpeak: true,
      note: 'Whisper base.en is chosen but not downloaded; download it in Settings > Voice or choose another.',
    });
    expect(await screen.outcome('testRecognizer')).toMatchObject({
      ok: false,
      error: {
        code: 'bad_request',
        message: expect.stringMatching(/^Hearth cannot hear: Whisper base.en/),
      },
    });
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
    // Back to the floor: hearing is on again, with pocketsphinx's note.
    const back = await screen.call<{ settings: Settings }>('updateSettings', {
      voiceRecognizer: 'pocketsphinx',
    });
    expect(back.settings.voice).toMatchObject({
      canHear: true,
      note: expect.stringMatching(/pocketsphinx/),
    });
    const test = await screen.call<{ said: string; heard: string }>('testRecognizer');
    expect(test.heard.toLowerCase()).toMatch(/\b(this|is|how)\b/);
  });
});
