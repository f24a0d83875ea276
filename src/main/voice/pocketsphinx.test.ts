// pocketsphinx, the speech-to-text floor, run for real (the Debian packages
// pocketsphinx and pocketsphinx-en-us). Recognising a real sentence is shown in
// voiceActivity.test.ts, on the utterance the VAD cut from padded speech.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../../testing/cleanups';
import { livingInGroup, padWithSilence, spokenSentence } from '../../testing/voiceFixtures';
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

  it('keeps one process with its model loaded across utterances, and replaces one that died', async () => {
    await using stt = new Pocketsphinx();
    const speech = padWithSilence(await spokenSentence(), 300);
    expect((await stt.transcribe(speech)).text).toMatch(/capital of france/);
    const pid = await firstPid(stt);
    expect((await stt.transcribe(speech)).text).toMatch(/capital of france/);
    expect(stt.pids()).toEqual([pid]);

    process.kill(-pid, 'SIGKILL');
    while (livingInGroup(pid).length > 0) await new Promise((r) => setTimeout(r, 5));
    expect((await stt.transcribe(speech)).text).toMatch(/capital of france/);
    expect(stt.pids()).toHaveLength(1);
    expect(stt.pids()).not.toEqual([pid]);
  });

  it('stops its process once it has been idle for idleMs, and starts another when needed', async () => {
    await using stt = new Pocketsphinx({ idleMs: 30 });
    expect(await stt.transcribe(new Int16Array(1600))).toEqual({ text: '' });
    const pid = await firstPid(stt);
    while (stt.pids().length > 0) await new Promise((r) => setTimeout(r, 5));
    expect(livingInGroup(pid)).toEqual([]);
    expect(existsSync(`/proc/${pid}`)).toBe(false);
    expect(await stt.transcribe(new Int16Array(1600))).toEqual({ text: '' });
    expect(stt.pids()).toHaveLength(1);
  });

  it('kills pocketsphinx when the transcription is aborted', async () => {
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
