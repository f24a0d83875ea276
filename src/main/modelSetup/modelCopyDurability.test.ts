// A model copied in from a USB stick (or "Use a file") is put in place so a
// power cut cannot leave a broken one: checked first when the catalog knows it,
// then its data synced, then renamed to the model's name, then the folder synced.
import { copyFileSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCleanups } from '../../testing/cleanups';
import { FIXTURE_CHATML_MODEL, FIXTURE_MODEL } from '../../testing/inferenceFixtures';
import { silentLogger } from '../../testing/loggers';
import { pinnedStoriesEntry } from '../../testing/models/catalogEntries';
import { recordingModelFs, type RecordingModelFs } from '../../testing/models/recordingModelFs';
import { loadCatalog } from '../models/catalog';
import { copyModelIn, CopyFailed } from './modelCopy';

const cleanups = useCleanups();
const catalog = loadCatalog({ recommended: 'stories', entries: [pinnedStoriesEntry()] });

/** A file on a "stick" and an empty models folder to copy it into. */
function stickWith(model: string, name: string) {
  const source = join(cleanups.scratchDir('hearth-stick-'), name);
  copyFileSync(model, source);
  const modelsDir = cleanups.scratchDir('hearth-models-');
  return { source, modelsDir, destination: join(modelsDir, name) };
}

function copy(source: string, destination: string, recording: RecordingModelFs) {
  return copyModelIn(source, destination, {
    sizeBytes: statSync(source).size,
    signal: new AbortController().signal,
    progressEveryMs: 0,
    // Marks in the same list when the checksum is being computed, to see it comes first.
    onProgress: (progress) => {
      if (progress.phase === 'verify' && !recording.calls.some((c) => 'mark' in c)) {
        recording.calls.push({ mark: 'checking the sha256' });
      }
    },
    logger: silentLogger,
    catalog,
    fileSystem: recording.fs,
  });
}

/** The model and copy files the folder held when it was synced (the copy's lock is held then). */
function modelFilesAtDirectorySync(recording: RecordingModelFs): string[] {
  const synced = recording.calls.find((c) => 'op' in c && c.op === 'syncDirectory');
  if (!synced || !('names' in synced)) throw new Error('the folder was not synced');
  return synced.names.filter((name) => /\.(gguf|copying)$/.test(name));
}

describe('a copied model is installed durably', () => {
  it('a catalog model is checked, then its whole data synced, renamed into place, and the folder synced', async () => {
    const { source, modelsDir, destination } = stickWith(FIXTURE_MODEL, 'stories260K.gguf');
    const recording = recordingModelFs();
    await copy(source, destination, recording);

    const temp = `${destination}.copying`;
    expect(recording.calls).toEqual([
      { mark: 'checking the sha256' },
      { op: 'syncFile', path: temp, size: statSync(FIXTURE_MODEL).size },
      { op: 'rename', from: temp, to: destination },
      { op: 'syncDirectory', path: modelsDir, names: expect.any(Array) },
    ]);
    expect(modelFilesAtDirectorySync(recording)).toEqual(['stories260K.gguf']);
    expect(readFileSync(destination).equals(readFileSync(FIXTURE_MODEL))).toBe(true);
  });

  it('a file the catalog does not know is synced, renamed and its folder synced the same way', async () => {
    const name = 'stories260K-chatml.gguf';
    const { source, modelsDir, destination } = stickWith(FIXTURE_CHATML_MODEL, name);
    const recording = recordingModelFs();
    await copy(source, destination, recording);

    const temp = `${destination}.copying`;
    expect(recording.calls).toEqual([
      { op: 'syncFile', path: temp, size: statSync(FIXTURE_CHATML_MODEL).size },
      { op: 'rename', from: temp, to: destination },
      { op: 'syncDirectory', path: modelsDir, names: expect.any(Array) },
    ]);
    expect(modelFilesAtDirectorySync(recording)).toEqual([name]);
  });

  it('a copy the card cannot sync is removed, never renamed into a model', async () => {
    const { source, modelsDir, destination } = stickWith(FIXTURE_MODEL, 'stories260K.gguf');
    const recording = recordingModelFs({ failSyncFile: true });
    const failed = await copy(source, destination, recording).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(CopyFailed);
    expect((failed as Error).message).toMatch(/^Could not copy stories260K\.gguf: EIO/);
    expect(recording.calls.filter((c) => 'op' in c && c.op !== 'syncFile')).toEqual([]);
    expect(readdirSync(modelsDir)).toEqual([]);
  });
});
