import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { unpackedFromAsar, workerModule } from './workerModule';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('workerModule', () => {
  it('finds a built worker outside the asar archive of a packaged app', () => {
    const root = mkdtempSync(join(tmpdir(), 'hearth-asar-'));
    dirs.push(root);
    const unpacked = join(root, 'resources', 'app.asar.unpacked', 'out', 'main', 'workers');
    mkdirSync(unpacked, { recursive: true });
    writeFileSync(join(unpacked, 'coreLoad.js'), '');
    const bundled = pathToFileURL(join(root, 'resources', 'app.asar', 'out', 'main', 'index.js'));
    expect(fileURLToPath(workerModule('coreLoad', bundled.href))).toBe(
      join(unpacked, 'coreLoad.js'),
    );
  });

  it('maps only a whole app.asar path segment', () => {
    expect(unpackedFromAsar('/opt/Hearth/resources/app.asar/out/main')).toBe(
      '/opt/Hearth/resources/app.asar.unpacked/out/main',
    );
    expect(unpackedFromAsar('/home/pi/my.app.asarx/out')).toBe('/home/pi/my.app.asarx/out');
  });

  it('says where it looked when the worker is missing', () => {
    const root = mkdtempSync(join(tmpdir(), 'hearth-asar-'));
    dirs.push(root);
    expect(() => workerModule('coreLoad', pathToFileURL(join(root, 'index.js')).href)).toThrow(
      /Worker "coreLoad" not found; looked in/,
    );
  });
});
