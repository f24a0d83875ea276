// `npm run kiosk:install` / `kiosk:uninstall` against a temporary home directory. systemctl is a
// recording stand-in (there is no user session bus here); the unit is checked by systemd's own
// parser where systemd-analyze exists, the autostart line is run by a real shell, and the menu
// entry is launched by GLib's `gio launch`, the desktop entry code the Pi's panel is built on.
import { execFile } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { repoRoot } from './testing/electronBuilder';
import { defaultFuseWire, standInElectronBinary } from './testing/standInElectron';

const kioskScript = join(repoRoot, 'scripts', 'kiosk.mjs');
const ownerLines = ['wf-panel-pi &', 'kanshi &', '# my own note', ''];
const ownerAutostart = `${ownerLines.join('\n')}\n`;

let dir: string;
let home: string;
let fakeBin: string;
let systemctlLog: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hearth-kiosk-'));
  home = join(dir, 'home');
  mkdirSync(home);
  fakeBin = join(dir, 'bin');
  mkdirSync(fakeBin);
  systemctlLog = join(dir, 'systemctl.log');
  // Records each call; FAKE_SYSTEMCTL_FAIL makes it fail the way a missing user bus does.
  writeExecutable(
    join(fakeBin, 'systemctl'),
    `#!/bin/sh\necho "$*" >> '${systemctlLog}'\n` +
      'if [ -n "$FAKE_SYSTEMCTL_FAIL" ]; then echo "Failed to connect to bus: No medium found" >&2; exit 1; fi\n',
  );
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function writeExecutable(file: string, text: string): void {
  writeFileSync(file, text);
  chmodSync(file, 0o755);
}

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

function kiosk(
  args: string[],
  env: Record<string, string> = {},
  script = kioskScript,
): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [script, ...args],
      {
        env: {
          PATH: `${fakeBin}:${process.env.PATH ?? ''}`,
          HOME: home,
          // Never fetch a runtime, nor fuse this repository's own Electron where one is installed.
          ELECTRON_SKIP_BINARY_DOWNLOAD: '1',
          ELECTRON_OVERRIDE_DIST_PATH: join(dir, 'no-electron-runtime'),
          ...env,
        },
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const configDir = () => join(home, '.config');
const unitFile = () => join(configDir(), 'systemd', 'user', 'hearth.service');
const autostartFile = () => join(configDir(), 'labwc', 'autostart');
const dataDir = () => join(home, '.local', 'share');
const menuFile = () => join(dataDir(), 'applications', 'hearth.desktop');
const installedMarker = '# Installed by `npm run kiosk:install`';
const read = (file: string) => readFileSync(file, 'utf8');
const systemctlCalls = () =>
  existsSync(systemctlLog) ? read(systemctlLog).trim().split('\n') : [];
const ourLines = (text: string) =>
  text.split('\n').filter((line) => line.endsWith('# hearth-kiosk'));

function writeOwnerAutostart(): void {
  mkdirSync(join(configDir(), 'labwc'), { recursive: true });
  writeFileSync(autostartFile(), ownerAutostart);
}

/** The files of a checkout kiosk.mjs reads, copied to `root`; its start.mjs records its argv. */
function checkoutAt(root: string): string {
  const files = [
    'scripts/kiosk.mjs',
    'scripts/electronFuses.mjs',
    'scripts/electronRuntime.mjs',
    'resources/hearth.desktop',
    'resources/icon.png',
    'resources/kiosk/hearth.service',
    'resources/kiosk/labwc-autostart',
  ];
  for (const file of files) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    copyFileSync(join(repoRoot, file), join(root, file));
  }
  // @electron/fuses (and, through its real path, what it needs) from this repository.
  mkdirSync(join(root, 'node_modules'));
  symlinkSync(join(repoRoot, 'node_modules', '@electron'), join(root, 'node_modules', '@electron'));
  writeFileSync(
    join(root, 'scripts', 'start.mjs'),
    [
      "import { renameSync, writeFileSync } from 'node:fs';",
      'const record = process.env.RECORD;',
      "writeFileSync(`${record}.tmp`, process.argv.slice(1).join('|'));",
      'renameSync(`${record}.tmp`, record);',
    ].join('\n'),
  );
  return join(root, 'scripts', 'kiosk.mjs');
}

/** A unit's or desktop entry's settings, key to values (a key may repeat, as Environment= does). */
function settingsOf(text: string): Map<string, string[]> {
  const settings = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const match = /^(\w+)=(.*)$/.exec(line);
    if (match?.[1] && match[2] !== undefined) {
      settings.set(match[1], [...(settings.get(match[1]) ?? []), match[2]]);
    }
  }
  return settings;
}

