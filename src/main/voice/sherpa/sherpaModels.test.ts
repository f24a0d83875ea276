// The sherpa-onnx recognizer and voice on files that exist here: a file of
// random bytes and the Silero VAD model handed over as a Moonshine, Whisper or
// Piper model are refused in one sentence, and the test process (whose worker
// would have loaded them) lives on. With a real downloaded model
// (HEARTH_TEST_VOICE_MODELS), flite's speech is transcribed and a sentence spoken.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../../../testing/cleanups';
import { createMemoryLogger } from '../../../testing/loggers';
import { spokenSentence } from '../../../testing/voiceFixtures';
import { threadRegistry } from '../../threads/registry';
import type { InstalledVoiceModel } from '../models/installedVoiceModel';
import {
  findVoiceCatalogEntry,
  type PiperEntry,
  type VoiceCatalogEntry,
} from '../models/voiceCatalog';
import { vadModelPath } from '../vadModel';
import { SherpaRecognizer } from './sherpaRecognizer';
import { SherpaVoice } from './sherpaVoice';

const cleanups = useCleanups();
const MODELS = process.env.HEARTH_TEST_VOICE_MODELS ?? '';

function entry<E extends VoiceCatalogEntry>(id: string): E {
  const found = findVoiceCatalogEntry(id);
  if (!found) throw new Error(`no catalog entry ${id}`);
  return found as E;
}

/** The catalog entry with every file pointing at `file` (and a data folder that passes validation). */
function installedAs(id: string, file: string): InstalledVoiceModel {
  const dir = cleanups.scratchDir();
  const tokens = join(dir, 'tokens.txt');
  writeFileSync(tokens, 'a 0\nb 1\n');
  const dataDir = join(dir, 'espeak-ng-data');
  mkdirSync(dataDir);
  // Without these sherpa refuses the config before it reads the model.
  for (const name of ['phontab', 'phonindex', 'phondata', 'intonations']) {
    writeFileSync(join(dataDir, name), randomBytes(64));
  }
  const found = entry(id);
  const files = Object.fromEntries(
    Object.keys(found.files).map((key) => [
      key,
      key === 'tokens' ? tokens : key === 'dataDir' ? dataDir : file,
    ]),
  );
  return { entry: found, dir, files } as InstalledVoiceModel;
}

/** A model as installed under HEARTH_TEST_VOICE_MODELS/<id>. */
function downloaded(id: string): InstalledVoiceModel {
  const found = entry(id);
  const dir = join(MODELS, id);
  const files = Object.fromEntries(
    Object.entries(found.files).map(([key, path]) => [key, join(dir, path)]),
  );
  return { entry: found, dir, files } as InstalledVoiceModel;
}

function randomFile(): string {
  const path = join(cleanups.scratchDir(), 'random.onnx');
  writeFileSync(path, randomBytes(64 * 1024));
  return path;
}

const logger = createMemoryLogger();

describe('loading a sherpa-onnx model that is not one', () => {
  it.each([
    ['moonshine-tiny-en', 'random bytes', () => randomFile()],
    ['whisper-tiny-en', 'the Silero VAD model', () => vadModelPath()],
  ])('refuses %s made of %s in one sentence, and the process lives on', async (id, _what, file) => {
    const recognizer = new SherpaRecognizer({
      model: async () => installedAs(id, file()),
      logger,
    });
    cleanups.defer(() => recognizer.dispose());
    const error = await recognizer.load().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message.startsWith(`${entry(id).displayName} could not be loaded: `)).toBe(true);
    expect(error?.message).toMatch(/: .+\.$/);
    expect(error?.message.split('\n')).toHaveLength(1);
    // A transcription after it is refused the same way; nothing runs.
    await expect(
      recognizer.transcribe(new Int16Array(1600), new AbortController().signal),
    ).rejects.toThrow(/could not be loaded/);
    expect(threadRegistry.list().filter((t) => t.name === 'recognizer')).toEqual([]);
  });

  it.each([
    ['random bytes', () => randomFile()],
    ['the Silero VAD model', () => vadModelPath()],
  ])('refuses a Piper voice made of %s in one sentence', async (_what, file) => {
    const voice = new SherpaVoice({
      model: async () => installedAs('piper-amy-low', file()),
      entry: entry<PiperEntry>('piper-amy-low'),
      logger,
    });
    cleanups.defer(() => voice.dispose());
    await expect(voice.speak('Hello.', new AbortController().signal)).rejects.toThrow(
      /^Amy \(US English, low\) could not be loaded: .+\.$/,
    );
    expect(threadRegistry.list().filter((t) => t.name === 'tts')).toEqual([]);
  });

  it("says the source's reason when the model fails its check", async () => {
    const recognizer = new SherpaRecognizer({
      model: () =>
        Promise.reject(new Error('Moonshine tiny (English) is damaged: encode.int8.onnx changed.')),
      logger,
    });
    await expect(recognizer.load()).rejects.toThrow(
      'Moonshine tiny (English) is damaged: encode.int8.onnx changed.',
    );
    await recognizer.dispose();
  });
});

describe('a downloaded model', () => {
  const has = (id: string) => MODELS !== '' && existsSync(join(MODELS, id));

  // Skipped only where the Moonshine model cannot be downloaded (here): set HEARTH_TEST_VOICE_MODELS.
  it.skipIf(!has('moonshine-tiny-en'))(
    'transcribes flite speech (needs a downloaded moonshine-tiny-en model (HEARTH_TEST_VOICE_MODELS))',
    async () => {
      const recognizer = new SherpaRecognizer({
        model: async () => downloaded('moonshine-tiny-en'),
        logger,
      });
      cleanups.defer(() => recognizer.dispose());
      const text = await recognizer.transcribe(
        await spokenSentence(),
        new AbortController().signal,
      );
      expect(text.toLowerCase()).toMatch(/capital.*france/);
    },
  );

  // Skipped only where the Piper voice cannot be downloaded (here): set HEARTH_TEST_VOICE_MODELS.
  it.skipIf(!has('piper-amy-low'))(
    'speaks a sentence, and a cancelled one gives nothing (needs a downloaded piper-amy-low model (HEARTH_TEST_VOICE_MODELS))',
    async () => {
      const voice = new SherpaVoice({
        model: async () => downloaded('piper-amy-low'),
        entry: entry<PiperEntry>('piper-amy-low'),
        logger,
      });
      cleanups.defer(() => voice.dispose());
      const pcm = await voice.speak('This is how Hearth sounds.', new AbortController().signal);
      expect(pcm.length / voice.sampleRate).toBeGreaterThan(0.8);
      const cancel = new AbortController();
      const speaking = voice.speak(
        'A long sentence that is cut short by the person talking.',
        cancel.signal,
      );
      cancel.abort();
      await expect(speaking).rejects.toThrow();
    },
  );
});
