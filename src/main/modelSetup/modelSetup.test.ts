import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HearthEvent, ModelDownload, ModelList } from '../../shared/api';
import { closedPort, FIXTURE_SHA256 } from '../../testing/models/modelServer';
import { modelServersPerTest } from '../../testing/models/modelServersPerTest';
import { fakeHub, FIRST_COMMIT, fixtureOnHub, hubApi } from '../../testing/models/fakeHub';
import { FIXTURE_CHATML_MODEL } from '../../testing/inferenceFixtures';
import { converse, owner, phone, startSetupApp } from '../../testing/setupFixtures';

const serve = modelServersPerTest();

/** A Hearth with no model whose catalog downloads from this server. */
const startWithout = (server: { origin: string }, answerMs?: number) =>
  startSetupApp({ env: { HF_ENDPOINT: `${server.origin}/` }, answerMs });

describe('first-run model setup through the service', () => {
  it('starts with no model, downloads the catalog pick with progress, loads it and answers', async () => {
    const server = await serve({ tickMs: 5 });
    const setup = await startWithout(server);
    const { call, downloads, dataDir } = setup;
    expect((await call<{ model: { state: string } }>('getSnapshot')).model.state).toBe('none');

    const before = await call<ModelList>('listModels');
    expect(before.catalog.map((m) => [m.id, m.recommended, m.pinned, m.installed])).toEqual([
      ['stories', true, true, false],
      ['later', false, false, false],
    ]);
    expect(before.catalog[0]).toMatchObject({ fits: true, sizeBytes: 1_185_376 });
    expect(before.catalog[0]?.tokensPerSecond).toBeGreaterThan(1000);
    expect(before).toMatchObject({ installed: [], unfinished: [], download: null });

    const started = await call<ModelDownload>('downloadModel', { catalogId: 'stories' });
    expect(started).toMatchObject({ state: 'downloading', model: 'Stories 260K', bytes: 0 });
    const ended = await setup.downloadEnded();
    expect(ended.download).toMatchObject({ state: 'done', model: 'Stories 260K' });

    const states = downloads().map((d) => d.state);
    expect(states.filter((s, i) => s !== states[i - 1])).toEqual([
      'downloading',
      'verifying',
      'loading',
      'done',
    ]);
    const fetching = downloads().filter((d) => d.state === 'downloading');
    expect(fetching.map((d) => d.bytes)).toEqual(
      fetching.map((d) => d.bytes).sort((a, b) => a - b),
    );
    const midway = fetching.find((d) => d.bytes > 0 && d.bytes < 1_185_376);
    expect(midway?.total).toBe(1_185_376);
    expect(midway?.bytesPerSecond).toBeGreaterThan(0);
    expect(midway?.secondsLeft).toBeGreaterThan(0);
    expect(server.requests[0]?.path).toBe(
      `/ggml-org/models/resolve/${'a'.repeat(40)}/stories260K.gguf`,
    );

    expect(setup.app.engine.status().state).toBe('ready');
    const answer = await converse(setup);
    expect(answer.status).toBe('complete');
    expect(answer.text.length).toBeGreaterThan(0);

    // Remembered for the next start, and listed as installed and current.
    const modelPath = join(dataDir, 'models', 'stories260K.gguf');
    expect(JSON.parse(readFileSync(join(dataDir, 'config.json'), 'utf8'))).toEqual({
      model: modelPath,
    });
    const after = await call<ModelList>('listModels');
    expect(after.catalog[0]?.installed).toBe(true);
    expect(after.installed).toMatchObject([
      { fileName: 'stories260K.gguf', catalogId: 'stories', current: true, location: 'models' },
    ]);
    expect(after.currentPath).toBe(modelPath);
    expect(after.download?.state).toBe('done');
  });

  it('cancel stops the download, leaves no model file, and downloading again continues it', async () => {
    const server = await serve({ tickMs: 25 });
    const setup = await startWithout(server);
    const { call, app, dataDir } = setup;
    await call('downloadModel', { catalogId: 'stories' });
    await setup.until(
      (e): e is Extract<HearthEvent, { type: 'modelDownload' }> =>
        e.type === 'modelDownload' &&
        e.download.bytes > 200_000 &&
        e.download.state === 'downloading',
    );
    expect(await call('cancelDownload')).toEqual({ cancelled: true });
    const ended = await setup.downloadEnded();
    expect(ended.download.state).toBe('cancelled');
    expect(ended.download.error).toBe(
      'Cancelled the download of Stories 260K; starting it again continues where it stopped.',
    );
    expect(readdirSync(join(dataDir, 'models')).filter((n) => n.endsWith('.gguf'))).toEqual([]);
    expect(app.engine.status().state).toBe('none');
    const listed = await call<ModelList>('listModels');
    expect(listed.unfinished).toMatchObject([
      { fileName: 'stories260K.gguf', total: 1_185_376, catalogId: 'stories' },
    ]);
    const kept = listed.unfinished[0]?.bytes ?? 0;
    expect(kept).toBeGreaterThan(200_000);
    expect(await call('cancelDownload')).toEqual({ cancelled: false });

    server.set({ tickMs: 1 });
    setup.seen.length = 0;
    await call('downloadModel', { catalogId: 'stories' });
    expect((await setup.downloadEnded()).download.state).toBe('done');
    expect(server.requests.at(-1)?.range).toBe(`bytes=${kept}-`);
    expect(app.engine.status().state).toBe('ready');
  });

  it('says in one sentence why a download failed, and keeps no half file that looks like a model', async () => {
    const nobody = { origin: `http://127.0.0.1:${await closedPort()}` };
    const setup = await startWithout(nobody, 1000);
    await setup.call('downloadModel', { catalogId: 'stories' });
    const ended = await setup.downloadEnded();
    expect(ended.download).toMatchObject({
      state: 'failed',
      error: 'Could not download Stories 260K: the server could not be reached (no internet?).',
    });
    expect(readdirSync(join(setup.dataDir, 'models')).filter((n) => n.endsWith('.gguf'))).toEqual(
      [],
    );
    expect(setup.app.engine.status().state).toBe('none');
  });

  it('refuses and removes a file whose checksum does not match', async () => {
    const server = await serve();
    const setup = await startWithout(server);
    const wrong = Buffer.from(readFileSync(FIXTURE_CHATML_MODEL));
    server.set({ body: wrong });
    await setup.call('downloadModel', { catalogId: 'stories' });
    const ended = await setup.downloadEnded();
    expect(ended.download.state).toBe('failed');
    expect(ended.download.error).toBe(
      'Could not download Stories 260K: the file does not match its sha256 checksum, so it was removed; try again.',
    );
    expect(readdirSync(join(setup.dataDir, 'models'))).toEqual([]);
  });

  it('refuses a second download while one runs, unknown entries, and plain http elsewhere', async () => {
    const server = await serve({ tickMs: 20 });
    const setup = await startWithout(server);
    const { outcome, call } = setup;
    await call('downloadModel', { catalogId: 'stories' });
    expect(await outcome('downloadModel', { catalogId: 'stories' })).toMatchObject({
      ok: false,
      error: { code: 'busy' },
    });
    await call('cancelDownload');
    await setup.downloadEnded();
    expect(await outcome('downloadModel', { catalogId: 'nope' })).toMatchObject({
      error: { code: 'not_found', message: 'No model "nope" is in the catalog.' },
    });
    expect(await outcome('downloadModel', { url: 'http://example.com/m.gguf' })).toMatchObject({
      error: {
        code: 'bad_request',
        message:
          'That address cannot be used: only https addresses are allowed (plain http only to this computer).',
      },
    });
  });

  it('downloads a catalog model that pins nothing from the commit the hub names, and loads it', async () => {
    const hub = fakeHub({
      repository: 'owner/Later-GGUF',
      files: [fixtureOnHub({ path: 'Later-Q4_K_M.gguf' })],
    });
    const server = await serve({ api: hubApi(hub) });
    const setup = await startWithout(server);
    const listed = await setup.call<ModelList>('listModels');
    expect(listed.catalog.find((m) => m.id === 'later')?.pinned).toBe(false);

    await setup.call('downloadModel', { catalogId: 'later' });
    const ended = await setup.downloadEnded();
    expect(ended.download).toMatchObject({ state: 'done', model: 'Later 1B', catalogId: 'later' });
    expect(server.requests.at(-1)?.path).toBe(
      `/owner/Later-GGUF/resolve/${FIRST_COMMIT}/Later-Q4_K_M.gguf`,
    );
    expect(setup.app.engine.status().state).toBe('ready');
    const after = await setup.call<ModelList>('listModels');
    expect(after.catalog.find((m) => m.id === 'later')?.installed).toBe(true);
  });

  it('a catalog model that pins nothing fails in one sentence when the hub lacks the file', async () => {
    const server = await serve({ api: hubApi(fakeHub({ repository: 'owner/Later-GGUF' })) });
    const setup = await startWithout(server);
    await setup.call('downloadModel', { catalogId: 'later' });
    const ended = await setup.downloadEnded();
    expect(ended.download).toMatchObject({
      state: 'failed',
      error: `Could not download Later 1B: the hub has no Later-Q4_K_M.gguf in owner/Later-GGUF at its latest revision (${FIRST_COMMIT.slice(0, 12)}).`,
    });
    expect(readdirSync(join(setup.dataDir, 'models'))).toEqual([]);
  });

  it('downloads from an address given with its sha256', async () => {
    const server = await serve();
    const setup = await startWithout(server);
    await setup.call('downloadModel', {
      url: server.url('/files/tiny.gguf'),
      sha256: FIXTURE_SHA256,
    });
    const ended = await setup.downloadEnded();
    expect(ended.download).toMatchObject({ state: 'done', model: 'tiny.gguf' });
    expect(existsSync(join(setup.dataDir, 'models', 'tiny.gguf'))).toBe(true);
  });

  it('model setup is for the owner only: a paired phone is refused every setup command', async () => {
    const server = await serve();
    const { outcome } = await startWithout(server);
    for (const [name, args] of [
      ['listModels', {}],
      ['downloadModel', { catalogId: 'stories' }],
      ['cancelDownload', {}],
      ['listModelFiles', {}],
      ['useModelFile', { path: '/tmp/x.gguf' }],
    ] as const) {
      expect(await outcome(name, args, phone), name).toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      });
    }
    expect((await outcome('listModels', {}, owner)).ok).toBe(true);
  });
});