describe('kiosk:install', () => {
  it('writes a unit that runs this checkout and adds one autostart line after the owner’s own', async () => {
    writeOwnerAutostart();
    const result = await kiosk(['install', '--no-systemctl']);
    expect(result.code).toBe(0);

    const unit = settingsOf(read(unitFile()));
    expect(unit.get('ExecStart')).toEqual([
      `${process.execPath} ${join(repoRoot, 'scripts', 'start.mjs')}`,
    ]);
    expect(unit.get('WorkingDirectory')).toEqual([repoRoot]);
    expect(unit.get('Restart')).toEqual(['on-failure']);
    expect(unit.get('WantedBy')).toEqual(['graphical-session.target']);
    expect(unit.get('Environment')).toContain('ELECTRON_OZONE_PLATFORM_HINT=wayland');

    const lines = read(autostartFile()).split('\n');
    expect(lines.slice(0, ownerLines.length)).toEqual(ownerLines);
    const ours = ourLines(read(autostartFile()));
    expect(ours).toHaveLength(1);
    expect(ours[0]).toContain('systemctl --user start hearth.service');
    expect(ours[0]).toContain(join(repoRoot, 'scripts', 'start.mjs'));
  });

  it('installing again changes nothing: one line, the same unit', async () => {
    writeOwnerAutostart();
    await kiosk(['install', '--no-systemctl']);
    const files = () => [unitFile(), autostartFile(), menuFile()].map(read);
    const before = files();
    const again = await kiosk(['install', '--no-systemctl']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already there');
    expect(files()).toEqual(before);
  });

  it('moving to an installed binary replaces the line in place instead of adding a second', async () => {
    writeOwnerAutostart();
    await kiosk(['install', '--no-systemctl']);
    const binary = join(dir, 'opt', 'hearth');
    mkdirSync(join(dir, 'opt'));
    writeExecutable(binary, '#!/bin/sh\n');
    await kiosk(['install', '--no-systemctl', '--binary', binary]);
    const ours = ourLines(read(autostartFile()));
    expect(ours).toHaveLength(1);
    expect(ours[0]).toContain(binary);
    expect(ours[0]).not.toContain('start.mjs');
    expect(settingsOf(read(unitFile())).get('ExecStart')).toEqual([binary]);
  });

  it('follows XDG_CONFIG_HOME for both files', async () => {
    const xdg = join(dir, 'xdg');
    const result = await kiosk(['install', '--no-systemctl'], { XDG_CONFIG_HOME: xdg });
    expect(result.code).toBe(0);
    expect(existsSync(join(xdg, 'systemd', 'user', 'hearth.service'))).toBe(true);
    expect(ourLines(read(join(xdg, 'labwc', 'autostart')))).toHaveLength(1);
    expect(existsSync(configDir())).toBe(false);
  });

  it('reloads and enables the unit through systemctl --user, unless told not to', async () => {
    await kiosk(['install']);
    expect(systemctlCalls()).toEqual(['--user daemon-reload', '--user enable hearth.service']);
    rmSync(systemctlLog);
    await kiosk(['install'], { HEARTH_KIOSK_NO_SYSTEMCTL: '1' });
    await kiosk(['install', '--no-systemctl']);
    expect(systemctlCalls()).toEqual([]);
  });

  it('still installs when systemctl cannot reach a user session, and says what to run', async () => {
    const result = await kiosk(['install'], { FAKE_SYSTEMCTL_FAIL: '1' });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /systemctl --user daemon-reload did not run \(Failed to connect to bus/,
    );
    expect(existsSync(unitFile())).toBe(true);
    expect(ourLines(read(autostartFile()))).toHaveLength(1);
  });

  it('refuses an unknown option or command with the usage line and writes nothing', async () => {
    for (const args of [['install', '--systemd'], ['enable'], ['install', '--binary']]) {
      const result = await kiosk(args);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/Usage: node scripts\/kiosk\.mjs install/);
    }
    expect(readdirSync(home)).toEqual([]);
  });
});

