// Talk with only silence from the microphone, through the real pipeline: Hearth
// hears nothing, says so in one sentence, and no message is sent.
import { expect, test } from './fixtures';
import { ui } from './ui';
import { playedSound, silenceWav } from './voiceAudio';
import { fakeMicrophone, messagesOn, readyToTalk, soundFolder, voice } from './voiceTalk';

const sounds = soundFolder();
test.use(fakeMicrophone(silenceWav(sounds.dir, 'silence', 4)));
test.afterAll(() => sounds.remove());

test('only silence: "I didn\'t hear anything." and no message is sent', async ({
  page,
  hearth,
}) => {
  const server = await hearth.start();
  await readyToTalk(page, server);
  const { talk, status } = voice(page);
  await talk.click();
  await expect(status).toHaveText('Listening');
  // Push-to-talk: silence never ends by itself; the second tap ends it.
  await page.waitForTimeout(1500);
  await talk.click();
  await expect(page.getByRole('alert')).toHaveText("I didn't hear anything.", {
    timeout: 15_000,
  });
  await expect(status).toHaveText('');
  await expect(ui(page).prompts).toHaveCount(0);
  expect(await messagesOn(server)()).toEqual([]);
  expect((await playedSound(page)).soundMs).toBe(0);
});
