import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { HearthEvent } from '../../../shared/api';
import { Emitter } from '../../../shared/emitter';
import type { VoiceModelDownload } from '../../../shared/voiceModelsSchema';
import { voiceModelList } from '../../../shared/voiceModelsSchema';
import { silentLogger } from '../../../testing/loggers';
import {
  startModelServer,
  type Behaviour,
  type ModelServer,
} from '../../../testing/models/modelServer';
import { piperEntry, piperItems, tarBz2 } from '../../../testing/voiceArchives';
import { ApiFailure } from '../../contracts/failure';
import type { VoiceCatalogEntry } from './voiceCatalog';
import { VoiceDownloads } from './voiceDownloads';
import { VoiceModelStore } from './voiceModelStore';

const ARCHIVES = {
  amy: tarBz2(piperItems('amy', randomBytes(150_000).toString('base64'))),
  bob: tarBz2(piperItems('bob', randomBytes(100_000).toString('base64'))),
};
const CHOICE = { chosen: 'auto', inUse: 'none', inUseName: 'none' };

let dataDir: string;
const servers: ModelServer[] = [];
const owned: { dispose(): Promise<void> }[] = [];

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'hearth-voice-downloads-'));
});

afterEach(async () => {
  for (const thing of owned.splice(0).reverse()) await thing.dispose();
  await Promise.all(servers.splice(0).map((server) => server.close()));
  await rm(dataDir, { recursive: true, force: true });
});

async function setUp(
  behaviour: Partial<Behaviour> = {},
  pacing: { progressEveryMs?: number } = { progressEveryMs: 0 },
) {
  const catalog: VoiceCatalogEntry[] = [];
  for (const [id, body] of Object.entries(ARCHIVES)) {
    const server = await startModelServer({ body, chunkBytes: 16 * 1024, tickMs: 1, ...behaviour });
    servers.push(server);
    catalog.push(piperEntry(id, server.url(`/${id}.tar.bz2`), body));
  }
  const store = new VoiceModelStore({
    dir: join(dataDir, 'voice-models'),
    catalog,
    logger: silentLogger,
    progressEveryMs: 0,
  });
  owned.push(store);
  const events = new Emitter<HearthEvent>();
  const seen: VoiceModelDownload[] = [];
  const times: number[] = [];
  events.subscribe((event) => {
    if (event.type !== 'voiceModelDownload') return;
    seen.push(event.download);
    times.push(performance.now());
  });
  let changes = 0;
  const downloads = new VoiceDownloads({
    store,
    events,
    logger: silentLogger,
    choices: () => ({ recognizer: CHOICE, voice: CHOICE }),
    onModelsChanged: () => void changes++,
    ...pacing,
  });
  owned.push(downloads);
  const finished = () =>
    new Promise<VoiceModelDownload>((resolve) => {
      const check = () => {
        const last = seen.at(-1);
        if (last && ['done', 'failed', 'cancelled'].includes(last.state)) resolve(last);
        else setImmediate(check);
      };
      check();
    });
  return { store, downloads, seen, times, finished, changes: () => changes };
}

function refusal(run: () => unknown): ApiFailure {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ApiFailure);
    return error as ApiFailure;
  }
  throw new Error('it was not refused');
}