describe('the fuses of the Electron a checkout runs', () => {
  const fuseNames = [
    'RunAsNode',
    'EnableCookieEncryption',
    'EnableNodeOptionsEnvironmentVariable',
    'EnableNodeCliInspectArguments',
    'GrantFileProtocolExtraPrivileges',
    'OnlyLoadAppFromAsar',
  ] as const;
  /** The fuses as @electron/fuses reads them from the file, '0' or '1' each. */
  async function fusesOf(binary: string): Promise<Record<string, string>> {
    const wire = await getCurrentFuseWire(binary);
    return Object.fromEntries(
      fuseNames.map((name) => [name, String.fromCharCode(wire[FuseV1Options[name]] ?? 0)]),
    );
  }
  const electronDefaults = Object.fromEntries(
    fuseNames.map((name) => [name, defaultFuseWire[FuseV1Options[name]]]),
  );

  /** A checkout whose node_modules holds `binary` as the Electron runtime; returns its kiosk.mjs. */
  function checkoutWithElectron(binary: Buffer): { script: string; electron: string } {
    const checkout = join(dir, 'checkout');
    const script = checkoutAt(checkout);
    const pkg = join(checkout, 'node_modules', 'electron');
    mkdirSync(join(pkg, 'dist'), { recursive: true });
    writeFileSync(join(pkg, 'path.txt'), 'electron');
    const electron = join(pkg, 'dist', 'electron');
    writeFileSync(electron, binary, { mode: 0o755 });
    return { script, electron };
  }
  const ownRuntime = { ELECTRON_OVERRIDE_DIST_PATH: '' };

  it('are set before the unit is written, read back from the binary, and named in the output', async () => {
    const { script, electron } = checkoutWithElectron(standInElectronBinary());
    const result = await kiosk(['install', '--no-systemctl'], ownRuntime, script);
    expect(result.code).toBe(0);
    expect(await fusesOf(electron)).toEqual({
      RunAsNode: '0',
      EnableCookieEncryption: '1',
      EnableNodeOptionsEnvironmentVariable: '0',
      EnableNodeCliInspectArguments: '0',
      GrantFileProtocolExtraPrivileges: '0',
      // `electron .` runs the checkout's folder, not an app.asar: left as Electron ships it.
      OnlyLoadAppFromAsar: electronDefaults.OnlyLoadAppFromAsar,
    });
    const lines = result.stdout.split('\n');
    const fused = lines.findIndex((line) => line.startsWith(`Set the fuses of ${electron}: `));
    expect(fused).toBeGreaterThanOrEqual(0);
    expect(lines[fused]).toContain('runAsNode off');
    expect(fused).toBeLessThan(lines.findIndex((line) => line.startsWith('Wrote ')));
    expect(existsSync(unitFile())).toBe(true);

    const again = await kiosk(['install', '--no-systemctl'], ownRuntime, script);
    expect(again.stdout).toContain(`The fuses of ${electron} are already set`);
  });

  it('a runtime that cannot be fused stops the install before anything is written', async () => {
    const { script, electron } = checkoutWithElectron(Buffer.from('#!/bin/sh\n'));
    const result = await kiosk(['install', '--no-systemctl'], ownRuntime, script);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `Cannot set the fuses of ${electron}: Could not find sentinel in the provided Electron binary`,
    );
    expect(readdirSync(home)).toEqual([]);
  });

  it('without a runtime, Hearth is installed and the output says to run kiosk:install again', async () => {
    const result = await kiosk(['install', '--no-systemctl']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'No Electron runtime here: the kiosk runs headless until there is one; run npm run kiosk:install again then, to set its fuses.',
    );
    expect(existsSync(unitFile())).toBe(true);
  });

  it('an installed --binary is left as it was packaged, fuses and all', async () => {
    const binary = join(dir, 'hearth');
    writeFileSync(binary, standInElectronBinary(), { mode: 0o755 });
    const { script, electron } = checkoutWithElectron(standInElectronBinary());
    const result = await kiosk(
      ['install', '--no-systemctl', '--binary', binary],
      ownRuntime,
      script,
    );
    expect(result.code).toBe(0);
    expect(await fusesOf(binary)).toEqual(electronDefaults);
    expect(await fusesOf(electron)).toEqual(electronDefaults);
    expect(result.stdout).not.toMatch(/fuses/);
  });
});

