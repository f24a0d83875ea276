import { randomBytes } from 'node:crypto';
import {
  appendFile,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  truncate,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { silentLogger } from '../../../testing/loggers';
import {
  startModelServer,
  type Behaviour,
  type ModelServer,
} from '../../../testing/models/modelServer';
import { piperEntry, piperItems, tarBz2, type TarItem } from '../../../testing/voiceArchives';
import { canMount, fillDisk, mountTmpfs, needsMount } from '../../../testing/tmpfs';
import type { VoiceCatalogEntry } from './voiceCatalog';
import { VoiceModelError } from './voiceModelError';
import { VoiceModelStore, type VoiceInstallProgress } from './voiceModelStore';
import { readManifest } from './voiceManifest';

// Random bytes do not compress: the archive stays about this big, so a
// download takes several chunks and can be dropped midway.
const MODEL = randomBytes(300_000).toString('base64');
const ARCHIVE = tarBz2(piperItems('amy', MODEL));

let dataDir: string;
let dir: string;
const servers: ModelServer[] = [];
const stores: VoiceModelStore[] = [];

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'hearth-voice-store-'));
  dir = join(dataDir, 'voice-models');
});

afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.dispose()));
  await Promise.all(servers.splice(0).map((server) => server.close()));
  await rm(dataDir, { recursive: true, force: true });
});

async function serve(body: Buffer, behaviour: Partial<Behaviour> = {}): Promise<ModelServer> {
  const server = await startModelServer({ body, chunkBytes: 16 * 1024, tickMs: 1, ...behaviour });
  servers.push(server);
  return server;
}

function storeOf(catalog: VoiceCatalogEntry[]): VoiceModelStore {
  const store = new VoiceModelStore({ dir, catalog, logger: silentLogger, progressEveryMs: 0 });
  stores.push(store);
  return store;
}

async function servedStore(
  body: Buffer = ARCHIVE,
  behaviour: Partial<Behaviour> = {},
  overrides: Partial<VoiceCatalogEntry> = {},
) {
  const server = await serve(body, behaviour);
  const entry = {
    ...piperEntry('amy', server.url('/amy.tar.bz2'), body),
    ...overrides,
  } as VoiceCatalogEntry;
  return { server, entry, store: storeOf([entry]) };
}

