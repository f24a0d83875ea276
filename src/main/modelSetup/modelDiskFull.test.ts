// A small SD card that fills up: the models folder is a tmpfs mounted for each
// test (needs root, as in CI; elsewhere skipped). A download or a USB copy that
// does not fit says so in one sentence and never leaves a model file behind,
// whether it is refused before it starts or the disk fills up midway.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { modelServersPerTest } from '../../testing/models/modelServersPerTest';
import { startSetupApp, usbStick } from '../../testing/setupFixtures';
import { canMount, fillDisk, needsMount } from '../../testing/tmpfs';

const serve = modelServersPerTest();

/** What is left in the models folder besides the test's own filler. */
const leftIn = (directory: string) => readdirSync(directory).filter((n) => n !== 'filler');

// 16 MiB cannot hold the 1.2 MB model plus the 50 MB kept free; 64 MiB can, until it fills up.
const TOO_SMALL = '16m';
const ROOMY = '64m';

describe('models on a full disk', () => {
  it.skipIf(!canMount)(
    needsMount(
      'a download larger than the free space is refused in one sentence and leaves no model',
    ),
    async () => {
      const server = await serve();
      const setup = await startSetupApp({
        env: { HF_ENDPOINT: `${server.origin}/` },
        modelsTmpfs: TOO_SMALL,
      });
      await setup.call('downloadModel', { catalogId: 'stories' });
      expect((await setup.downloadEnded()).download).toMatchObject({
        state: 'failed',
        error:
          'Could not download Stories 260K: the disk is too full (it needs 51 MB, 17 MB is free).',
      });
      expect(leftIn(setup.modelsDir)).toEqual([]);
      expect(setup.app.engine.status().state).toBe('none');
    },
  );

  it.skipIf(!canMount)(
    needsMount(
      'a download the disk fills up under stops in one sentence, leaves no model, and keeps what it got',
    ),
    async () => {
      const server = await serve({ tickMs: 20 });
      const setup = await startSetupApp({
        env: { HF_ENDPOINT: `${server.origin}/` },
        modelsTmpfs: ROOMY,
      });
      setup.midway('downloading', () => fillDisk(setup.modelsDir));
      await setup.call('downloadModel', { catalogId: 'stories' });
      expect((await setup.downloadEnded()).download).toMatchObject({
        state: 'failed',
        error:
          'Could not download Stories 260K: the disk filled up; free some space and try again to continue where it stopped.',
      });
      expect(leftIn(setup.modelsDir).sort()).toEqual([
        'stories260K.gguf.part',
        'stories260K.gguf.part.json',
      ]);
      expect(setup.app.engine.status().state).toBe('none');
    },
  );

  it.skipIf(!canMount)(
    needsMount('a USB copy that does not fit says so and leaves nothing'),
    async () => {
      const usb = usbStick();
      const setup = await startSetupApp({ usbRoots: [usb.root], modelsTmpfs: TOO_SMALL });
      await setup.call('useModelFile', { path: usb.onStick });
      expect((await setup.downloadEnded()).download).toMatchObject({
        state: 'failed',
        error:
          'There is not enough free space to copy stories260K-chatml.gguf: it needs 51 MB and 17 MB is free.',
      });
      expect(leftIn(setup.modelsDir)).toEqual([]);
    },
  );

  it.skipIf(!canMount)(
    needsMount('a USB copy the disk fills up under says so and leaves nothing'),
    async () => {
      const usb = usbStick();
      const setup = await startSetupApp({ usbRoots: [usb.root], modelsTmpfs: ROOMY });
      setup.midway('copying', () => fillDisk(setup.modelsDir));
      await setup.call('useModelFile', { path: usb.onStick });
      expect((await setup.downloadEnded()).download).toMatchObject({
        state: 'failed',
        error:
          'There is not enough free space to copy stories260K-chatml.gguf: the disk filled up during the copy.',
      });
      expect(leftIn(setup.modelsDir)).toEqual([]);
      expect(setup.app.engine.status().state).toBe('none');
    },
  );
});