describe('kiosk:uninstall', () => {
  it('gives the owner’s autostart file back byte for byte and removes the unit', async () => {
    writeOwnerAutostart();
    await kiosk(['install', '--no-systemctl']);
    const result = await kiosk(['uninstall', '--no-systemctl']);
    expect(result.code).toBe(0);
    expect(read(autostartFile())).toBe(ownerAutostart);
    expect(existsSync(unitFile())).toBe(false);
  });

  it('removes the folders it created for its files, and keeps the config and data homes', async () => {
    await kiosk(['install', '--no-systemctl']);
    await kiosk(['uninstall', '--no-systemctl']);
    expect(readdirSync(configDir())).toEqual([]);
    expect(readdirSync(dataDir())).toEqual([]);
  });

  it('disables the unit before removing it, then reloads systemd', async () => {
    await kiosk(['install', '--no-systemctl']);
    await kiosk(['uninstall']);
    expect(systemctlCalls()).toEqual(['--user disable hearth.service', '--user daemon-reload']);
  });

  it('leaves a hearth.service it did not write, and an autostart file without its line', async () => {
    writeOwnerAutostart();
    mkdirSync(join(configDir(), 'systemd', 'user'), { recursive: true });
    const someoneElses = '[Service]\nExecStart=/usr/bin/true\n';
    writeFileSync(unitFile(), someoneElses);
    const result = await kiosk(['uninstall']);
    expect(result.code).toBe(0);
    expect(read(unitFile())).toBe(someoneElses);
    expect(read(autostartFile())).toBe(ownerAutostart);
    expect(systemctlCalls()).toEqual([]);
  });
});