async function failure(promise: Promise<unknown>): Promise<VoiceModelError> {
  const outcome = await promise.then(
    () => new Error('it succeeded'),
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(VoiceModelError);
  return outcome as VoiceModelError;
}

/** Every path under the data directory, for "nothing else was written". */
async function tree(): Promise<string[]> {
  return (await readdir(dataDir, { recursive: true })).map(String).sort();
}

describe('VoiceModelStore.install', () => {
  test('downloads, checks and unpacks a model; its manifest lists every file and verified() passes', async () => {
    const { store, entry } = await servedStore();
    const phases = new Set<VoiceInstallProgress['phase']>();
    const result = await store.install('amy', { onProgress: (p) => phases.add(p.phase) });

    expect(result).toEqual({ dir: join(dir, 'amy'), alreadyInstalled: false, resumedFrom: 0 });
    expect([...phases]).toEqual(['download', 'verify', 'unpack']);
    expect(await store.installedIds()).toEqual(['amy']);
    // Only the installed folder is left: no archive, no .part, no temporary folder.
    expect(await readdir(dir)).toEqual(['amy']);
    const manifest = await readManifest(join(dir, 'amy'), 'amy');
    expect(manifest?.archiveSha256).toBe(entry.sha256);
    expect(manifest?.files.map((f) => f.path)).toEqual([
      'espeak-ng-data/lang/en',
      'espeak-ng-data/phontab',
      'tokens.txt',
      'voice.onnx',
    ]);
    expect(manifest?.files.find((f) => f.path === 'voice.onnx')?.sizeBytes).toBe(MODEL.length);

    const model = await store.verified('amy');
    expect(model.files).toEqual({
      model: join(dir, 'amy', 'voice.onnx'),
      tokens: join(dir, 'amy', 'tokens.txt'),
      dataDir: join(dir, 'amy', 'espeak-ng-data'),
    });
    expect(await readFile(join(model.dir, 'voice.onnx'), 'utf8')).toBe(MODEL);

    const again = await store.install('amy');
    expect(again.alreadyInstalled).toBe(true);
  });

  test('a dropped connection resumes with a Range request, fetching few bytes twice', async () => {
    const { store, server } = await servedStore(ARCHIVE, { dropAfterBytes: 100_000 });
    const first = await failure(store.install('amy'));
    expect(first.message).toMatch(
      /^Could not download Test voice amy: the connection was lost after .+; try again to continue where it stopped\.$/,
    );
    expect(await store.installedIds()).toEqual([]);
    const [unfinished] = await store.unfinished();
    expect(unfinished?.bytes).toBeGreaterThanOrEqual(100_000);

    await store.install('amy');
    expect(server.requests.at(-1)?.range).toBe(`bytes=${unfinished?.bytes}-`);
    // Bytes sent twice: at most what was in flight when the connection dropped.
    expect(server.bytesSent - ARCHIVE.length).toBeLessThan(64 * 1024);
    await store.verified('amy');
  });

  test('an archive that does not match its sha256 is refused and nothing is installed', async () => {
    const { store } = await servedStore(ARCHIVE, {}, { sha256: '0'.repeat(64) });
    const error = await failure(store.install('amy'));
    expect(error.message).toBe(
      'Could not download Test voice amy: the file does not match its sha256 checksum, so it was removed; try again.',
    );
    expect(await store.installedIds()).toEqual([]);
    expect(await readdir(dir)).toEqual([]);
  });

  test('a short archive is refused by its size and nothing is installed', async () => {
    const short = ARCHIVE.subarray(0, ARCHIVE.length - 1000);
    const { store } = await servedStore(short, {}, { sizeBytes: ARCHIVE.length });
    const error = await failure(store.install('amy'));
    expect(error.message).toMatch(
      /^Could not download Test voice amy: the file is .+ instead of .+, so it was removed\.$/,
    );
    expect(await readdir(dir)).toEqual([]);
  });

  const outside = `/tmp/hearth-voice-abs-${process.pid}.txt`;
  test.each<[string, TarItem[], RegExp]>([
    [
      'a ../ path',
      [...piperItems('amy'), { name: 'amy/../../escaped.txt', content: 'x' }],
      /as it holds a path that leads out of its folder \("amy\/\.\.\/\.\.\/escaped\.txt"\)/,
    ],
    [
      'a symbolic link',
      [...piperItems('amy'), { name: 'amy/link', type: 'symlink', linkTo: '/etc/passwd' }],
      /as it holds a symbolic link \("amy\/link"\), and only files and folders are allowed/,
    ],
    [
      'a hard link',
      [...piperItems('amy'), { name: 'amy/hard', type: 'hardlink', linkTo: 'amy/tokens.txt' }],
      /as it holds a hard link \("amy\/hard"\)/,
    ],
    [
      'a named pipe',
      [...piperItems('amy'), { name: 'amy/fifo', type: 'fifo' }],
      /as it holds a named pipe \("amy\/fifo"\)/,
    ],
    [
      'an absolute path',
      [...piperItems('amy'), { name: outside, content: 'x' }],
      /as it holds an absolute path \("\/tmp\/hearth-voice-abs-\d+\.txt"\)/,
    ],
    [
      'a file outside its root folder',
      [...piperItems('amy'), { name: 'other/file.txt', content: 'x' }],
      /as it holds "other\/file\.txt", outside its folder amy/,
    ],
    [
      'a missing required file',
      piperItems('amy').filter((item) => !item.name.endsWith('tokens.txt')),
      /as it lacks tokens\.txt, which Test voice amy needs/,
    ],
    [
      'a required folder that is a file',
      [
        ...piperItems('amy').filter((item) => !item.name.includes('espeak-ng-data')),
        { name: 'amy/espeak-ng-data', content: 'not a folder' },
      ],
      /as its espeak-ng-data is not a folder/,
    ],
  ])(
    'an archive with %s is refused in words and nothing is written outside the temporary folder',
    async (_, items, why) => {
      const archive = tarBz2(items);
      const { store } = await servedStore(archive);
      const error = await failure(store.install('amy'));
      expect(error.message).toMatch(/^Could not install Test voice amy: its archive was refused, /);
      expect(error.message).toMatch(why);
      expect(await store.installedIds()).toEqual([]);
      expect(await tree()).toEqual(['voice-models']);
      await expect(stat(outside)).rejects.toThrow(/ENOENT/);
      await expect(stat(join(dataDir, 'escaped.txt'))).rejects.toThrow(/ENOENT/);
    },
  );

  test('an archive over the unpacked size cap is refused before it is unpacked', async () => {
    const server = await serve(ARCHIVE);
    const entry = piperEntry('amy', server.url('/amy.tar.bz2'), ARCHIVE);
    const store = new VoiceModelStore({
      dir,
      catalog: [entry],
      logger: silentLogger,
      limits: { maxBytes: 100_000 },
    });
    stores.push(store);
    const error = await failure(store.install('amy'));
    expect(error.message).toMatch(/it unpacks to more than 100 kB, more than a voice model needs/);
    expect(await tree()).toEqual(['voice-models']);
  });

  test('cancelling mid-download stops it, installs nothing and keeps the bytes to continue', async () => {
    const { store } = await servedStore(ARCHIVE, { tickMs: 20 });
    const controller = new AbortController();
    const error = await failure(
      store.install('amy', {
        signal: controller.signal,
        onProgress: (p) => {
          if (p.bytes > 50_000) controller.abort();
        },
      }),
    );
    expect(error.problem).toBe('cancelled');
    expect(error.message).toBe(
      'Cancelled the download of Test voice amy; starting it again continues where it stopped.',
    );
    expect(await store.installedIds()).toEqual([]);
    expect((await store.unfinished())[0]?.bytes).toBeGreaterThan(50_000);
  });
});

describe('VoiceModelStore.verified', () => {
  test('a file changed or truncated after install makes verified() throw naming the file', async () => {
    const { store } = await servedStore();
    await store.install('amy');
    const tokens = join(dir, 'amy', 'tokens.txt');
    const original = await readFile(tokens);

    await writeFile(tokens, Buffer.from(original).fill(0x7a, 0, 1));
    await expect(store.verified('amy')).rejects.toThrow(
      'Test voice amy is damaged: tokens.txt has changed since it was installed; remove it and download it again.',
    );
    await writeFile(tokens, original);
    await store.verified('amy');

    await truncate(join(dir, 'amy', 'espeak-ng-data', 'phontab'), 3);
    await expect(store.verified('amy')).rejects.toThrow(
      'Test voice amy is damaged: espeak-ng-data/phontab is 3 bytes instead of 8 (truncated or changed); remove it and download it again.',
    );
    await writeFile(join(dir, 'amy', 'espeak-ng-data', 'phontab'), 'phonemes');
    await rm(join(dir, 'amy', 'voice.onnx'));
    await expect(store.verified('amy')).rejects.toThrow(/voice\.onnx is missing/);
    await appendFile(join(dir, 'amy', 'hearth-manifest.json'), 'garbage');
    await expect(store.verified('amy')).rejects.toThrow(/its manifest is not valid JSON/);
  });

  test('a model that is not installed, or not in the catalog, is refused in words', async () => {
    const { store } = await servedStore();
    await expect(store.verified('amy')).rejects.toThrow('Test voice amy is not installed.');
    await expect(store.verified('nope')).rejects.toThrow(
      'No voice model "nope" is in the catalog.',
    );
  });
});

describe('VoiceModelStore.remove', () => {
  test('removes an installed model and an unfinished download; refuses when there is neither', async () => {
    const { store } = await servedStore();
    await store.install('amy');
    expect(await store.remove('amy')).toEqual({ installed: true, unfinished: false });
    expect(await store.installedIds()).toEqual([]);
    expect(await readdir(dir)).toEqual([]);
    await expect(store.remove('amy')).rejects.toThrow('Test voice amy is not installed.');
  });
});

describe('another process, and what a crash left', () => {
  test('a download lock held by another live process refuses both install and remove', async () => {
    const { store } = await servedStore();
    await mkdir(dir, { recursive: true });
    // pid 1 is always alive: another Hearth process holding the archive's lock.
    await writeFile(join(dir, 'amy.tar.bz2.part.lock'), JSON.stringify({ pid: 1, token: 't' }));
    await expect(store.install('amy')).rejects.toThrow(
      'Could not download Test voice amy: it is already being downloaded by another Hearth process (pid 1).',
    );
    await expect(store.remove('amy')).rejects.toThrow(
      'Cannot remove Test voice amy: it is already being downloaded by another Hearth process (pid 1).',
    );
  });

  test('temporary folders a crash left while unpacking or removing are cleared by the next install', async () => {
    const { store } = await servedStore();
    await mkdir(join(dir, '.unpack-amy-abc', 'amy'), { recursive: true });
    await mkdir(join(dir, '.removing-amy-1-2'), { recursive: true });
    await store.install('amy');
    expect(await readdir(dir)).toEqual(['amy']);
  });
});

describe('unpacking on a full disk', () => {
  // Skipped only without root: mounting the full tmpfs needs it (needsMount says so in the title).
  test.skipIf(!canMount)(
    needsMount('fails in words, leaves nothing installed and keeps the checked archive'),
    async () => {
      const { store } = await servedStore();
      await mkdir(dir, { recursive: true });
      // Room for the download and its reserve; then the disk fills before unpacking.
      const unmount = mountTmpfs(dir, '60m');
      try {
        let free: (() => void) | undefined;
        const error = await failure(
          store.install('amy', {
            onProgress: (p) => {
              if (p.phase === 'unpack' && !free) free = fillDisk(dir);
            },
          }),
        );
        free?.();
        expect(error.message).toMatch(
          /^Could not install Test voice amy: the disk is too full to unpack it \(it needs [\d.]+ MB, [\d.]+ k?B is free\)\.$/,
        );
        expect(await store.installedIds()).toEqual([]);
        // The checked archive is kept: once there is room, it unpacks without a download.
        expect((await readdir(dir)).sort()).toEqual(['amy.tar.bz2.part', 'amy.tar.bz2.part.json']);
      } finally {
        unmount();
      }
    },
  );
});
