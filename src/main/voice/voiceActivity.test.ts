// Silero VAD in its worker, on real speech spoken by flite and transcribed by
// pocketsphinx: the engines Hearth uses when nothing has been downloaded.
// Also the generations its events carry, and its busy time reported as load.
import { copyFileSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audioDurationMs } from '../../shared/audio';
import { useCleanups } from '../../testing/cleanups';
import { silentLogger } from '../../testing/loggers';
import { seededRandom } from '../../testing/seededRandom';
import {
  feedInFrames,
  padWithSilence,
  samplesOf,
  scaled,
  spokenMs,
  spokenSentence,
  whiteNoise,
} from '../../testing/voiceFixtures';
import { VoiceLoad } from '../thermal/voiceLoad';
import { threadRegistry } from '../threads/registry';
import { Pocketsphinx } from './pocketsphinx';
import { vadModelPath } from './vadModel';
import { VoiceActivity, VoiceActivityError } from './voiceActivity';

const cleanups = useCleanups();

/**
 * Feeds `pcm` and waits until the worker has processed it: the stats answer
 * comes after every event the audio before it caused.
 */
async function hear(
  vad: VoiceActivity,
  pcm: Int16Array,
): Promise<{ starts: number; ends: Int16Array[] }> {
  const heard = { starts: 0, ends: [] as Int16Array[] };
  const offStart = vad.onSpeechStart(() => heard.starts++);
  const offEnd = vad.onSpeechEnd((p) => heard.ends.push(p));
  try {
    feedInFrames(vad, pcm);
    await vad.stats();
    return heard;
  } finally {
    offStart();
    offEnd();
  }
}

/** Whether `needle` occurs in `haystack`, sample for sample. */
function holds(haystack: Int16Array, needle: Int16Array): boolean {
  outer: for (let at = 0; at + needle.length <= haystack.length; at++) {
    for (let i = 0; i < needle.length; i++) if (haystack[at + i] !== needle[i]) continue outer;
    return true;
  }
  return false;
}

describe('VoiceActivity on real speech', () => {
  let vad: VoiceActivity;
  let speech: Int16Array;
  const load = new VoiceLoad();

  beforeAll(async () => {
    speech = await spokenSentence();
    vad = new VoiceActivity({ logger: silentLogger, load });
    await vad.start();
  });

  afterAll(async () => {
    await vad.dispose();
  });

  it('hears one utterance as long as the spoken part, and pocketsphinx reads the sentence from it', async () => {
    const heard = await hear(vad, padWithSilence(speech, 1000));
    expect(heard.starts).toBe(1);
    expect(heard.ends).toHaveLength(1);
    const utterance = heard.ends[0] ?? new Int16Array(0);
    const spoken = spokenMs(speech);
    expect(spoken).toBeGreaterThan(1200);
    expect(Math.abs(audioDurationMs(utterance.length) - spoken)).toBeLessThanOrEqual(400);
    // The utterance is the speech itself, not silence from around it.
    expect(spokenMs(utterance)).toBeGreaterThan(spoken - 100);

    await using stt = new Pocketsphinx();
    const { text } = await stt.transcribe(utterance);
    expect(text).toContain('capital');
    expect(text).toContain('france');
  });

  it('hears nothing in silence or in low white noise', async () => {
    expect(await hear(vad, new Int16Array(48_000))).toEqual({ starts: 0, ends: [] });
    expect(await hear(vad, whiteNoise(3000, 300))).toEqual({ starts: 0, ends: [] });
  });

  it('in strict mode ignores speech at 15 % of its level, which it hears otherwise; full-level speech still counts', async () => {
    const quiet = padWithSilence(scaled(speech, 0.15), 1000);
    const loud = padWithSilence(speech, 1000);
    expect((await hear(vad, quiet)).ends).toHaveLength(1);
    vad.setStrict(true);
    try {
      expect(await hear(vad, quiet)).toEqual({ starts: 0, ends: [] });
      const heard = await hear(vad, loud);
      expect(heard.starts).toBe(1);
      expect(heard.ends).toHaveLength(1);
    } finally {
      vad.setStrict(false);
    }
    expect((await hear(vad, quiet)).ends).toHaveLength(1);
  });

  it('judges quiet speech by strict mode while it was heard, though Hearth stopped before its end was known', async () => {
    // Hearth's own voice from the speaker, quiet: strict while it plays, off
    // again right after it (before the hangover has ended the segment).
    const quiet = scaled(speech, 0.15);
    const heard = { starts: 0, ends: 0 };
    const offStart = vad.onSpeechStart(() => heard.starts++);
    const offEnd = vad.onSpeechEnd(() => heard.ends++);
    try {
      feedInFrames(vad, new Int16Array(samplesOf(500)));
      vad.setStrict(true);
      feedInFrames(vad, quiet);
      vad.setStrict(false);
      feedInFrames(vad, new Int16Array(samplesOf(1200)));
      await vad.stats();
    } finally {
      offStart();
      offEnd();
    }
    expect(heard).toEqual({ starts: 0, ends: 0 });
    // The same speech with strict mode off throughout is heard.
    expect((await hear(vad, padWithSilence(quiet, 1000))).ends).toHaveLength(1);
  });

  it('forgets speech in progress on reset, and still cuts the next utterance from the right samples', async () => {
    const half = padWithSilence(speech, 1000).subarray(0, 16_000 + speech.length / 2);
    feedInFrames(vad, half);
    vad.reset();
    // Samples heard nowhere before (another level), so any taken from the wrong place differ.
    const after = scaled(speech, 0.7);
    const heard = await hear(vad, padWithSilence(after, 700));
    expect(heard.ends).toHaveLength(1);
    const utterance = heard.ends[0] ?? new Int16Array(0);
    expect(Math.abs(audioDurationMs(utterance.length) - spokenMs(speech))).toBeLessThanOrEqual(400);
    expect(holds(utterance, after.subarray(4000, 24_000))).toBe(true);
  });

  it('tags each event with the generation of the audio it came from, though it arrives after a reset', async () => {
    const events: [string, number][] = [];
    const offStart = vad.onSpeechStart((generation) => events.push(['start', generation]));
    const offEnd = vad.onSpeechEnd((_pcm, generation) => events.push(['end', generation]));
    const before = vad.generation;
    try {
      feedInFrames(vad, padWithSilence(speech, 1000));
      // At once: the worker has not looked at the audio above yet.
      const after = vad.reset();
      feedInFrames(vad, padWithSilence(speech, 1000));
      await vad.stats();
      expect(after).toBe(before + 1);
      expect(events).toEqual([
        ['start', before],
        ['end', before],
        ['start', after],
        ['end', after],
      ]);
    } finally {
      offStart();
      offEnd();
    }
  });

  it('reports its busy time as voice load: a small share of a core, not a whole one', async () => {
    const audio = padWithSilence(speech, 1000);
    await hear(vad, audio);
    const stats = await vad.stats();
    // Every bit the worker measured has been reported by the time stats are answered.
    expect(load.measuredMs).toBeGreaterThan(0);
    expect(load.measuredMs).toBeCloseTo(stats.busyMs, 6);
    expect(stats.busyMs / stats.frames).toBeLessThan(5);
    // Some 0.3 ms per 32 ms frame: the seconds just heard cost a few hundredths of a core.
    expect(load.threads).toBeGreaterThan(0);
    expect(load.threads).toBeLessThan(0.3);
    expect(load.jobs).toBe(0);
  });

  it('ends an utterance after the hangover, not at every short pause', async () => {
    // Two sentences 300 ms apart are one utterance; 1.2 s apart, two.
    const gap = (ms: number): Int16Array => new Int16Array((ms * 16_000) / 1000);
    const joined = (...parts: Int16Array[]): Int16Array => {
      const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
      let at = 0;
      for (const part of parts) {
        out.set(part, at);
        at += part.length;
      }
      return out;
    };
    expect(
      (await hear(vad, padWithSilence(joined(speech, gap(300), speech), 1000))).ends,
    ).toHaveLength(1);
    expect(
      (await hear(vad, padWithSilence(joined(speech, gap(1200), speech), 1000))).ends,
    ).toHaveLength(2);
  });
});

