// The Electron runtime cannot be downloaded here, and electron-builder only needs a few things of
// it to pack an unpacked app: an `electron` executable to rename and a fuse wire in it to flip.
// This stand-in has both, so electron-builder itself runs its file selection, asar packing and
// fuse flipping on this repository's node_modules.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Configuration } from 'electron-builder';
import { parse } from 'yaml';
import { repoRoot } from './electronBuilder';

/** The marker @electron/fuses searches an Electron binary for; the fuse wire follows it. */
const fuseSentinel = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';

/**
 * Electron's default fuse wire, one character per fuse in FuseV1Options order: RunAsNode,
 * cookie encryption, NODE_OPTIONS, --inspect, asar integrity, only load from asar, browser V8
 * snapshot, file:// privileges. '1' is on, '0' is off.
 */
export const defaultFuseWire = '10110001';

export interface StandIn {
  /** An unpacked "Electron" for electron-builder's electronDist. */
  electronDist: string;
  /** electron-builder.yml as JSON, taking the built app from a stub instead of out/. */
  config: string;
}

/**
 * The bytes of a stand-in Electron binary: a script, then the sentinel, the fuse wire's version
 * (1) and length, and the wire itself, where @electron/fuses looks for them.
 */
export function standInElectronBinary(fuseWire = defaultFuseWire): Buffer {
  const wire = Buffer.from(fuseWire, 'latin1');
  return Buffer.concat([
    Buffer.from('#!/bin/sh\n# stand-in for the Electron runtime\n'),
    Buffer.from(fuseSentinel, 'latin1'),
    Buffer.from([1, wire.length]),
    wire,
    Buffer.from('\n'),
  ]);
}

function writeElectron(dir: string): void {
  mkdirSync(join(dir, 'resources'), { recursive: true });
  writeFileSync(join(dir, 'electron'), standInElectronBinary(), { mode: 0o755 });
  writeFileSync(join(dir, 'LICENSE'), 'stand-in\n');
}

/** What electron-vite builds; the test is about what gets packed around it, not the app itself. */
function writeBuiltApp(dir: string): void {
  const files = [
    'main/index.js',
    'main/serve.js',
    'main/workers/coreLoad.js',
    'preload/index.cjs',
    'renderer/index.html',
  ];
  for (const file of files) {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), '// stand-in for the built app\n');
  }
}

/**
 * Builds the stand-in under `root`. The build still runs in this repository (electron-builder
 * asks npm for the dependency tree there); only out/ is swapped, so the run neither needs nor
 * disturbs an electron-vite build.
 */
export function makeStandIn(root: string): StandIn {
  const electronDist = join(root, 'electron-dist');
  writeElectron(electronDist);
  const builtApp = join(root, 'out');
  writeBuiltApp(builtApp);
  const config = parse(
    readFileSync(join(repoRoot, 'electron-builder.yml'), 'utf8'),
  ) as Configuration;
  const files = (config.files as string[]).map((entry) =>
    entry === 'out/**' ? { from: builtApp, to: 'out', filter: ['**/*'] } : entry,
  );
  if (!files.some((entry) => typeof entry === 'object')) {
    throw new Error('electron-builder.yml no longer packs out/**: update the stand-in');
  }
  const configFile = join(root, 'electron-builder.json');
  writeFileSync(configFile, JSON.stringify({ ...config, files }, null, 2));
  return { electronDist, config: configFile };
}
