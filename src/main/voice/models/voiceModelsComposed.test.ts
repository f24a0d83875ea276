// The voice model downloads as the composed product wires them: the commands
// reach the store through VoiceDownloads, progress goes out as
// 'voiceModelDownload' events, the catalog comes from HEARTH_VOICE_CATALOG_FILE,
// and disposing Hearth cancels a running download and waits for it.
import { randomBytes } from 'node:crypto';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { VoiceModelDownload } from '../../../shared/voiceModelsSchema';
import { useCleanups } from '../../../testing/cleanups';
import { startModelServer } from '../../../testing/models/modelServer';
import { composeTestCore } from '../../../testing/testCore';
import { piperEntry, piperItems, tarBz2 } from '../../../testing/voiceArchives';
import { loadConfig } from '../../config/config';

const cleanups = useCleanups();
const OWNER = { clientId: 'test-kiosk', role: 'owner' as const };
const ARCHIVE = tarBz2(piperItems('amy', randomBytes(120_000).toString('base64')));

async function composed(tickMs: number) {
  const server = await startModelServer({ body: ARCHIVE, chunkBytes: 16 * 1024, tickMs });
  cleanups.defer(() => server.close());
  const dataDir = cleanups.scratchDir();
  const catalogFile = join(dataDir, 'voice-catalog.json');
  await writeFile(
    catalogFile,
    JSON.stringify([piperEntry('amy', server.url('/a.tar.bz2'), ARCHIVE)]),
  );
  const env = { HEARTH_DATA_DIR: dataDir, HEARTH_VOICE_CATALOG_FILE: catalogFile, PATH: '' };
  const app = composeTestCore(loadConfig(env), { env, modelSetup: { progressEveryMs: 0 } });
  cleanups.defer(() => app.dispose());
  const seen: VoiceModelDownload[] = [];
  app.events.subscribe((event) => {
    if (event.type === 'voiceModelDownload') seen.push(event.download);
  });
  return { app, seen, dataDir };
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('voice model downloads in the composed Hearth', () => {
  test('the commands list the configured catalog, download a model and show it installed', async () => {
    const { app, seen } = await composed(1);
    const before = await app.handlers.listVoiceModels({}, OWNER);
    expect(before.catalog.map((m) => [m.id, m.installed])).toEqual([['amy', false]]);
    expect(before.voice.chosen).toBe('auto');

    const started = await app.handlers.downloadVoiceModels({ ids: ['amy'] }, OWNER);
    expect(started).toMatchObject({ state: 'downloading', ids: ['amy'], total: ARCHIVE.length });
    await until(() => seen.at(-1)?.state === 'done');
    const after = await app.handlers.listVoiceModels({}, OWNER);
    expect(after.catalog[0]?.installed).toBe(true);
    expect(after.download?.state).toBe('done');
  });

  test('disposing Hearth cancels a running download and waits until it has stopped', async () => {
    const { app, seen, dataDir } = await composed(30);
    await app.handlers.downloadVoiceModels({ ids: ['amy'] }, OWNER);
    await until(() => seen.some((e) => e.bytes > 0));
    await app.dispose();
    expect(seen.at(-1)?.state).toBe('cancelled');
    expect(await readdir(join(dataDir, 'voice-models'))).not.toContain('amy');
  });
});