describe('VoiceActivity and its model file', () => {
  it('refuses a truncated or corrupt model with a clear error before onnxruntime sees it, and leaves no worker', async () => {
    // onnxruntime aborts the whole process on a model it cannot parse (measured), so
    // getting this error at all shows the file never reached it.
    const dir = cleanups.scratchDir('hearth-vad-');
    const truncated = join(dir, 'truncated.onnx');
    copyFileSync(vadModelPath(), truncated);
    truncateSync(truncated, 1_000_000);
    const corrupt = join(dir, 'corrupt.onnx');
    const bytes = readFileSync(vadModelPath());
    const random = seededRandom(3);
    for (let i = 0; i < 64; i++) {
      const at = Math.floor(random() * bytes.length);
      bytes[at] = (bytes[at] ?? 0) ^ 0xff;
    }
    writeFileSync(corrupt, bytes);

    for (const modelPath of [truncated, corrupt, join(dir, 'missing.onnx')]) {
      const vad = new VoiceActivity({ logger: silentLogger, modelPath });
      const failure = await vad.start().then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(VoiceActivityError);
      expect((failure as Error).message).toMatch(/damaged or not the pinned one|cannot be read/);
      expect((failure as Error).message).toContain(modelPath);
      expect(threadRegistry.list().filter((t) => t.name === 'vad')).toEqual([]);
      await vad.dispose();
    }
  });

  it('hears frames fed while the model loads, and cuts speech longer than maxUtteranceMs', async () => {
    const speech = await spokenSentence();
    const vad = new VoiceActivity({ logger: silentLogger, maxUtteranceMs: 3000 });
    const ends: Int16Array[] = [];
    vad.onSpeechEnd((pcm) => ends.push(pcm));
    const starting = vad.start();
    // Four sentences back to back: about 8 s with no pause as long as the hangover.
    const long = new Int16Array(speech.length * 4);
    for (let i = 0; i < 4; i++) long.set(speech, i * speech.length);
    feedInFrames(vad, padWithSilence(long, 1000));
    await starting;
    await vad.stats();
    await vad.dispose();
    expect(ends.length).toBeGreaterThanOrEqual(3);
    for (const pcm of ends) expect(audioDurationMs(pcm.length)).toBeLessThanOrEqual(3000);
    const heardMs = ends.reduce((ms, pcm) => ms + audioDurationMs(pcm.length), 0);
    expect(heardMs).toBeGreaterThan(audioDurationMs(long.length) - 1000);
  });

  it('loads on start, not before, and dispose ends its worker', async () => {
    const vad = new VoiceActivity({ logger: silentLogger });
    expect(threadRegistry.list().filter((t) => t.name === 'vad')).toEqual([]);
    expect(() => vad.feed(new Int16Array(10))).toThrow(/before start/);
    await vad.start();
    expect(vad.ready).toBe(true);
    expect(threadRegistry.list().filter((t) => t.name === 'vad')).toHaveLength(1);
    await vad.dispose();
    expect(threadRegistry.list().filter((t) => t.name === 'vad')).toEqual([]);
    // Frames after dispose are dropped, not an error.
    vad.feed(new Int16Array(10));
    await expect(vad.start()).rejects.toThrow(/disposed/);
  });
});
