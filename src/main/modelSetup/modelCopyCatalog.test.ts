// A file on a USB stick named like one of the catalog's pinned models must be
// that model: the catalog's size and sha256. One that is not is refused in one
// sentence and leaves nothing in the models folder.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE_CHATML_MODEL, FIXTURE_MODEL } from '../../testing/inferenceFixtures';
import { scratchDir, startSetupApp } from '../../testing/setupFixtures';

// The test catalog's pinned "Stories 260K" is this file, with the fixture's size and sha256.
const NAME = 'stories260K.gguf';

/** A USB mount point with one stick holding `bytes` as stories260K.gguf. */
function stickHolding(bytes: Buffer) {
  const root = scratchDir('hearth-media-');
  const stick = join(root, 'STICK');
  mkdirSync(stick, { recursive: true });
  const onStick = join(stick, NAME);
  writeFileSync(onStick, bytes);
  return { root, onStick };
}

const states = (setup: Awaited<ReturnType<typeof startSetupApp>>) => [
  ...new Set(setup.downloads().map((d) => d.state)),
];

describe('a USB file named like a catalog model', () => {
  it('with the same size but other bytes is refused after its sha256 is checked, and nothing is installed', async () => {
    const bytes = readFileSync(FIXTURE_MODEL);
    // One weight changed, far past the GGUF header: it still reads as a model.
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0xff;
    const usb = stickHolding(bytes);
    const setup = await startSetupApp({ usbRoots: [usb.root] });
    await setup.call('useModelFile', { path: usb.onStick });
    const ended = await setup.downloadEnded();
    expect(ended.download).toMatchObject({
      state: 'failed',
      error: `Could not copy ${NAME}: it is not the catalog's Stories 260K (its sha256 differs), so it is damaged or another file of that name; nothing was installed.`,
    });
    expect(states(setup)).toEqual(['copying', 'verifying', 'failed']);
    expect(readdirSync(setup.modelsDir)).toEqual([]);
    expect(setup.app.engine.status().state).toBe('none');
    expect(setup.logger.entries).toContainEqual(
      expect.objectContaining({
        eventType: 'model_copy_refused',
        context: expect.objectContaining({ model: 'stories', problem: 'checksum-mismatch' }),
      }),
    );
  });

  it('with another size is refused before a byte is copied', async () => {
    const usb = stickHolding(readFileSync(FIXTURE_CHATML_MODEL));
    const setup = await startSetupApp({ usbRoots: [usb.root] });
    await setup.call('useModelFile', { path: usb.onStick });
    const ended = await setup.downloadEnded();
    expect(ended.download).toMatchObject({
      state: 'failed',
      bytes: 0,
      error: `Could not copy ${NAME}: it is not the catalog's Stories 260K (it has 1185632 bytes, not 1185376), so it is damaged or another file of that name; nothing was installed.`,
    });
    expect(states(setup)).toEqual(['copying', 'failed']);
    expect(readdirSync(setup.modelsDir)).toEqual([]);
  });

  it('that is the catalog model byte for byte is checked, installed and loaded', async () => {
    const root = scratchDir('hearth-media-');
    mkdirSync(join(root, 'STICK'));
    const onStick = join(root, 'STICK', NAME);
    copyFileSync(FIXTURE_MODEL, onStick);
    const setup = await startSetupApp({ usbRoots: [root] });
    await setup.call('useModelFile', { path: onStick });
    expect((await setup.downloadEnded()).download.state).toBe('done');
    expect(states(setup)).toEqual(['copying', 'verifying', 'loading', 'done']);
    expect(readdirSync(setup.modelsDir)).toEqual([NAME]);
    expect(setup.app.engine.modelPath).toBe(join(setup.modelsDir, NAME));
  });
});
