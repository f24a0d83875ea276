// A downloaded model is put in place so a power cut cannot leave a broken one:
// its data is synced before the rename that makes it the model, the folder
// after it, and nothing that failed its check is ever renamed.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { failureOf, useDownloadHarness } from '../../testing/models/downloadHarness';
import { FIXTURE_SHA256, fixtureBytes, sha256Of } from '../../testing/models/modelServer';
import { recordingModelFs } from '../../testing/models/recordingModelFs';

const h = useDownloadHarness();
const NAME = 'stories260K.gguf';

describe('a downloaded model is installed durably', () => {
  test('its whole data is synced before it is renamed into place, and the folder after the rename', async () => {
    const server = await h.serve();
    const recording = recordingModelFs();
    const installed = await h.pull({ source: server.url(), fileSystem: recording.fs });

    const part = join(h.dir, `${NAME}.part`);
    expect(recording.calls).toEqual([
      { op: 'syncFile', path: part, size: fixtureBytes().length },
      { op: 'rename', from: part, to: installed.path },
      { op: 'syncDirectory', path: h.dir, names: expect.any(Array) },
    ]);
    // The folder is synced once the model has its name and the .part is gone.
    const synced = recording.calls[2] as { names: string[] };
    expect(synced.names).toContain(NAME);
    expect(synced.names).not.toContain(`${NAME}.part`);
    expect(sha256Of(await readFile(installed.path))).toBe(FIXTURE_SHA256);
  });

  test('a file that fails its check is neither synced nor renamed', async () => {
    const server = await h.serve();
    const recording = recordingModelFs();
    const error = await failureOf(
      h.pull({ source: server.url(), sha256: 'f'.repeat(64), fileSystem: recording.fs }),
    );
    expect(error.kind).toBe('checksum-mismatch');
    expect(recording.calls).toEqual([]);
    expect(await h.ggufFiles()).toEqual([]);
  });

  test('when the card cannot sync the data, the file is not made a model', async () => {
    const server = await h.serve();
    const recording = recordingModelFs({ failSyncFile: true });
    const error = await failureOf(h.pull({ source: server.url(), fileSystem: recording.fs }));
    expect(error.kind).toBe('disk');
    expect(error.message).toMatch(/EIO/);
    const part = join(h.dir, `${NAME}.part`);
    expect(recording.calls).toEqual([{ op: 'syncFile', path: part, size: fixtureBytes().length }]);
    expect(await h.ggufFiles()).toEqual([]);
    // The checked bytes stay as the .part, so the next attempt only has to install them.
    expect(await readdir(h.dir)).toContain(`${NAME}.part`);
  });
});
