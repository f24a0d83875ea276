// What a Hearth package contains, asked of electron-builder's own configuration and
// file-selection code without the Electron runtime (it cannot be downloaded here).
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Configuration } from 'electron-builder';
import { beforeAll, describe, expect, it } from 'vitest';
import { PACKAGED_FUSES } from './electronFuses.mjs';
import {
  desktopEntry,
  loadBuilderConfig,
  repoRoot,
  shipsNodeModuleFile,
  unpacksFromAsar,
  validateBuilderConfig,
  type Arch,
} from './testing/electronBuilder';

const run = promisify(execFile);

let config: Configuration;
beforeAll(async () => {
  config = await loadBuilderConfig();
});

/** Every prebuilt package node-llama-cpp can pull in, installed here or not (mac, win, riscv). */
function llamaBinaryPackages(): string[] {
  const pkg = JSON.parse(
    readFileSync(join(repoRoot, 'node_modules', 'node-llama-cpp', 'package.json'), 'utf8'),
  ) as { optionalDependencies: Record<string, string> };
  const declared = Object.keys(pkg.optionalDependencies).filter((name) =>
    name.startsWith('@node-llama-cpp/'),
  );
  const installed = readdirSync(join(repoRoot, 'node_modules', '@node-llama-cpp')).map(
    (dir) => `@node-llama-cpp/${dir}`,
  );
  return [...new Set([...declared, ...installed])].sort();
}

/** The files of one installed package, as paths inside the app. */
function filesOf(packageName: string): string[] {
  const dir = join(repoRoot, 'node_modules', packageName);
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => statSync(join(dir, file)).isFile())
    .map((file) => join('node_modules', packageName, file));
}

