// electron-builder's own configuration checks, file selection and desktop-entry code, reached
// without packaging: tests ask it what a build would do instead of re-implementing its rules.
// These are internal modules of app-builder-lib (electron-builder's engine, pinned with it), so
// their shapes are declared here, as far as the tests use them.
import { readFileSync, statSync, type Stats } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Configuration } from 'electron-builder';
import { parse } from 'yaml';

const require = createRequire(import.meta.url);

type BuilderStat = Stats & { moduleFullFilePath?: string };
interface FileMatcher {
  readonly patterns: string[];
  createFilter(): (file: string, stat: BuilderStat) => boolean;
}
interface DebugLogger {
  readonly isEnabled: boolean;
}
type MacroExpander = (pattern: string) => string;

const { DebugLogger } = require('builder-util') as {
  DebugLogger: new (enabled: boolean) => DebugLogger;
};
const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
  validateConfiguration(config: Configuration, logger: DebugLogger): Promise<void>;
};
const { expandMacro } = require('app-builder-lib/out/util/macroExpander') as {
  expandMacro(
    pattern: string,
    arch: string,
    appInfo: object,
    extra: Record<string, string>,
  ): string;
};
const { getFileMatchers, getNodeModuleFileMatcher } =
  require('app-builder-lib/out/fileMatcher') as {
    getFileMatchers(
      config: Configuration,
      name: 'asarUnpack',
      destination: string,
      options: {
        macroExpander: MacroExpander;
        customBuildOptions: object;
        globalOutDir: string;
        defaultSrc: string;
      },
    ): FileMatcher[] | null;
    getNodeModuleFileMatcher(
      appDir: string,
      destination: string,
      macroExpander: MacroExpander,
      platformOptions: object,
      packager: { config: Configuration; debugLogger: DebugLogger },
    ): FileMatcher;
  };
const { LinuxTargetHelper } = require('app-builder-lib/out/targets/LinuxTargetHelper') as {
  LinuxTargetHelper: new (packager: object) => {
    computeDesktopEntry(options: object): Promise<string>;
  };
};

export type Arch = 'arm64' | 'x64';

export const repoRoot = join(import.meta.dirname, '..', '..');
const quietLogger = new DebugLogger(false);

/** Checks a configuration against electron-builder's schema; throws on anything it would refuse. */
export async function validateBuilderConfig(config: Configuration): Promise<void> {
  // The validator fills in defaults, so it gets a copy.
  await validateConfiguration(structuredClone(config), quietLogger);
}

/** electron-builder.yml as electron-builder reads it, after its schema accepted it. */
export async function loadBuilderConfig(): Promise<Configuration> {
  const config = parse(
    readFileSync(join(repoRoot, 'electron-builder.yml'), 'utf8'),
  ) as Configuration;
  await validateBuilderConfig(config);
  return config;
}

/** Expands ${arch} and friends the way a build for `arch` does. */
function macros(arch: Arch): MacroExpander {
  return (pattern) => expandMacro(pattern, arch, {}, { '/*': '{,/**/*}' });
}

function linuxOptions(config: Configuration): object {
  return config.linux ?? {};
}

/** The stat electron-builder hands its filters for a file at `relative` inside the app. */
function statFor(relative: string): BuilderStat {
  const stat: BuilderStat = statSync(join(repoRoot, 'package.json'));
  stat.moduleFullFilePath = relative;
  return stat;
}

/** Whether a build for `arch` copies this file of node_modules (path relative to the app). */
export function shipsNodeModuleFile(config: Configuration, arch: Arch, relative: string): boolean {
  const matcher = getNodeModuleFileMatcher(
    repoRoot,
    join(repoRoot, 'app'),
    macros(arch),
    linuxOptions(config),
    {
      config,
      debugLogger: quietLogger,
    },
  );
  return matcher.createFilter()(join(repoRoot, relative), statFor(relative));
}

/** Whether a build for `arch` leaves this file out of app.asar, as a real file on disk. */
export function unpacksFromAsar(config: Configuration, arch: Arch, relative: string): boolean {
  const matchers = getFileMatchers(config, 'asarUnpack', repoRoot, {
    macroExpander: macros(arch),
    customBuildOptions: linuxOptions(config),
    globalOutDir: join(repoRoot, 'dist'),
    defaultSrc: repoRoot,
  });
  const matcher = matchers?.[0];
  return (
    matcher !== undefined && matcher.createFilter()(join(repoRoot, relative), statFor(relative))
  );
}

/** The [Desktop Entry] an AppImage or deb gets, as key/value pairs. */
export async function desktopEntry(config: Configuration): Promise<Map<string, string>> {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
    description?: string;
  };
  const productName = config.productName ?? 'Hearth';
  const helper = new LinuxTargetHelper({
    appInfo: { productName, sanitizedProductName: productName, description: pkg.description },
    executableName: config.linux?.executableName,
    info: { metadata: { ...pkg, ...config.extraMetadata } },
    fileAssociations: [],
    config,
    platformSpecificBuildOptions: linuxOptions(config),
  });
  const text = await helper.computeDesktopEntry(linuxOptions(config));
  const entries = text
    .split('\n')
    .filter((line) => line.includes('='))
    .map((line): [string, string] => [
      line.slice(0, line.indexOf('=')),
      line.slice(line.indexOf('=') + 1),
    ]);
  return new Map(entries);
}
