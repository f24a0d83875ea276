// Choosing the recognizer and the voice in the VoiceService, with the real
// floor engines (flite, pocketsphinx) and model sources written for each case:
// 'auto' with nothing installed uses the floor, a chosen model that is not
// downloaded or fails its check or its load turns its half off with a sentence,
// and switching engines stops the old worker.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../../../testing/cleanups';
import { createMemoryLogger } from '../../../testing/loggers';
import { ApiFailure } from '../../contracts/failure';
import { threadRegistry } from '../../threads/registry';
import { findVoiceEngines } from '../engines';
import type { InstalledVoiceModel, VoiceModelSource } from '../models/installedVoiceModel';
import { VOICE_CATALOG_IDS } from '../../../shared/voiceChoices';
import { findVoiceCatalogEntry, VOICE_CATALOG } from '../models/voiceCatalog';
import { vadModelPath } from '../vadModel';
import { TEST_SENTENCE, VoiceService } from '../voiceService';
import { noVoiceModelSource } from './noVoiceModels';

const cleanups = useCleanups();
const floor = findVoiceEngines();

function voiceService(
  models: VoiceModelSource,
  choices: { recognizer?: string; voice?: string } = {},
) {
  const service = new VoiceService({
    clients: { deliver: () => {}, speak: () => {}, prompt: async () => ({ refused: 'no' }) },
    answers: { subscribe: () => () => {}, current: () => undefined },
    engines: floor,
    logger: createMemoryLogger(),
    maxUtteranceMs: 30_000,
    models,
    ...choices,
  });
  cleanups.defer(() => service.dispose());
  return service;
}

/** A source that has these models installed, each of whose files is `file`. */
function installed(ids: string[], file: () => string): VoiceModelSource {
  return {
    installedIds: async () => ids,
    verified: async (id) => {
      const entry = findVoiceCatalogEntry(id);
      if (!entry || !ids.includes(id)) throw new Error(`${id} is not installed.`);
      const dir = cleanups.scratchDir();
      const tokens = join(dir, 'tokens.txt');
      writeFileSync(tokens, 'a 0\nb 1\n');
      const files = Object.fromEntries(
        Object.keys(entry.files).map((key) => [key, key === 'tokens' ? tokens : file()]),
      );
      return { entry, dir, files } as InstalledVoiceModel;
    },
  };
}

const liveWorkers = (name: string) => threadRegistry.list().filter((t) => t.name === name);

