// Talking to Hearth in real Chromium, through the whole real pipeline: speech
// made with flite is the fake microphone's sound; Hearth's speech detector
// (Silero VAD) ends the utterance by itself, pocketsphinx transcribes it, the
// transcript is the person's message in the open conversation, the fixture
// model answers, and flite speaks the answer back sentence by sentence, which
// the page plays. What the page plays is measured where it leaves the page
// (voiceAudio.ts tapPlayback), what it receives on its WebSocket too.
import { expect, test } from './fixtures';
import { squash, ui, waitForAnswer } from './ui';
import { playedSound, receivedSpeechMs, SOUND_RMS, speechFrames, speechWav } from './voiceAudio';
import { echoMicrophone, sayIntoMicrophone } from './voiceEcho';
import {
  fakeMicrophone,
  messagesOn,
  PROMPT,
  readyToTalk,
  soundFolder,
  talkAndBeHeard,
  voice,
} from './voiceTalk';

const sounds = soundFolder();
// Silence after it: the fake microphone plays its file in a loop.
test.use(fakeMicrophone(speechWav(sounds.dir, 'prompt', { ...PROMPT, silenceS: 6 })));
test.afterAll(() => sounds.remove());

test('Talk: the transcript is the message, the answer streams and is spoken, about as long as its text', async ({
  page,
  hearth,
}) => {
  const server = await hearth.start({ HEARTH_MAX_TOKENS: '30' });
  await readyToTalk(page, server);
  const view = ui(page);
  const { status, talk } = voice(page);

  await talkAndBeHeard(page);
  await expect(view.answers).toHaveCount(1);
  await expect(status).toHaveText('Speaking', { timeout: 20_000 });
  await waitForAnswer(page, messagesOn(server));
  // Spoken to the end: the status empties once the last chunk has played.
  await expect(status).toHaveText('', { timeout: 20_000 });
  await expect(talk).toHaveAttribute('aria-pressed', 'false');

  const stored = await messagesOn(server)();
  expect(stored.map((m) => m.role)).toEqual(['user', 'assistant']);
  expect(stored[0]?.text.toLowerCase()).toMatch(/story.*dog/);
  const text = squash(stored[1]?.text ?? '');
  expect(text.length).toBeGreaterThan(10);

  // Not silence, and about as long as flite takes to say the text (12-16 characters a second).
  const played = await playedSound(page);
  const spanMs = (played.lastAt ?? 0) - (played.firstAt ?? 0);
  expect(played.soundMs, 'the page played sound').toBeGreaterThan(500);
  expect(spanMs).toBeGreaterThan((text.length / 20) * 1000);
  expect(spanMs).toBeLessThan((text.length / 9) * 1000);
  expect(played.soundMs / spanMs, 'mostly sound, not gaps').toBeGreaterThan(0.5);
  const frames = await speechFrames(page);
  expect(frames.at(-1)?.last).toBe(true);
});

test('hands-free: talking over a long answer stops it (heard before it was written), the words are the next prompt; then Stop speaking cuts the next answer at once and its text goes on', async ({
  page,
  hearth,
}) => {
  // The fixture model rarely stops by itself: with a long limit it writes for many seconds.
  const server = await hearth.start({ HEARTH_MAX_TOKENS: '4096' });
  await readyToTalk(page, server);
  const view = ui(page);
  const { status, talk, stopSpeaking, handsFree } = voice(page);
  const stored = messagesOn(server);
  const commandAt = async (name: string, nth = 0) =>
    (await page.evaluate(() => window.__commands)).filter((c) => c.name === name)[nth]?.at;
  await handsFree.click();

  await talkAndBeHeard(page);
  // Hearth speaks, and hands-free opens the microphone again (Talk pressed) for
  // the next words: Chromium's fake microphone starts its file over, so the
  // person says the prompt again, over the answer.
  await expect(talk).toHaveAttribute('aria-pressed', 'true', { timeout: 20_000 });
  // Barge-in: Hearth heard them, the speech is cut, the answer stopped; still listening.
  await expect.poll(() => commandAt('stop'), { timeout: 15_000 }).toBeGreaterThan(0);
  await expect(status).toHaveText('Listening');
  await expect(talk).toHaveAttribute('aria-pressed', 'true');
  const stopAt = (await commandAt('stop')) ?? 0;
  expect(await commandAt('stopSpeech')).toBeGreaterThan(0);
  const cut = await playedSound(page);
  // (b) The answer was heard while it was still being written: its first sound came before the stop...
  expect(cut.firstAt ?? Infinity).toBeLessThan(stopAt);
  expect(cut.loud.filter((b) => b.at > stopAt + 100)).toEqual([]);
  await expect
    .poll(async () => (await stored()).find((m) => m.role === 'assistant')?.status)
    .toBe('stopped');
  // ...and the stop found it unfinished: its partial text is kept.
  expect((await stored())[1]?.text.length).toBeGreaterThan(0);

  // Hands-free off: the utterance under way goes on; Hearth ends it at the pause, no tap.
  await handsFree.click();
  await expect(view.prompts).toHaveCount(2, { timeout: 15_000 });
  expect((await view.prompts.nth(1).textContent())?.toLowerCase()).toMatch(/story.*dog/);

  // (c) The second answer speaks (the microphone closed now); Stop speaking cuts it at once.
  await expect(status).toHaveText('Speaking', { timeout: 20_000 });
  await expect(talk).toHaveAttribute('aria-pressed', 'false');
  await expect
    .poll(async () => (await playedSound(page)).soundMs - cut.soundMs)
    .toBeGreaterThan(1000);
  await stopSpeaking.click();
  await expect(status).toHaveText('');
  await expect(stopSpeaking).toHaveCount(0);
  const stoppedAt = await page.evaluate(
    () => window.__clicks.find((c) => c.label.includes('Stop speaking'))?.at ?? 0,
  );
  expect(stoppedAt).toBeGreaterThan(0);
  await page.waitForTimeout(1000);
  // Silent at once: nothing louder than silence more than 100 ms after the tap
  // (a block is 21 ms; the output buffers a few).
  const played = await playedSound(page);
  const after = played.loud.filter((b) => b.at > stoppedAt + 100);
  expect(after, `sound after Stop speaking (rms > ${SOUND_RMS})`).toEqual([]);
  // Hearth made no more of it (it makes speech faster than it plays): no
  // speech frame came once the stop had reached it, and none said "last".
  const frames = await speechFrames(page);
  expect(frames.filter((f) => f.at > stoppedAt + 500)).toEqual([]);
  expect(frames.some((f) => f.last)).toBe(false);
  // The text goes on: Stop speaking is not Stop.
  expect((await stored()).at(-1)?.status).toBe('streaming');
  await expect(view.stop).toBeVisible();
  await view.stop.click();
  await waitForAnswer(page, stored, 2);
  expect((await stored()).at(-1)?.status).toBe('stopped');
});

