// flite, the text-to-speech floor, run for real (the Debian package flite).
import { describe, expect, it } from 'vitest';
import { audioDurationMs } from '../../shared/audio';
import { livingInGroup, SENTENCE, spokenMs } from '../../testing/voiceFixtures';
import { VoiceCancelled, VoiceEngineMissing } from './childProcesses';
import { Flite } from './flite';

/** Resolves once `flite` has a process running, with its pid (the process group's). */
async function firstPid(flite: Flite): Promise<number> {
  for (;;) {
    const pid = flite.pids()[0];
    if (pid !== undefined) return pid;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

const LONG_TEXT = Array.from(
  { length: 40 },
  () => 'This is a long sentence for flite to say.',
).join(' ');

describe('Flite', () => {
  it('speaks a sentence as 16 kHz speech about as long as it takes to say', async () => {
    await using flite = new Flite();
    const pcm = await flite.speak(SENTENCE);
    const ms = audioDurationMs(pcm.length);
    expect(ms).toBeGreaterThan(1200);
    expect(ms).toBeLessThan(3500);
    // Speech, not a buffer of zeros: most of it is above the noise floor.
    expect(spokenMs(pcm)).toBeGreaterThan(ms * 0.6);
    expect(flite.pids()).toEqual([]);
  });

  it('speaks faster at a higher rate and refuses a rate out of range', async () => {
    await using flite = new Flite();
    const normal = await flite.speak(SENTENCE);
    const fast = await flite.speak(SENTENCE, { rate: 1.5 });
    expect(fast.length).toBeLessThan(normal.length * 0.8);
    expect(fast.length).toBeGreaterThan(normal.length * 0.5);
    await expect(flite.speak(SENTENCE, { rate: 3 })).rejects.toThrow(/from 0.5 to 2, not 3/);
    await expect(flite.speak(SENTENCE, { rate: Number.NaN })).rejects.toThrow(RangeError);
  });

  it('says nothing for empty or control-only text, without running flite', async () => {
    await using flite = new Flite({ env: { PATH: '/nonexistent' } });
    expect(await flite.speak('  \u0007\n ')).toHaveLength(0);
  });

  it('kills flite and everything it started when the speech is aborted', async () => {
    await using flite = new Flite();
    const controller = new AbortController();
    const speaking = flite.speak(LONG_TEXT, { signal: controller.signal, rate: 0.5 });
    const pid = await firstPid(flite);
    expect(livingInGroup(pid).length).toBeGreaterThan(0);
    controller.abort();
    await expect(speaking).rejects.toBeInstanceOf(VoiceCancelled);
    expect(livingInGroup(pid)).toEqual([]);
    expect(flite.pids()).toEqual([]);
  });

  it('kills flite when disposed mid-sentence, and refuses to speak after', async () => {
    const flite = new Flite();
    const speaking = flite.speak(LONG_TEXT, { rate: 0.5 });
    const pid = await firstPid(flite);
    await flite.dispose();
    await expect(speaking).rejects.toBeInstanceOf(VoiceCancelled);
    expect(livingInGroup(pid)).toEqual([]);
    await expect(flite.speak(SENTENCE)).rejects.toBeInstanceOf(VoiceCancelled);
  });

  it('says which package to install when flite is not on PATH', async () => {
    await using flite = new Flite({ env: { PATH: '/nonexistent:/usr/games' } });
    const failure = flite.speak(SENTENCE);
    await expect(failure).rejects.toBeInstanceOf(VoiceEngineMissing);
    await expect(failure).rejects.toThrow('sudo apt install flite');
  });

  it('refuses a voice that is not 16 kHz instead of returning audio at the wrong speed', async () => {
    // flite falls back to its 8 kHz "kal" voice for a name it does not know.
    await using flite = new Flite({ voice: 'no-such-voice' });
    await expect(flite.speak(SENTENCE)).rejects.toThrow(/8000 Hz, not 16000/);
  });
});
