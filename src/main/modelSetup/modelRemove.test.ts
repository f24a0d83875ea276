// Removing a model from the Settings screen to free the card: an installed
// model or an unfinished download goes, with its bookkeeping files; the model
// in use, the one Hearth starts with, and one being downloaded (here or by
// `npm run model -- pull` in another process) are refused in one sentence.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HearthEvent, ModelList } from '../../shared/api';
import { FIXTURE_CHATML_MODEL, FIXTURE_MODEL } from '../../testing/inferenceFixtures';
import { FIXTURE_SHA256 } from '../../testing/models/modelServer';
import { modelServersPerTest } from '../../testing/models/modelServersPerTest';
import { phone, startSetupApp } from '../../testing/setupFixtures';

const REPO = resolve(import.meta.dirname, '../../..');

const serve = modelServersPerTest();

/** Resolves once `path` exists. */
async function appears(path: string): Promise<void> {
  while (!existsSync(path)) await new Promise((done) => setTimeout(done, 10));
}

describe('removing a model', () => {
  it('removes an installed model and an unfinished download, leaving the rest', async () => {
    // Put in place once Hearth has started with no model, so none of them is in use.
    const setup = await startSetupApp();
    const models = setup.modelsDir;
    copyFileSync(FIXTURE_MODEL, join(models, 'a.gguf'));
    copyFileSync(FIXTURE_CHATML_MODEL, join(models, 'b.gguf'));
    writeFileSync(join(models, 'stories260K.gguf.part'), Buffer.alloc(4096));
    writeFileSync(
      join(models, 'stories260K.gguf.part.json'),
      JSON.stringify({ url: 'https://example.com/x', total: 1_185_376, validator: null }),
    );
    const before = await setup.call<ModelList>('listModels');
    expect(before.installed.map((m) => m.fileName)).toEqual(['a.gguf', 'b.gguf']);
    expect(before.unfinished.map((u) => u.fileName)).toEqual(['stories260K.gguf']);
    setup.seen.length = 0;

    expect(await setup.call('removeModel', { fileName: 'a.gguf' })).toEqual({ ok: true });
    expect(await setup.call('removeModel', { fileName: 'stories260K.gguf' })).toEqual({ ok: true });

    expect(readdirSync(setup.modelsDir)).toEqual(['b.gguf']);
    const after = await setup.call<ModelList>('listModels');
    expect(after.installed.map((m) => m.fileName)).toEqual(['b.gguf']);
    expect(after.unfinished).toEqual([]);
    // Nothing special is announced: the screen that asked reloads its list.
    expect(setup.seen).toEqual([]);
  });

  it('refuses the model in use and the one Hearth starts with, and keeps them', async () => {
    const setup = await startSetupApp();
    copyFileSync(FIXTURE_MODEL, join(setup.modelsDir, 'a.gguf'));
    copyFileSync(FIXTURE_CHATML_MODEL, join(setup.modelsDir, 'b.gguf'));
    await setup.call('useModelFile', { path: join(setup.modelsDir, 'a.gguf') });
    expect((await setup.downloadEnded()).download.state).toBe('done');
    expect(await setup.outcome('removeModel', { fileName: 'a.gguf' })).toEqual({
      ok: false,
      error: {
        code: 'busy',
        message: 'a.gguf is the model Hearth is using; switch to another model before removing it.',
      },
    });

    // config.json names b.gguf (saved by another screen, say) while a.gguf still answers.
    writeFileSync(
      join(setup.dataDir, 'config.json'),
      JSON.stringify({ model: join(setup.modelsDir, 'b.gguf') }),
    );
    expect(await setup.outcome('removeModel', { fileName: 'b.gguf' })).toEqual({
      ok: false,
      error: {
        code: 'busy',
        message:
          'b.gguf is the model Hearth starts with; switch to another model before removing it.',
      },
    });
    expect(readdirSync(setup.modelsDir).sort()).toEqual(['a.gguf', 'b.gguf']);
    expect(setup.app.engine.status().state).toBe('ready');
  });

  it('refuses a name that is not in the models folder, and anything but a plain .gguf name', async () => {
    const setup = await startSetupApp();
    writeFileSync(join(setup.dataDir, 'notes.gguf.txt'), 'outside the models folder');
    expect(await setup.outcome('removeModel', { fileName: 'gone.gguf' })).toEqual({
      ok: false,
      error: { code: 'not_found', message: 'There is no gone.gguf in the models folder.' },
    });
    for (const fileName of [
      '../config.json',
      '../notes.gguf',
      'models/a.gguf',
      '.hidden.gguf',
      'a.gguf.part',
      'a\\b.gguf',
      '',
    ]) {
      const outcome = await setup.outcome('removeModel', { fileName });
      expect(outcome, fileName).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    }
    expect(existsSync(join(setup.dataDir, 'notes.gguf.txt'))).toBe(true);
  });

  it('is for the owner only', async () => {
    const setup = await startSetupApp();
    copyFileSync(FIXTURE_MODEL, join(setup.modelsDir, 'a.gguf'));
    expect(await setup.outcome('removeModel', { fileName: 'a.gguf' }, phone)).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(readdirSync(setup.modelsDir)).toEqual(['a.gguf']);
  });
});

