import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { piperEntry } from '../../../testing/voiceArchives';
import { loadConfig } from '../../config/config';
import { VOICE_CATALOG } from './voiceCatalog';
import { configuredVoiceCatalog, parseVoiceCatalog } from './voiceCatalogFile';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-voice-catalog-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the voice catalog', () => {
  test('the built-in catalog passes the same checks as a catalog file', () => {
    expect(parseVoiceCatalog(JSON.parse(JSON.stringify(VOICE_CATALOG)))).toEqual(VOICE_CATALOG);
  });

  test('HEARTH_VOICE_CATALOG_FILE replaces the built-in catalog', async () => {
    const file = join(dir, 'voices.json');
    const entry = piperEntry('amy', 'http://127.0.0.1:1/amy.tar.bz2', Buffer.from('x'));
    await writeFile(file, JSON.stringify([entry]));
    const config = loadConfig({ HEARTH_DATA_DIR: dir, HEARTH_VOICE_CATALOG_FILE: file });
    expect(config.voiceCatalogFile).toBe(file);
    expect(configuredVoiceCatalog(config.voiceCatalogFile)).toEqual([entry]);
    expect(configuredVoiceCatalog(undefined)).toBe(VOICE_CATALOG);
  });

  test('a bad catalog file is refused in one sentence naming the file and the problem', async () => {
    const file = join(dir, 'voices.json');
    await writeFile(file, '{');
    expect(() => configuredVoiceCatalog(file)).toThrow(
      new RegExp(`^HEARTH_VOICE_CATALOG_FILE ${file} cannot be read as JSON`),
    );
    const entry = piperEntry('amy', 'http://127.0.0.1:1/amy.tar.bz2', Buffer.from('x'));
    await writeFile(
      file,
      JSON.stringify([{ ...entry, files: { ...entry.files, tokens: '../../etc/passwd' } }]),
    );
    expect(() => configuredVoiceCatalog(file)).toThrow(
      `HEARTH_VOICE_CATALOG_FILE ${file}: The voice model catalog is invalid at 0.files.tokens: a path may not hold . or .. segments.`,
    );
    await writeFile(file, JSON.stringify([entry, entry]));
    expect(() => configuredVoiceCatalog(file)).toThrow(/catalog ids must be unique/);
  });
});