describe('the menu entry kiosk:install adds', () => {
  /** Launches an entry as the Pi's menu does; resolves to what the launched program recorded. */
  async function launchFromMenu(entry: string): Promise<string> {
    const record = join(dir, 'launched');
    await new Promise<void>((resolve, reject) => {
      execFile(
        'gio',
        ['launch', entry],
        { env: { PATH: process.env.PATH ?? '', HOME: home, RECORD: record } },
        (error, _stdout, stderr) =>
          error ? reject(new Error(`gio launch ${entry} failed: ${stderr}`)) : resolve(),
      );
    });
    // gio returns once the program has started; the program renames its record into place.
    return vi.waitFor(() => read(record), { timeout: 10_000 });
  }

  it('runs the unit’s command, shows this checkout’s icon and names the app_id as window class', async () => {
    const result = await kiosk(['install', '--no-systemctl']);
    expect(result.code).toBe(0);
    const text = read(menuFile());
    expect(text.startsWith(installedMarker)).toBe(true);
    const entry = settingsOf(text);
    expect(entry.get('Exec')).toEqual(settingsOf(read(unitFile())).get('ExecStart'));
    expect(entry.get('Icon')).toEqual([join(repoRoot, 'resources', 'icon.png')]);
    expect(existsSync(join(repoRoot, 'resources', 'icon.png'))).toBe(true);
    expect(entry.get('StartupWMClass')).toEqual(['hearth']);
    expect(entry.get('Type')).toEqual(['Application']);
  });

  it('follows XDG_DATA_HOME', async () => {
    const xdg = join(dir, 'data');
    await kiosk(['install', '--no-systemctl'], { XDG_DATA_HOME: xdg });
    expect(existsSync(join(xdg, 'applications', 'hearth.desktop'))).toBe(true);
    expect(existsSync(join(home, '.local'))).toBe(false);
  });

  it('quotes a checkout path with quotes, $, spaces and % as the spec says, and GLib runs it', async () => {
    const checkout = join(dir, 'Hearth "apps" ${HOME} 100%');
    const result = await kiosk(['install', '--no-systemctl'], {}, checkoutAt(checkout));
    expect(result.code).toBe(0);
    const entry = settingsOf(read(menuFile()));
    // Quoted: \" and \$ inside double quotes, % as %%; then the value's own escaping doubles
    // each backslash.
    expect(entry.get('Exec')).toEqual([
      `${process.execPath} "${dir}` + '/Hearth \\\\"apps\\\\" \\\\${HOME} 100%%/scripts/start.mjs"',
    ]);
    expect(entry.get('Icon')).toEqual([join(checkout, 'resources', 'icon.png')]);
    expect(await launchFromMenu(menuFile())).toBe(join(checkout, 'scripts', 'start.mjs'));
  });

  it('starts a binary whose path has a space and a % through env, so GLib can find it', async () => {
    const binary = join(dir, 'Hearth apps 100%', 'hearth');
    mkdirSync(dirname(binary));
    writeExecutable(
      binary,
      '#!/bin/sh\nprintf \'%s|%s\' "$0" "$#" > "$RECORD.tmp" && mv "$RECORD.tmp" "$RECORD"\n',
    );
    await kiosk(['install', '--no-systemctl', '--binary', binary]);
    expect(settingsOf(read(menuFile())).get('Exec')).toEqual([
      `env "${dir}/Hearth apps 100%%/hearth"`,
    ]);
    expect(await launchFromMenu(menuFile())).toBe(`${binary}|0`);
  });

  it('kiosk:uninstall removes it, and leaves a hearth.desktop it did not write', async () => {
    await kiosk(['install', '--no-systemctl']);
    await kiosk(['uninstall', '--no-systemctl']);
    expect(existsSync(menuFile())).toBe(false);

    mkdirSync(dirname(menuFile()), { recursive: true });
    const someoneElses = '[Desktop Entry]\nType=Application\nName=My Hearth\nExec=/usr/bin/true\n';
    writeFileSync(menuFile(), someoneElses);
    const result = await kiosk(['uninstall', '--no-systemctl']);
    expect(result.stdout).toContain('did not write it');
    expect(read(menuFile())).toBe(someoneElses);
  });

  it('kiosk:install leaves a hearth.desktop it did not write as it is', async () => {
    mkdirSync(dirname(menuFile()), { recursive: true });
    const someoneElses = '[Desktop Entry]\nType=Application\nName=My Hearth\nExec=/usr/bin/true\n';
    writeFileSync(menuFile(), someoneElses);
    const result = await kiosk(['install', '--no-systemctl']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('did not write it');
    expect(read(menuFile())).toBe(someoneElses);
    expect(existsSync(unitFile())).toBe(true);
  });
});

describe('the installed autostart line, run by a shell as labwc does', () => {
  async function runAutostart(env: Record<string, string>): Promise<string | undefined> {
    const launched = join(dir, 'launched');
    const binary = join(dir, 'hearth');
    writeExecutable(binary, `#!/bin/sh\necho "$ELECTRON_OZONE_PLATFORM_HINT" > '${launched}'\n`);
    await kiosk(['install', '--no-systemctl', '--binary', binary]);
    const [line] = ourLines(read(autostartFile()));
    await new Promise<void>((resolve, reject) => {
      execFile(
        'sh',
        ['-c', `${line}\nwait`],
        { env: { PATH: `${fakeBin}:${process.env.PATH ?? ''}`, HOME: home, ...env } },
        (error) => (error ? reject(error) : resolve()),
      );
    });
    return existsSync(launched) ? read(launched).trim() : undefined;
  }

  it('hands the Wayland display to systemd and starts hearth.service', async () => {
    const launched = await runAutostart({ WAYLAND_DISPLAY: 'wayland-0' });
    expect(systemctlCalls()).toEqual([
      '--user import-environment WAYLAND_DISPLAY XDG_CURRENT_DESKTOP',
      '--user start hearth.service',
    ]);
    expect(launched).toBeUndefined();
  });

  it('starts Hearth directly, on Wayland, where systemd cannot', async () => {
    const launched = await runAutostart({ WAYLAND_DISPLAY: 'wayland-0', FAKE_SYSTEMCTL_FAIL: '1' });
    expect(launched).toBe('wayland');
  });
});

// .ci/run installs systemd (which provides systemd-analyze) where it is missing.
const systemdAnalyze =
  ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find(existsSync) ?? 'systemd-analyze';

it('systemd parses the installed unit, also for paths with spaces, % and $', async () => {
  const verify = (file: string) =>
    new Promise<Outcome>((resolve) => {
      execFile(systemdAnalyze, ['verify', file], (error, stdout, stderr) =>
        resolve({ code: error ? 1 : 0, stdout, stderr }),
      );
    });
  // systemd-analyze verify exits 0 on mere warnings: those count as failures here too.
  const clean = (outcome: Outcome) => ({ code: outcome.code, warnings: outcome.stderr.trim() });

  await kiosk(['install', '--no-systemctl']);
  expect(clean(await verify(unitFile()))).toEqual({ code: 0, warnings: '' });

  // systemd takes the program's path as written, but reads ${...} in an argument as a variable.
  const oddDir = join(dir, 'Hearth apps ${HOME} 100%');
  mkdirSync(oddDir);
  writeExecutable(join(oddDir, 'hearth'), '#!/bin/sh\n');
  await kiosk(['install', '--no-systemctl', '--binary', join(oddDir, 'hearth')]);
  // verify fails when ExecStart does not name an executable, so this proves the quoting.
  expect(clean(await verify(unitFile()))).toEqual({ code: 0, warnings: '' });

  await kiosk(['install', '--no-systemctl'], {}, checkoutAt(oddDir));
  expect(clean(await verify(unitFile()))).toEqual({ code: 0, warnings: '' });
  expect(settingsOf(read(unitFile())).get('ExecStart')).toEqual([
    `${process.execPath} "${dir}/Hearth apps $\${HOME} 100%%/scripts/start.mjs"`,
  ]);
});