describe('VoiceDownloads', () => {
  test('a job of two ids installs both in order with overall progress, and tells the voice service each time', async () => {
    const { downloads, seen, finished, changes } = await setUp();
    const total = ARCHIVES.amy.length + ARCHIVES.bob.length;
    const first = downloads.download(['amy', 'bob']);
    expect(first).toMatchObject({
      state: 'downloading',
      ids: ['amy', 'bob'],
      current: 'amy',
      total,
    });
    const last = await finished();

    expect(last).toMatchObject({ state: 'done', current: 'bob', bytes: total, total });
    const currents = seen.map((event) => event.current);
    expect(currents.indexOf('bob')).toBeGreaterThan(currents.lastIndexOf('amy'));
    // Bytes run across the job: they never go back when the second model starts.
    const bytes = seen.map((event) => event.bytes);
    expect(bytes).toEqual([...bytes].sort((a, b) => a - b));
    expect(seen.some((e) => e.current === 'bob' && e.bytes > ARCHIVES.amy.length)).toBe(true);
    expect(seen.map((e) => e.state)).toEqual(
      expect.arrayContaining(['downloading', 'verifying', 'unpacking', 'done']),
    );
    expect(changes()).toBe(2);

    const list = voiceModelList.parse(await downloads.list());
    expect(list.catalog.map((m) => [m.id, m.installed])).toEqual([
      ['amy', true],
      ['bob', true],
    ]);
    expect(list.recognizer).toEqual(CHOICE);
    expect(list.download?.state).toBe('done');
  });

  test('progress goes out a few times a second at most, and every change of state at once', async () => {
    const { downloads, seen, times, finished } = await setUp({ tickMs: 70 }, {});
    downloads.download(['amy']);
    await finished();
    const states = seen.map((e) => e.state);
    expect(states[0]).toBe('downloading');
    expect(states).toEqual(expect.arrayContaining(['verifying', 'unpacking', 'done']));
    for (let i = 1; i < seen.length; i++) {
      const sameState = seen[i]?.state === seen[i - 1]?.state;
      if (sameState) expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual(245);
    }
    // Slow enough to need several progress events while downloading.
    expect(states.filter((state) => state === 'downloading').length).toBeGreaterThan(1);
  });

  test('refuses in words an unknown id and a second job, and skips an installed id', async () => {
    const { downloads, finished, seen } = await setUp();
    expect(refusal(() => downloads.download(['amy', 'nope'])).message).toBe(
      'No voice model "nope" is in the catalog.',
    );
    downloads.download(['amy']);
    expect(refusal(() => downloads.download(['bob'])).message).toBe(
      'Test voice amy is still being downloaded; cancel it or wait until it is done.',
    );
    await finished();

    seen.length = 0;
    const started = downloads.download(['amy', 'bob']);
    expect(started.total).toBe(ARCHIVES.amy.length + ARCHIVES.bob.length);
    const last = await finished();
    expect(last).toMatchObject({ state: 'done', total: ARCHIVES.bob.length });
    expect(seen.every((e) => e.current !== 'amy' || e.bytes === 0)).toBe(true);
  });

  test('cancel stops the job; remove is refused while it downloads and works after', async () => {
    const { downloads, finished, seen, changes } = await setUp({ tickMs: 15 });
    downloads.download(['amy']);
    while (!seen.some((e) => e.bytes > 20_000)) await new Promise((r) => setTimeout(r, 5));
    await expect(downloads.remove('amy')).rejects.toThrow(
      'Test voice amy is being downloaded; cancel the download before removing it.',
    );
    expect(downloads.cancel()).toBe(true);
    const last = await finished();
    expect(last.state).toBe('cancelled');
    expect(last.error).toBe(
      'Cancelled the download of Test voice amy; starting it again continues where it stopped.',
    );
    const list = await downloads.list();
    expect(list.catalog[0]).toMatchObject({ installed: false });
    expect(list.catalog[0]?.unfinishedBytes).toBeGreaterThan(20_000);
    expect(changes()).toBe(0);

    await downloads.remove('amy');
    expect((await downloads.list()).catalog[0]?.unfinishedBytes).toBeUndefined();
    await expect(downloads.remove('amy')).rejects.toThrow('Test voice amy is not installed.');
    expect(downloads.cancel()).toBe(false);
  });

  test('dispose cancels a running download and waits for it', async () => {
    const { downloads, seen } = await setUp({ tickMs: 15 });
    downloads.download(['amy', 'bob']);
    while (!seen.some((e) => e.bytes > 0)) await new Promise((r) => setTimeout(r, 5));
    await downloads.dispose();
    expect(seen.at(-1)?.state).toBe('cancelled');
    expect(refusal(() => downloads.download(['amy'])).message).toBe('Hearth is shutting down.');
  });
});
