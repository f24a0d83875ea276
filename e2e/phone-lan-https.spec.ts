// phone-lan.spec.ts over https (HEARTH_TLS=1): Hearth in its own network
// namespace with its own certificate, Chromium as a phone in another that has
// accepted it. On a real LAN address the page is a secure context (what a
// phone's microphone needs), pairing goes through the printed https URL, and a
// link cut mid-answer resumes with the answer whole, as over http.
import {
  expect,
  messagesOf,
  pairedPhone,
  phoneCutMidAnswer,
  skipReason,
  test,
} from './net/lanFixture';
import { rawAnswer } from './rawModel';
import { sendPrompt, squash, textOf, ui, waitForAnswer } from './ui';

// Skipped only without root: network namespaces need it (skipReason says so in one line).
test.skip(!!skipReason, skipReason);
// The fixture model rarely stops by itself: a long limit keeps it writing for seconds.
test.use({ hearthEnv: { HEARTH_TLS: '1', HEARTH_MAX_TOKENS: '500' } });

test('a phone pairs through the printed https URL, in a secure context, and converses', async ({
  lan,
}) => {
  const printed = new URL(lan.pairingUrl);
  expect(printed.protocol).toBe('https:');
  expect(printed.hostname).toBe(lan.pair.hearth.address);
  const page = await pairedPhone(lan);
  expect(new URL(page.url()).protocol).toBe('https:');
  // Over http on this address it would be false: the reason for all of this.
  expect(await page.evaluate(() => window.isSecureContext)).toBe(true);
  const prompt = 'Tell me a story about a cat.';
  await sendPrompt(page, prompt);
  await waitForAnswer(page, messagesOf(lan));
  const stored = (await messagesOf(lan)()).at(-1);
  expect(stored?.text).toBe(await rawAnswer(prompt, { ...process.env, ...lan.env }));
  expect(await textOf(ui(page).answers.last())).toContain(squash(stored?.text ?? '').slice(0, 200));
});

test('a link that goes down mid-answer resumes over wss, the answer whole', async ({ lan }) => {
  const prompt = 'Tell me a story about a dog and a ball.';
  const page = await phoneCutMidAnswer(lan, prompt);
  const view = ui(page);
  lan.pair.up('phone');
  await expect(view.connection).toContainText('Connected', { timeout: 15_000 });
  await waitForAnswer(page, messagesOf(lan));
  const stored = (await messagesOf(lan)()).at(-1)?.text ?? '';
  expect(stored).toBe(await rawAnswer(prompt, { ...process.env, ...lan.env }));
  await expect(view.answers).toHaveCount(1);
});