describe('removing a model that is being downloaded', () => {
  const busy =
    'stories260K.gguf is being downloaded or copied right now; cancel that or wait until it is done, then remove it.';

  it('is refused while this Hearth downloads it, and allowed once the download is cancelled', async () => {
    const server = await serve({ stallAfterBytes: 300_000 });
    const setup = await startSetupApp({ env: { HF_ENDPOINT: `${server.origin}/` } });
    await setup.call('downloadModel', { catalogId: 'stories' });
    await setup.until(
      (e): e is Extract<HearthEvent, { type: 'modelDownload' }> =>
        e.type === 'modelDownload' && e.download.bytes >= 300_000,
    );
    expect(await setup.outcome('removeModel', { fileName: 'stories260K.gguf' })).toEqual({
      ok: false,
      error: { code: 'busy', message: busy },
    });
    const part = join(setup.modelsDir, 'stories260K.gguf.part');
    expect(statSync(part).size).toBeGreaterThanOrEqual(300_000);

    await setup.call('cancelDownload');
    expect((await setup.downloadEnded()).download.state).toBe('cancelled');
    expect(await setup.call('removeModel', { fileName: 'stories260K.gguf' })).toEqual({ ok: true });
    expect(readdirSync(setup.modelsDir)).toEqual([]);
  });

  it('is refused while `npm run model -- pull` downloads it in another process', async () => {
    const server = await serve({ stallAfterBytes: 300_000 });
    const setup = await startSetupApp();
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/main/models/cli.ts',
        'pull',
        server.url(),
        '--sha256',
        FIXTURE_SHA256,
      ],
      { cwd: REPO, env: { ...process.env, HEARTH_DATA_DIR: setup.dataDir } },
    );
    const exited = new Promise((done) => child.on('close', done));
    try {
      const part = join(setup.modelsDir, 'stories260K.gguf.part');
      await appears(join(setup.modelsDir, 'stories260K.gguf.part.lock'));
      await appears(part);
      expect(await setup.outcome('removeModel', { fileName: 'stories260K.gguf' })).toEqual({
        ok: false,
        error: { code: 'busy', message: busy },
      });
      expect(existsSync(part)).toBe(true);
    } finally {
      child.kill('SIGINT');
      await exited;
    }
    // Ctrl+C left the unfinished download; with its process gone it can be removed.
    expect(await setup.call('removeModel', { fileName: 'stories260K.gguf' })).toEqual({ ok: true });
    expect(readdirSync(setup.modelsDir)).toEqual([]);
  });
});
