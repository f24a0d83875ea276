// A USB copy that does not finish leaves nothing behind: cancelled, the stick
// pulled out before or during the copy, or cut short by a crash (its temporary
// file is cleared away at the next start, unless a copy still runs).
import { existsSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ModelDownload, ModelList } from '../../shared/api';
import { lockPart, type PartLock } from '../models/partLock';
import { owner, startSetupApp, usbStick } from '../../testing/setupFixtures';

const NAME = 'stories260K-chatml.gguf';

describe('a USB copy that does not finish', () => {
  it('cancelled midway: says so, loads nothing and leaves no model or temporary file', async () => {
    const usb = usbStick();
    const setup = await startSetupApp({ usbRoots: [usb.root] });
    // The handler, not a call over the wire: the 1 MB copy would be over before a round trip.
    setup.midway('copying', () => void setup.app.handlers.cancelDownload({}, owner));
    await setup.call<ModelDownload>('useModelFile', { path: usb.onStick });
    const ended = await setup.downloadEnded();
    expect(ended.download).toMatchObject({
      state: 'cancelled',
      error: `Cancelled copying ${NAME}.`,
    });
    expect(readdirSync(setup.modelsDir)).toEqual([]);
    expect(setup.app.engine.status().state).toBe('none');
    // The stick's file is untouched, and copying again works.
    setup.seen.length = 0;
    await setup.call('useModelFile', { path: usb.onStick });
    expect((await setup.downloadEnded()).download.state).toBe('done');
    expect(readdirSync(setup.modelsDir)).toEqual([NAME]);
  });

  it('the stick pulled out during the copy: one sentence, and nothing left', async () => {
    const usb = usbStick();
    const setup = await startSetupApp({ usbRoots: [usb.root] });
    // What a pulled stick looks like to a read that is under way: the file ends early.
    setup.midway('copying', () => truncateSync(usb.onStick, 1000));
    await setup.call('useModelFile', { path: usb.onStick });
    const ended = await setup.downloadEnded();
    expect(ended.download).toMatchObject({
      state: 'failed',
      error: `Could not copy ${NAME} from the USB stick: it could not be read to the end (was the stick pulled out?).`,
    });
    expect(readdirSync(setup.modelsDir)).toEqual([]);
    expect(setup.app.engine.status().state).toBe('none');
  });

  it('the stick pulled out as the copy starts: the same sentence, and nothing left', async () => {
    const usb = usbStick();
    const setup = await startSetupApp({ usbRoots: [usb.root] });
    // The first 'copying' event goes out before the file is opened.
    const off = setup.app.events.subscribe((event) => {
      if (event.type !== 'modelDownload' || event.download.state !== 'copying') return;
      off();
      rmSync(usb.stick, { recursive: true });
    });
    await setup.call('useModelFile', { path: usb.onStick });
    const ended = await setup.downloadEnded();
    expect(ended.download).toMatchObject({
      state: 'failed',
      error: `Could not copy ${NAME} from the USB stick: it could not be read to the end (was the stick pulled out?).`,
    });
    expect(readdirSync(setup.modelsDir)).toEqual([]);
  });
});

describe('what a copy cut short by a crash left', () => {
  it('is removed when Hearth starts, so it never fills the card; a model and a running copy are kept', async () => {
    let running: PartLock | undefined;
    const setup = await startSetupApp({
      beforeStart: async (models) => {
        writeFileSync(join(models, `${NAME}.copying`), Buffer.alloc(300_000));
        writeFileSync(join(models, 'kept.gguf'), 'an installed model');
        writeFileSync(join(models, 'busy.gguf.copying'), 'a copy still under way');
        // Held as a running copy holds it (this process is alive, so the lock counts).
        running = await lockPart(models, 'busy.gguf');
      },
    });
    try {
      const listed = await setup.call<ModelList>('listModels');
      expect(listed.installed.map((m) => m.fileName)).toEqual(['kept.gguf']);
      expect(listed.unfinished).toEqual([]);
      expect(readdirSync(setup.modelsDir).sort()).toEqual([
        'busy.gguf.copying',
        'busy.gguf.part.lock',
        // The lock's holder marker, naming this process (base/lockFile.ts).
        expect.stringMatching(new RegExp(`^busy\\.gguf\\.part\\.lock\\.holder-${process.pid}-`)),
        'kept.gguf',
      ]);
      expect(setup.logger.entries).toContainEqual(
        expect.objectContaining({
          eventType: 'model_copy_leftovers_removed',
          context: { files: [`${NAME}.copying`] },
        }),
      );
    } finally {
      await running?.release();
    }
    expect(existsSync(join(setup.modelsDir, 'busy.gguf.part.lock'))).toBe(false);
  });
});