describe('electron-builder.yml', () => {
  it('passes electron-builder 26 schema validation, which rejects a misspelt fuse', async () => {
    // loadBuilderConfig validated the real file; the same check must catch a typo.
    const typo = { ...config, electronFuses: { ...config.electronFuses, runAsNod: false } };
    await expect(validateBuilderConfig(typo as Configuration)).rejects.toThrow(/electronFuses/);
  });

  it('flips the fuses of scripts/electronFuses.mjs, the list kiosk:install uses, and claims no asar integrity on Linux', () => {
    expect(config.electronFuses).toEqual(PACKAGED_FUSES);
    // Written out on purpose, not read from electronFuses.mjs: the decision under test.
    // A fuse turned back on in both the .mjs and the yml would pass the line above.
    expect(PACKAGED_FUSES).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      grantFileProtocolExtraPrivileges: false,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
    });
    // onlyLoadAppFromAsar needs an app.asar to load.
    expect(config.asar).not.toBe(false);
  });

  it('builds an AppImage and a deb, each for arm64 and x64', () => {
    expect(config.linux?.target).toEqual([
      { target: 'AppImage', arch: ['arm64', 'x64'] },
      { target: 'deb', arch: ['arm64', 'x64'] },
    ]);
  });

  it.each<Arch>(['arm64', 'x64'])(
    'keeps node-llama-cpp, its %s binaries and the worker entry points out of app.asar',
    (arch) => {
      const unpacked = (file: string) => unpacksFromAsar(config, arch, file);
      expect(unpacked('node_modules/node-llama-cpp/dist/index.js')).toBe(true);
      expect(
        unpacked(`node_modules/@node-llama-cpp/linux-${arch}/bins/linux-${arch}/llama-addon.node`),
      ).toBe(true);
      expect(unpacked('out/main/workers/coreLoad.js')).toBe(true);
      expect(unpacked('out/main/index.js')).toBe(false);
    },
  );

  it.each<Arch>(['arm64', 'x64'])(
    'an %s build ships the linux binaries of node-llama-cpp for that arch and no other platform',
    (arch) => {
      const ships = (file: string) => shipsNodeModuleFile(config, arch, file);
      const own = `@node-llama-cpp/linux-${arch}`;
      const shipped = llamaBinaryPackages().filter((name) =>
        ships(join('node_modules', name, 'package.json')),
      );
      expect(shipped).toEqual([own]);
      // Every file of the package, its native addon and libraries included, not only its name.
      const ownFiles = filesOf(own);
      expect(ownFiles.some((file) => file.endsWith('llama-addon.node'))).toBe(true);
      expect(ownFiles.filter((file) => !ships(file))).toEqual([]);
      const installedOthers = llamaBinaryPackages().filter(
        (name) => name !== own && existsSync(join(repoRoot, 'node_modules', name)),
      );
      expect(installedOthers.length).toBeGreaterThan(0);
      for (const other of installedOthers) expect(filesOf(other).filter(ships)).toEqual([]);
      expect(ships('node_modules/node-llama-cpp/dist/index.js')).toBe(true);
    },
  );

  it('ships the file-cloning helper of the model downloader only for the arch being built', () => {
    const native = (arch: string) =>
      `node_modules/@reflink/reflink-linux-${arch}-gnu/reflink.linux-${arch}-gnu.node`;
    expect(shipsNodeModuleFile(config, 'arm64', native('arm64'))).toBe(true);
    expect(shipsNodeModuleFile(config, 'arm64', native('x64'))).toBe(false);
    expect(shipsNodeModuleFile(config, 'x64', native('x64'))).toBe(true);
    expect(shipsNodeModuleFile(config, 'x64', native('arm64'))).toBe(false);
  });

  it('writes a desktop entry whose window class matches the app_id Electron takes from desktopName', async () => {
    const entry = await desktopEntry(config);
    expect(entry.get('Name')).toBe('Hearth');
    expect(entry.get('Comment')).toMatch(/offline AI assistant/i);
    expect(entry.get('Categories')).toBe('Utility;');
    expect(entry.get('Icon')).toBe('hearth');
    const desktopName = String(config.extraMetadata?.desktopName);
    expect(entry.get('StartupWMClass')).toBe(desktopName.replace(/\.desktop$/, ''));
  });

  it('shows Hearth in the menu as resources/hearth.desktop (the git-clone install) does', async () => {
    const packaged = await desktopEntry(config);
    const template = new Map(
      readFileSync(join(repoRoot, 'resources', 'hearth.desktop'), 'utf8')
        .split('\n')
        .filter((line) => /^\w+=/.test(line))
        .map((line): [string, string] => [
          line.slice(0, line.indexOf('=')),
          line.slice(line.indexOf('=') + 1),
        ]),
    );
    const shown = ['Type', 'Name', 'Comment', 'Categories', 'Keywords', 'StartupWMClass'];
    const pick = (entry: Map<string, string>) => shown.map((key) => [key, entry.get(key)]);
    expect(pick(template)).toEqual(pick(packaged));
    // Both files are named after the app_id, which is how the panel finds either one.
    expect(template.get('StartupWMClass')).toBe(
      String(config.extraMetadata?.desktopName).replace(/\.desktop$/, ''),
    );
  });
});

describe('npm run package', () => {
  async function command(...args: string[]): Promise<string[]> {
    const { stdout } = await run(process.execPath, ['scripts/package.mjs', '--dry-run', ...args], {
      cwd: repoRoot,
    });
    return stdout.trim().split(' ');
  }

  it('packages the AppImage and deb of electron-builder.yml for arm64 only, unless told otherwise', async () => {
    const targets = (config.linux?.target as { target: string }[]).map((t) => t.target);
    // With targets named, electron-builder builds just the arches given, not every listed one.
    expect(await command()).toEqual([
      'electron-builder',
      '--linux',
      ...targets,
      '--arm64',
      '--publish',
      'never',
    ]);
    expect(await command('--x64')).toEqual([
      'electron-builder',
      '--linux',
      ...targets,
      '--x64',
      '--publish',
      'never',
    ]);
    expect(await command('--dir', '--x64', '--arm64')).toEqual([
      'electron-builder',
      '--linux',
      '--dir',
      '--x64',
      '--arm64',
      '--publish',
      'never',
    ]);
  });
});
