// Electron's fuses: switches compiled into the Electron binary that no environment variable or
// command-line flag can turn back at run time. This is the one list of the fuses Hearth flips, for
// both ways it runs on a Pi:
//  - the packages (`npm run package`): electron-builder flips electron-builder.yml's
//    electronFuses, which scripts/packaging.test.ts holds equal to PACKAGED_FUSES;
//  - the kiosk run from a git clone (`npm run kiosk:install`): fuseElectron() flips KIOSK_FUSES
//    in node_modules' Electron binary, which scripts/start.mjs runs.
import { chmod, copyFile, rename, rm, stat } from 'node:fs/promises';
import process from 'node:process';
import { FuseV1Options, FuseVersion, flipFuses, getCurrentFuseWire } from '@electron/fuses';

/** Fuse name (electron-builder's electronFuses key) to the state Hearth gives it. */
export const PACKAGED_FUSES = Object.freeze({
  // ELECTRON_RUN_AS_NODE would turn the binary into a plain Node.js that runs any script.
  runAsNode: false,
  // NODE_OPTIONS could load someone's code into the main process (--require, --import).
  enableNodeOptionsEnvironmentVariable: false,
  // --inspect would open a debugger port into the main process, which holds the owner's secrets.
  enableNodeCliInspectArguments: false,
  // file:// pages get no more than a web page's rights (Hearth serves its UI from app://).
  grantFileProtocolExtraPrivileges: false,
  // The app is loaded only from resources/app.asar, never from a folder beside it.
  onlyLoadAppFromAsar: true,
  // The owner's cookies are encrypted on disk.
  enableCookieEncryption: true,
});

/**
 * The kiosk of a git clone runs `electron .`: Electron's default app (resources/default_app.asar)
 * loads the checkout's folder. onlyLoadAppFromAsar would make Electron look for app.asar alone,
 * and the kiosk could not start, so that one stays with the packages.
 */
const PACKAGE_ONLY = new Set(['onlyLoadAppFromAsar']);

export const KIOSK_FUSES = Object.freeze(
  Object.fromEntries(Object.entries(PACKAGED_FUSES).filter(([name]) => !PACKAGE_ONLY.has(name))),
);

/** The fuse's place in the wire: electron-builder's key with a capital, as @electron/fuses names it. */
function fuseIndex(name) {
  const index = FuseV1Options[`${name[0].toUpperCase()}${name.slice(1)}`];
  if (typeof index !== 'number') throw new Error(`${name} is not a fuse @electron/fuses knows`);
  return index;
}

const ON = '1'.charCodeAt(0);
const OFF = '0'.charCodeAt(0);

/**
 * The named fuses as the binary has them: true (on), false (off), or 'removed' when this
 * Electron no longer has the fuse. Throws when the file holds no fuse wire (not Electron).
 */
export async function readFuses(binary, names = Object.keys(PACKAGED_FUSES)) {
  const wire = await getCurrentFuseWire(binary);
  const states = {};
  for (const name of names) {
    const state = wire[fuseIndex(name)];
    states[name] = state === ON ? true : state === OFF ? false : 'removed';
  }
  return states;
}

/**
 * Flips `fuses` in the Electron binary at `binary` and reads them back. The flipped copy is
 * written beside it and renamed over it, so a binary that is running keeps running and a failed
 * flip leaves the old one whole. Returns whether anything changed; throws one sentence naming
 * the binary when it cannot be fused.
 */
export async function fuseElectron(binary, fuses = KIOSK_FUSES) {
  const names = Object.keys(fuses);
  const matches = (states) => names.every((name) => states[name] === fuses[name]);
  let before;
  try {
    before = await readFuses(binary, names);
  } catch (error) {
    throw new Error(`Cannot set the fuses of ${binary}: ${error.message}`);
  }
  if (matches(before)) return { changed: false };
  const temp = `${binary}.fusing-${process.pid}`;
  try {
    await copyFile(binary, temp);
    await chmod(temp, (await stat(binary)).mode);
    const config = { version: FuseVersion.V1 };
    for (const name of names) config[fuseIndex(name)] = fuses[name];
    await flipFuses(temp, config);
    const after = await readFuses(temp, names);
    if (!matches(after)) {
      const wrong = names.filter((name) => after[name] !== fuses[name]);
      throw new Error(`${wrong.join(', ')} did not take (this Electron has no such fuse)`);
    }
    await rename(temp, binary);
  } catch (error) {
    await rm(temp, { force: true });
    throw new Error(`Cannot set the fuses of ${binary}: ${error.message}`);
  }
  return { changed: true };
}