/**
 * The answer comes back into the microphone 16 dB below how it is played (the
 * flite voice plays at about -15 dBFS, so about -31 dBFS): as loud as the
 * speech detector takes for speech when Hearth is quiet (the end of the test
 * shows it), and under the level Hearth asks of speech while it talks.
 */
const ECHO_GAIN = 0.15;

test("hands-free: Hearth's own answer fed back into the microphone as it plays is no barge-in and no transcript", async ({
  page,
  hearth,
}) => {
  const server = await hearth.start({ HEARTH_MAX_TOKENS: '16' });
  await echoMicrophone(page, ECHO_GAIN);
  await readyToTalk(page, server);
  const view = ui(page);
  const { talk, status, handsFree } = voice(page);
  await handsFree.click();
  await expect(handsFree).toHaveAttribute('aria-checked', 'true');

  await talkAndBeHeard(page);
  await expect(status).toHaveText('Speaking', { timeout: 20_000 });
  // Hands-free: the microphone is open while Hearth speaks, and hears it.
  await expect(talk).toHaveAttribute('aria-pressed', 'true');
  // Played to its end, not cut: then simply listening, on the same microphone.
  await expect(status).toHaveText('Listening', { timeout: 20_000 });
  const speech = await speechFrames(page);
  expect(speech.at(-1)?.last, 'the answer was spoken to its last frame').toBe(true);
  const played = await playedSound(page);
  expect(played.soundMs).toBeGreaterThan((await receivedSpeechMs(page)) * 0.5);

  // The microphone carried the answer to Hearth as it played.
  const sent = await page.evaluate(() => window.__sentAudio);
  const prompt = sent[0]?.utterance;
  const echo = sent.filter((f) => f.utterance !== prompt && f.at <= (played.lastAt ?? 0));
  expect(echo.length, 'frames of the hands-free utterance while the answer played').toBeGreaterThan(
    5,
  );
  const loudest = Math.max(...echo.map((f) => f.rms));
  expect(20 * Math.log10(loudest), 'the echo, dBFS (100 ms RMS)').toBeGreaterThan(-36);

  // No barge-in: nothing was stopped, the answer is whole.
  const commands = await page.evaluate(() => window.__commands.map((c) => c.name));
  expect(commands).not.toContain('stopSpeech');
  expect(commands).not.toContain('stop');
  expect((await messagesOn(server)()).at(-1)?.status).toBe('complete');
  // No transcript: a moment on, still listening, and the one message is the prompt.
  // (Read once, not waited for: the hangover is 600 ms, transcribing 1-2 s.)
  await page.waitForTimeout(1500);
  expect(await status.textContent()).toBe('Listening');
  expect(await view.prompts.count()).toBe(1);

  // The control: the same audio at the same level, now that Hearth is quiet, is speech to it.
  // (Its words becoming the next prompt show it; 'Transcribing' now lasts a few
  // hundred ms with pocketsphinx kept loaded, too short to be sure to see.)
  await sayIntoMicrophone(page, ECHO_GAIN);
  await expect(view.prompts).toHaveCount(2, { timeout: 20_000 });
});
