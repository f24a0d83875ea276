// pocketsphinx, the speech-to-text floor, run for real (the Debian packages
// pocketsphinx and pocketsphinx-en-us). Recognising a real sentence is shown in
// voiceActivity.test.ts, on the utterance the VAD cut from padded speech.
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../../testing/cleanups';
import { livingInGroup, spokenSentence } from '../../testing/voiceFixtures';
import { VoiceCancelled, VoiceEngineMissing } from './childProcesses';
import { Pocketsphinx, POCKETSPHINX_INSTALL_HINT } from './pocketsphinx';

const cleanups = useCleanups();

async function firstPid(stt: Pocketsphinx): Promise<number> {
  for (;;) {
    const pid = stt.pids()[0];
    if (pid !== undefined) return pid;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** The sentence said `times` times over: long enough to still be transcribing when aborted. */
async function longSpeech(times: number): Promise<Int16Array> {
  const once = await spokenSentence();
  const out = new Int16Array(once.length * times);
  for (let i = 0; i < times; i++) out.set(once, i * once.length);
  return out;
}

describe('Pocketsphinx', () => {
  it('hears no words in silence, and transcribes nothing at all without running', async () => {
    await using stt = new Pocketsphinx();
    expect(await stt.transcribe(new Int16Array(16_000))).toEqual({ text: '' });
    expect(await stt.transcribe(new Int16Array(0))).toEqual({ text: '' });
  });

  it('kills pocketsphinx and the pipe feeding it when the transcription is aborted', async () => {
    await using stt = new Pocketsphinx();
    const controller = new AbortController();
    const transcribing = stt.transcribe(await longSpeech(15), { signal: controller.signal });
    const pid = await firstPid(stt);
    expect(livingInGroup(pid).length).toBeGreaterThan(0);
    controller.abort();
    await expect(transcribing).rejects.toBeInstanceOf(VoiceCancelled);
    expect(livingInGroup(pid)).toEqual([]);
    expect(stt.pids()).toEqual([]);
  });

  it('kills a running transcription when disposed, and refuses new ones', async () => {
    const stt = new Pocketsphinx();
    const transcribing = stt.transcribe(await longSpeech(15));
    const pid = await firstPid(stt);
    await stt.dispose();
    await expect(transcribing).rejects.toBeInstanceOf(VoiceCancelled);
    expect(livingInGroup(pid)).toEqual([]);
    await expect(stt.transcribe(new Int16Array(100))).rejects.toBeInstanceOf(VoiceCancelled);
  });

  it('gives up after its timeout, killing the process', async () => {
    await using stt = new Pocketsphinx();
    const transcribing = stt.transcribe(await longSpeech(15), { timeoutMs: 50 });
    const pid = await firstPid(stt);
    await expect(transcribing).rejects.toThrow(/took longer than 50 ms/);
    expect(livingInGroup(pid)).toEqual([]);
  });

  it('says which packages to install when pocketsphinx or its model is missing', async () => {
    await using noProgram = new Pocketsphinx({ env: { PATH: '/nonexistent' } });
    const failure = noProgram.transcribe(new Int16Array(100));
    await expect(failure).rejects.toBeInstanceOf(VoiceEngineMissing);
    await expect(failure).rejects.toThrow(POCKETSPHINX_INSTALL_HINT);

    await using noModel = new Pocketsphinx({ modelDir: cleanups.scratchDir('hearth-ps-') });
    await expect(noModel.transcribe(new Int16Array(100))).rejects.toThrow(
      /English model is missing.*sudo apt install pocketsphinx pocketsphinx-en-us/,
    );
  });
});
