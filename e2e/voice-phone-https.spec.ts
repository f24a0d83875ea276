// A phone talks to Hearth over https (HEARTH_TLS=1), on a real LAN address in
// its own network namespace (phone-lan-https.spec.ts's harness): in that secure
// context its microphone opens, its speech goes to Hearth over wss, the
// transcript is its message, and the answer is spoken back on the phone.
import { messagesOf, skipReason, test, expect } from './net/lanFixture';
import { ui, waitUntilReady } from './ui';
import { playedSound, speechWav } from './voiceAudio';
import { PROMPT, soundFolder, talkAndBeHeard, voice } from './voiceTalk';
import { spyOnLink, tapPlayback } from './voiceAudio';

// Skipped only without root: network namespaces need it (skipReason says so in one line).
test.skip(!!skipReason, skipReason);

const sounds = soundFolder();
test.use({
  hearthEnv: { HEARTH_TLS: '1', HEARTH_MAX_TOKENS: '16' },
  phoneArgs: [
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-audio-capture=${speechWav(sounds.dir, 'prompt', { ...PROMPT, silenceS: 6 })}`,
  ],
});
test.afterAll(() => sounds.remove());

test('a phone on the LAN talks over https: its words are its message, and the answer is spoken on the phone', async ({
  lan,
}) => {
  const phone = await lan.newPhone(['microphone']);
  const page = await phone.newPage();
  await tapPlayback(page);
  await spyOnLink(page);
  await page.goto(lan.pairingUrl);
  await waitUntilReady(page);
  expect(new URL(page.url()).protocol).toBe('https:');
  expect(await page.evaluate(() => window.isSecureContext)).toBe(true);
  const { status, talk } = voice(page);
  await expect(talk).not.toHaveAttribute('aria-disabled', 'true');

  await talkAndBeHeard(page);
  await expect(ui(page).answers).toHaveCount(1);
  await expect(status).toHaveText('Speaking', { timeout: 20_000 });
  await expect(status).toHaveText('', { timeout: 20_000 });
  expect((await playedSound(page)).soundMs).toBeGreaterThan(500);
  const stored = await messagesOf(lan)();
  expect(stored.map((m) => m.role)).toEqual(['user', 'assistant']);
  expect(stored[0]?.text.toLowerCase()).toMatch(/story.*dog/);
});
