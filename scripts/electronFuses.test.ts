// The fuses kiosk:install sets in a git clone's Electron, set by the same function the install runs
// and read back with @electron/fuses' own reader. The Electron runtime cannot be downloaded here,
// so a stand-in binary carries Electron's fuse sentinel and wire; where the real runtime is
// installed, a copy of it is fused too.
import {
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fuseElectron, KIOSK_FUSES, PACKAGED_FUSES, type FuseName } from './electronFuses.mjs';
import { electronBinary } from './electronRuntime.mjs';
import { repoRoot } from './testing/electronBuilder';
import { defaultFuseWire, standInElectronBinary } from './testing/standInElectron';

const ON = '1'.charCodeAt(0);
const OFF = '0'.charCodeAt(0);
// Written out, not derived from the names as electronFuses.mjs does, so a wrong mapping shows.
const wireIndex: Record<FuseName, FuseV1Options> = {
  runAsNode: FuseV1Options.RunAsNode,
  enableCookieEncryption: FuseV1Options.EnableCookieEncryption,
  enableNodeOptionsEnvironmentVariable: FuseV1Options.EnableNodeOptionsEnvironmentVariable,
  enableNodeCliInspectArguments: FuseV1Options.EnableNodeCliInspectArguments,
  onlyLoadAppFromAsar: FuseV1Options.OnlyLoadAppFromAsar,
  grantFileProtocolExtraPrivileges: FuseV1Options.GrantFileProtocolExtraPrivileges,
};
const index = (name: string): FuseV1Options => wireIndex[name as FuseName];

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hearth-fuses-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function standIn(): string {
  const binary = join(dir, 'electron');
  writeFileSync(binary, standInElectronBinary(), { mode: 0o755 });
  return binary;
}

/** Each kiosk fuse as getCurrentFuseWire reads it from the file: its '0' or '1'. */
async function kioskFusesIn(binary: string): Promise<Record<string, number | undefined>> {
  const wire = await getCurrentFuseWire(binary);
  return Object.fromEntries(Object.keys(KIOSK_FUSES).map((name) => [name, wire[index(name)]]));
}

const wanted = Object.fromEntries(
  Object.entries(KIOSK_FUSES).map(([name, on]) => [name, on ? ON : OFF]),
);

describe('the fuses kiosk:install sets', () => {
  it('are the packaged build’s, but for onlyLoadAppFromAsar, which `electron .` cannot start with', () => {
    const { onlyLoadAppFromAsar, ...rest } = PACKAGED_FUSES;
    expect(onlyLoadAppFromAsar).toBe(true);
    expect(KIOSK_FUSES).toEqual(rest);
  });

  it('are set in a stand-in Electron binary, and getCurrentFuseWire reads every one back', async () => {
    const binary = standIn();
    // Electron ships each of these the other way, so a flip that did nothing would show.
    expect(await kioskFusesIn(binary)).not.toEqual(wanted);
    for (const [name, on] of Object.entries(KIOSK_FUSES)) {
      expect(defaultFuseWire[index(name)], name).toBe(on ? '0' : '1');
    }

    expect(await fuseElectron(binary)).toEqual({ changed: true });
    expect(await kioskFusesIn(binary)).toEqual(wanted);
    // The fuses it was not asked to set keep Electron's own state, and the file stays runnable.
    const wire = await getCurrentFuseWire(binary);
    for (const other of ['OnlyLoadAppFromAsar', 'EnableEmbeddedAsarIntegrityValidation'] as const) {
      const at = FuseV1Options[other];
      expect(wire[at], other).toBe(defaultFuseWire.charCodeAt(at));
    }
    expect(statSync(binary).mode & 0o777).toBe(0o755);
    expect(readdirSync(dir)).toEqual(['electron']);
  });

  it('a second run finds them set and leaves the file alone', async () => {
    const binary = standIn();
    await fuseElectron(binary);
    const before = statSync(binary);
    expect(await fuseElectron(binary)).toEqual({ changed: false });
    const after = statSync(binary);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  });

  it('replaces the binary by a rename, so a kiosk running the old file keeps it whole', async () => {
    const binary = standIn();
    const before = statSync(binary).ino;
    await fuseElectron(binary);
    expect(statSync(binary).ino).not.toBe(before);
  });

  it('refuses a file that is not Electron in one sentence naming it, and leaves it as it was', async () => {
    const binary = join(dir, 'electron');
    writeFileSync(binary, '#!/bin/sh\necho not electron\n', { mode: 0o755 });
    await expect(fuseElectron(binary)).rejects.toThrow(
      `Cannot set the fuses of ${binary}: Could not find sentinel in the provided Electron binary`,
    );
    expect(readFileSync(binary, 'utf8')).toBe('#!/bin/sh\necho not electron\n');
    expect(readdirSync(dir)).toEqual(['electron']);
  });
});

const realElectron = electronBinary(repoRoot);
const realTitle = realElectron
  ? 'are set in a copy of the installed Electron runtime and read back'
  : 'are set in a copy of the installed Electron runtime: skipped, no Electron runtime here (node_modules/electron has no path.txt)';

// The title carries the reason, so the reporter's one "skipped" line explains itself.
it.skipIf(!realElectron)(realTitle, async () => {
  const copy = join(dir, 'electron');
  copyFileSync(realElectron ?? '', copy);
  expect(await fuseElectron(copy)).toEqual({ changed: true });
  expect(await kioskFusesIn(copy)).toEqual(wanted);
});
