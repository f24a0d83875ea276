import { copyFileSync, existsSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ModelDownload, ModelFile } from '../../shared/api';
import { FIXTURE_CHATML_MODEL, FIXTURE_MODEL } from '../../testing/inferenceFixtures';
import { converse, scratchDir, startSetupApp, usbStick } from '../../testing/setupFixtures';

describe('"Use a file"', () => {
  it('lists .gguf files in the models folder and on USB sticks, and no links', async () => {
    const usb = usbStick();
    symlinkSync(FIXTURE_MODEL, join(usb.stick, 'linked.gguf'));
    writeFileSync(join(usb.stick, 'notes.txt'), 'not a model');
    const setup = await startSetupApp({ usbRoots: [usb.root] });
    copyFileSync(FIXTURE_MODEL, join(setup.dataDir, 'models', 'stories260K.gguf'));
    symlinkSync(FIXTURE_MODEL, join(setup.dataDir, 'models', 'outside.gguf'));

    const files = await setup.call<ModelFile[]>('listModelFiles');
    expect(files.map((f) => [f.location, f.path])).toEqual([
      ['models', join(setup.dataDir, 'models', 'stories260K.gguf')],
      ['usb', usb.onStick],
    ]);
    expect(files[0]).toMatchObject({ catalogId: 'stories', sizeBytes: 1_185_376, fits: true });
    expect(files[0]?.memoryBytes).toBeGreaterThan(1_185_376);
  });

  it('refuses any path outside the models folder and USB sticks, and links out of them', async () => {
    const usb = usbStick();
    const setup = await startSetupApp({ usbRoots: [usb.root] });
    const models = join(setup.dataDir, 'models');
    symlinkSync(FIXTURE_MODEL, join(models, 'outside.gguf'));
    const elsewhere = scratchDir('hearth-elsewhere-');
    copyFileSync(FIXTURE_MODEL, join(elsewhere, 'loose.gguf'));
    symlinkSync(elsewhere, join(usb.stick, 'door'));
    copyFileSync(FIXTURE_MODEL, join(models, 'model.GGUF.txt'));

    const refusals: [string, string][] = [
      [FIXTURE_MODEL, "Only files in Hearth's models folder or on a USB stick can be used."],
      [
        join(elsewhere, 'loose.gguf'),
        "Only files in Hearth's models folder or on a USB stick can be used.",
      ],
      [
        `${models}/../../${elsewhere}/loose.gguf`,
        'Pick a model file from the list; that is not a plain full path.',
      ],
      [
        'models/stories260K.gguf',
        'Pick a model file from the list; that is not a plain full path.',
      ],
      [join(models, 'outside.gguf'), 'That is not a regular file (links are not followed).'],
      [
        join(usb.stick, 'door', 'loose.gguf'),
        'That file is reached through a link, which is not followed.',
      ],
      [join(models, 'model.GGUF.txt'), 'Only .gguf model files can be used.'],
      ['/etc/passwd', 'Only .gguf model files can be used.'],
      [`${usb.root}.gguf`, "Only files in Hearth's models folder or on a USB stick can be used."],
    ];
    for (const [path, message] of refusals) {
      expect(await setup.outcome('useModelFile', { path }), path).toEqual({
        ok: false,
        error: { code: 'bad_request', message },
      });
    }
    expect(await setup.outcome('useModelFile', { path: join(models, 'gone.gguf') })).toMatchObject({
      error: { code: 'not_found' },
    });
    expect(setup.app.engine.status().state).toBe('none');
    expect(setup.downloads()).toEqual([]);
  });

  it('refuses a file that is not a GGUF model before touching the running model', async () => {
    const setup = await startSetupApp();
    const fake = join(setup.dataDir, 'models', 'fake.gguf');
    writeFileSync(fake, 'this is not a model, just some text long enough for a header');
    expect(await setup.outcome('useModelFile', { path: fake })).toMatchObject({
      ok: false,
      error: {
        code: 'bad_request',
        message: expect.stringMatching(/^Not a GGUF model file: fake\.gguf/),
      },
    });
  });

  it('copies a model from a USB stick into the models folder, then loads it and answers', async () => {
    const usb = usbStick();
    const setup = await startSetupApp({ usbRoots: [usb.root] });
    const started = await setup.call<ModelDownload>('useModelFile', { path: usb.onStick });
    expect(started).toMatchObject({
      state: 'copying',
      model: 'stories260K-chatml.gguf',
      total: 1_185_632,
    });
    expect((await setup.downloadEnded()).download.state).toBe('done');
    expect(setup.downloads().map((d) => d.state)).toEqual(
      expect.arrayContaining(['copying', 'loading', 'done']),
    );
    const installed = join(setup.dataDir, 'models', 'stories260K-chatml.gguf');
    expect(readdirSync(join(setup.dataDir, 'models'))).toEqual(['stories260K-chatml.gguf']);
    expect(setup.app.engine.modelPath).toBe(installed);
    expect((await converse(setup)).status).toBe('complete');

    // The same stick again: the copy is already there, so it is refused rather than overwritten.
    expect(await setup.outcome('useModelFile', { path: usb.onStick })).toMatchObject({
      error: {
        code: 'bad_request',
        message: expect.stringMatching(/already in the models folder/),
      },
    });
  });

  it('switches between installed models without copying, and remembers the choice', async () => {
    const setup = await startSetupApp();
    const models = join(setup.dataDir, 'models');
    copyFileSync(FIXTURE_MODEL, join(models, 'a.gguf'));
    copyFileSync(FIXTURE_CHATML_MODEL, join(models, 'b.gguf'));
    await setup.call('useModelFile', { path: join(models, 'b.gguf') });
    expect((await setup.downloadEnded()).download).toMatchObject({
      state: 'done',
      model: 'b.gguf',
    });
    expect(setup.app.engine.modelPath).toBe(join(models, 'b.gguf'));
    const files = await setup.call<ModelFile[]>('listModelFiles');
    expect(files.map((f) => [f.fileName, f.current])).toEqual([
      ['a.gguf', false],
      ['b.gguf', true],
    ]);
    const settings = await setup.call<{ about: { modelPath?: string } }>('getSettings');
    expect(settings.about.modelPath).toBe(join(models, 'b.gguf'));
    // A Settings screen left open hears of the switch too.
    const announced = setup.seen.filter((e) => e.type === 'settings').at(-1);
    expect(announced).toMatchObject({ settings: { about: { modelPath: join(models, 'b.gguf') } } });
    expect(existsSync(join(setup.dataDir, 'config.json'))).toBe(true);
  });
});
