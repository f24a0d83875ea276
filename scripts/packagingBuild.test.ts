// electron-builder itself packs Hearth here: `npm run package -- --dir` against a stand-in for the
// Electron runtime (which cannot be downloaded here), then the packed app is inspected. Where
// the real runtime is installed, the full AppImage and deb build runs too.
import { execFile } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { listPackage } from '@electron/asar';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './testing/electronBuilder';
import { defaultFuseWire, makeStandIn } from './testing/standInElectron';

const run = promisify(execFile);
const packageScript = join(repoRoot, 'scripts', 'package.mjs');
// How @electron/fuses reports a fuse: the wire's '0' and '1' characters.
const off = '0'.charCodeAt(0);
const on = '1'.charCodeAt(0);

/** The CPU an ELF file is built for (e_machine), or null for anything that is not ELF. */
function elfMachine(file: string): 'aarch64' | 'x86-64' | 'other' | null {
  const header = Buffer.alloc(20);
  const fd = openSync(file, 'r');
  try {
    if (readSync(fd, header, 0, 20, 0) < 20) return null;
  } finally {
    closeSync(fd);
  }
  if (header.readUInt32BE(0) !== 0x7f454c46) return null;
  const machine = header.readUInt16LE(18);
  return machine === 0xb7 ? 'aarch64' : machine === 0x3e ? 'x86-64' : 'other';
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((file) => join(dir, file))
    .filter((file) => statSync(file).isFile());
}

describe('an arm64 package packed by electron-builder around a stand-in Electron', () => {
  let workDir: string;
  let appDir: string;

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'hearth-package-'));
    const standIn = makeStandIn(workDir);
    const output = join(workDir, 'dist');
    await run(
      process.execPath,
      [
        packageScript,
        '--dir',
        '--config',
        standIn.config,
        `-c.electronDist=${standIn.electronDist}`,
        `-c.directories.output=${output}`,
      ],
      { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 },
    );
    appDir = join(output, 'linux-arm64-unpacked');
  }, 180_000);

  afterAll(() => {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('holds native code for arm64 only: node-llama-cpp linux-arm64, no x64, CUDA or Vulkan', () => {
    const unpacked = join(appDir, 'resources', 'app.asar.unpacked', 'node_modules');
    expect(readdirSync(join(unpacked, '@node-llama-cpp'))).toEqual(['linux-arm64']);
    const binaries = filesUnder(appDir)
      .map((file) => ({ file: relative(appDir, file), machine: elfMachine(file) }))
      .filter((entry) => entry.machine !== null);
    expect(binaries.map((b) => b.file)).toContain(
      'resources/app.asar.unpacked/node_modules/@node-llama-cpp/linux-arm64/bins/linux-arm64/llama-addon.node',
    );
    expect(binaries.filter((b) => b.machine !== 'aarch64')).toEqual([]);
  });

  it('packs the app into app.asar and leaves node-llama-cpp beside it as real files', () => {
    const asar = join(appDir, 'resources', 'app.asar');
    const packed = listPackage(asar, { isPack: false });
    expect(packed).toContain('/out/main/index.js');
    expect(packed).toContain('/package.json');
    const unpacked = join(appDir, 'resources', 'app.asar.unpacked');
    expect(existsSync(join(unpacked, 'node_modules', 'node-llama-cpp', 'package.json'))).toBe(true);
  });

  it('flips the fuses in the packed executable and leaves asar integrity as Electron ships it', async () => {
    const wire = await getCurrentFuseWire(join(appDir, 'hearth'));
    expect(wire[FuseV1Options.RunAsNode]).toBe(off);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(off);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(off);
    expect(wire[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(off);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(on);
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(on);
    const shipped = defaultFuseWire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation] === '1';
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(shipped ? on : off);
  });
});

const runtimeInstalled = existsSync(join(repoRoot, 'node_modules', 'electron', 'path.txt'));
const skipReason =
  'electron-builder needs the Electron runtime download, not reachable here (node_modules/electron has no path.txt)';
const title = runtimeInstalled
  ? 'npm run package builds an arm64 AppImage and deb with the real Electron runtime'
  : `npm run package builds an arm64 AppImage and deb: skipped, ${skipReason}`;

// The title carries the reason, so the reporter's one "skipped" line explains itself.
it.skipIf(!runtimeInstalled)(
  title,
  async () => {
    const output = mkdtempSync(join(tmpdir(), 'hearth-dist-'));
    try {
      await run('npm', ['run', 'package', '--', `-c.directories.output=${output}`], {
        cwd: repoRoot,
        maxBuffer: 64 * 1024 * 1024,
      });
      const artifacts = readdirSync(output);
      expect(artifacts.some((name) => /arm64\.AppImage$/.test(name))).toBe(true);
      expect(artifacts.some((name) => /arm64\.deb$/.test(name))).toBe(true);
      expect(artifacts.some((name) => /x86_64|amd64/.test(name))).toBe(false);
    } finally {
      rmSync(output, { recursive: true, force: true });
    }
  },
  20 * 60_000,
);