describe('choosing the voice engines', () => {
  it("uses pocketsphinx and flite for 'auto' with no model downloaded, and says pocketsphinx is less accurate", async () => {
    const voice = voiceService(noVoiceModelSource());
    await voice.ready();
    expect(voice.choices()).toEqual({
      recognizer: { chosen: 'auto', inUse: 'pocketsphinx', inUseName: 'pocketsphinx' },
      voice: { chosen: 'auto', inUse: 'flite', inUseName: 'flite' },
    });
    expect(voice.engineReport()).toMatchObject({
      stt: { engine: 'pocketsphinx' },
      tts: { engine: 'flite' },
    });
    const { canHear, canSpeak, note } = voice.availability();
    expect({ canHear, canSpeak }).toEqual({ canHear: true, canSpeak: true });
    expect(note).toMatch(/pocketsphinx, which is less accurate/);
    expect(note).toMatch(/Settings > Voice offers a download/);
  });

  it('Test recognizer hears the test sentence spoken by flite through pocketsphinx', async () => {
    const voice = voiceService(noVoiceModelSource());
    const test = await voice.testRecognizer();
    expect(test.said).toBe(TEST_SENTENCE);
    const words = test.heard.toLowerCase().split(/\s+/);
    // pocketsphinx misses a word now and then; most of the sentence must come back.
    const expected = ['this', 'is', 'how', 'hearth', 'sounds'];
    expect(expected.filter((word) => words.includes(word)).length).toBeGreaterThanOrEqual(3);
    expect(test.ms).toBeGreaterThan(0);
  });

  it('turns hearing off with a sentence when the chosen recognizer is not downloaded; speaking goes on', async () => {
    const voice = voiceService(noVoiceModelSource(), { recognizer: 'moonshine-tiny-en' });
    await voice.ready();
    const error =
      'Moonshine tiny (English) is chosen but not downloaded; download it in Settings > Voice or choose another.';
    expect(voice.choices().recognizer).toEqual({
      chosen: 'moonshine-tiny-en',
      inUse: 'none',
      inUseName: 'none',
      error,
    });
    expect(voice.availability()).toMatchObject({ canHear: false, canSpeak: true, note: error });
    expect(voice.engineReport().stt).toEqual({ engine: 'none', error });
    await expect(voice.testRecognizer()).rejects.toThrow(`Hearth cannot hear: ${error}`);
  });

  it("turns hearing off with the source's sentence when the chosen model fails its check", async () => {
    const damaged =
      'Moonshine tiny (English) is damaged: encode.int8.onnx does not match its manifest.';
    const voice = voiceService({
      installedIds: async () => ['moonshine-tiny-en'],
      verified: () => Promise.reject(new Error(damaged)),
    });
    await voice.ready();
    expect(voice.choices().recognizer).toMatchObject({
      chosen: 'auto',
      inUse: 'none',
      error: damaged,
    });
    expect(voice.availability()).toMatchObject({ canHear: false, canSpeak: true, note: damaged });
  });

  it('turns speaking off with a sentence as soon as the chosen voice is found not to load, and tells clients', async () => {
    const voice = voiceService(
      installed(['piper-amy-low'], () => {
        const path = join(cleanups.scratchDir(), 'random.onnx');
        writeFileSync(path, randomBytes(4096));
        return path;
      }),
      { voice: 'piper-amy-low' },
    );
    const told: unknown[] = [];
    cleanups.defer(voice.onAvailability((a) => told.push(a)).dispose);
    await voice.ready();
    // Tried in a throwaway process when picked: Settings says why before anything is spoken.
    await expect
      .poll(() => voice.choices().voice, { timeout: 30_000 })
      .toMatchObject({
        chosen: 'piper-amy-low',
        inUse: 'none',
        error: expect.stringMatching(/^Amy \(US English, low\) could not be loaded: .+\.$/),
      });
    expect(voice.engineReport().tts.engine).toBe('none');
    expect(voice.availability()).toMatchObject({ canHear: true, canSpeak: false });
    expect(told.at(-1)).toEqual(expect.objectContaining({ canSpeak: false }));
    const failure = await voice.testRecognizer().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(ApiFailure);
    expect((failure as Error).message).toMatch(
      /^Hearth cannot speak: Amy \(US English, low\) could not be loaded/,
    );
  });

  it("stops the old recognizer's worker when another is chosen", async () => {
    // sherpa-onnx loads the Silero model as a Moonshine one and hears nothing with it:
    // enough to have a worker running.
    const voice = voiceService(installed(['moonshine-tiny-en'], () => vadModelPath()));
    await voice.ready();
    expect(voice.choices().recognizer.inUse).toBe('moonshine-tiny-en');
    expect((await voice.testRecognizer()).heard).toBe('');
    expect(liveWorkers('recognizer')).toHaveLength(1);
    await voice.setRecognizer('pocketsphinx');
    expect(liveWorkers('recognizer')).toEqual([]);
    expect(voice.choices().recognizer).toEqual({
      chosen: 'pocketsphinx',
      inUse: 'pocketsphinx',
      inUseName: 'pocketsphinx',
    });
    // And back: the model loads again at its next use.
    await voice.setRecognizer('auto');
    expect(liveWorkers('recognizer')).toEqual([]);
    expect(voice.choices().recognizer.inUse).toBe('moonshine-tiny-en');
  });
});

describe('the ids the settings take', () => {
  it("are the catalog's, kind by kind", () => {
    for (const kind of ['recognizer', 'voice'] as const) {
      expect(VOICE_CATALOG_IDS[kind]).toEqual(
        VOICE_CATALOG.filter((e) => e.kind === kind).map((e) => e.id),
      );
    }
  });
});
