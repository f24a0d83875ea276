// `npm run kiosk:install` and `npm run kiosk:uninstall`: start Hearth when the Pi's desktop
// (labwc) starts, for the current user, from this checkout or an installed binary.
//
//   node scripts/kiosk.mjs install [--binary PATH] [--no-systemctl]
//   node scripts/kiosk.mjs uninstall [--no-systemctl]
//
// install first sets the fuses of the Electron binary this checkout runs (electronFuses.mjs; an
// installed --binary was fused when it was packaged), then writes the systemd user unit
// hearth.service, adds one marked line to labwc's autostart file and puts Hearth in the desktop's
// menu (hearth.desktop); uninstall removes exactly those (the fuses stay: Electron has no undo).
// --no-systemctl (or HEARTH_KIOSK_NO_SYSTEMCTL=1) leaves the service manager alone: for tests, and
// for machines without a systemd user session.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { fuseElectron, KIOSK_FUSES } from './electronFuses.mjs';
import { electronBinary, fetchElectronRuntime } from './electronRuntime.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const templates = join(root, 'resources', 'kiosk');
const unitName = 'hearth.service';
const autostartMarker = '# hearth-kiosk';
// The first line of the unit and desktop entry templates; a file without it was not written by us.
const installedMarker = '# Installed by `npm run kiosk:install`';

function usage() {
  return 'Usage: node scripts/kiosk.mjs install [--binary PATH] [--no-systemctl] | uninstall [--no-systemctl]';
}

function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

/** labwc and systemd both read the user's config from XDG_CONFIG_HOME when it is set. */
function configHome() {
  const xdg = process.env.XDG_CONFIG_HOME;
  if (xdg && isAbsolute(xdg)) return xdg;
  return join(homedir(), '.config');
}

/** Desktop menus read applications from XDG_DATA_HOME/applications. */
function dataHome() {
  const xdg = process.env.XDG_DATA_HOME;
  if (xdg && isAbsolute(xdg)) return xdg;
  return join(homedir(), '.local', 'share');
}

function paths() {
  const config = configHome();
  return {
    unit: join(config, 'systemd', 'user', unitName),
    autostart: join(config, 'labwc', 'autostart'),
    // Named after the app_id Electron gives the window, so the panel ties the window to it.
    menuEntry: join(dataHome(), 'applications', 'hearth.desktop'),
  };
}

/**
 * One word of a systemd command line: % is a specifier in every word, $ starts a variable only in
 * the arguments (systemd takes the program's path as written), spaces split words.
 */
function systemdWord(word, index) {
  const specifiers = word.replaceAll('%', '%%');
  const escaped = index === 0 ? specifiers : specifiers.replaceAll('$', () => '$$');
  if (!/[\s"'\\]/.test(escaped)) return escaped;
  return `"${escaped.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

// The desktop entry spec's Exec rules: an argument with one of these characters is quoted, and
// inside the quotes ", `, $ and \ take a backslash. % starts a field code anywhere, so it doubles.
const execReserved = /[\s"'\\<>~|&;$*?#()`]/;

function desktopExecWord(word) {
  const quoted = execReserved.test(word) ? `"${word.replace(/["`$\\]/g, '\\$&')}"` : word;
  return quoted.replaceAll('%', '%%');
}

/** Every desktop entry value is a string first: its own backslashes are escaped once more. */
function desktopString(value) {
  return value.replaceAll('\\', '\\\\');
}

function shellWord(word) {
  if (/^[\w@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** What starts Hearth: the installed binary, or this checkout's `npm start` without the rebuild. */
function command(binary) {
  if (binary) return [resolve(binary)];
  return [process.execPath, join(root, 'scripts', 'start.mjs')];
}

function readTemplate(name) {
  return readFileSync(join(templates, name), 'utf8');
}

// The values go in through functions: a replacement string would read $$, $& and $' in a path as
// its own patterns (and undo systemd's $$).
function unitText(words, workingDirectory) {
  return readTemplate('hearth.service')
    .replaceAll('@APP_DIR@', () => workingDirectory.replaceAll('%', '%%'))
    .replaceAll('@EXEC_START@', () =>
      words.map((word, index) => systemdWord(word, index)).join(' '),
    );
}

/** The menu entry: the unit's command and this checkout's icon, the one packages are built with. */
function menuEntryText(words) {
  const icon = join(root, 'resources', 'icon.png');
  // A desktop entry value is one line of text: it has no way to write most control characters.
  // eslint-disable-next-line no-control-regex
  const control = [...words, icon].find((path) => /[\u0000-\u001f\u007f]/.test(path));
  if (control)
    fail(`A desktop entry cannot name a path with a control character in it: ${control}`);
  // GLib, which the Pi's menu uses, looks the program up before it turns %% back into %, so it
  // would not find one with a % in its path; env finds it after the unescaping instead.
  const launch = words[0].includes('%') ? ['env', ...words] : words;
  return readFileSync(join(root, 'resources', 'hearth.desktop'), 'utf8')
    .replaceAll('@EXEC@', () => desktopString(launch.map(desktopExecWord).join(' ')))
    .replaceAll('@ICON@', () => desktopString(icon));
}

function autostartLine(words) {
  const line = readTemplate('labwc-autostart')
    .split('\n')
    .find((l) => l.trim() !== '' && !l.startsWith('#'));
  if (!line) fail(`No autostart line in ${join(templates, 'labwc-autostart')}`);
  const launch = ['ELECTRON_OZONE_PLATFORM_HINT=wayland', ...words.map(shellWord)].join(' ');
  return line.replaceAll('@EXEC_SHELL@', () => launch);
}

const isOurs = (line) => line.trimEnd().endsWith(autostartMarker);

function readLines(file) {
  if (!existsSync(file)) return [];
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** Puts our line in place of an earlier one (the paths may have moved), or appends it. */
function addAutostartLine(file, line) {
  const lines = readLines(file);
  const ours = lines.filter(isOurs);
  if (ours.length === 1 && ours[0] === line) return 'already there';
  const next = [];
  for (const l of lines) {
    if (!isOurs(l)) next.push(l);
    else if (!next.includes(line)) next.push(line);
  }
  if (ours.length === 0) next.push(line);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${next.join('\n')}\n`);
  return ours.length === 0 ? 'added' : 'updated';
}

/** Removes our line; a file left with nothing in it was ours alone, so it goes too. */
function removeAutostartLine(file) {
  const lines = readLines(file);
  if (!lines.some(isOurs)) return false;
  const kept = lines.filter((l) => !isOurs(l));
  if (kept.every((l) => l.trim() === '')) {
    rmSync(file);
    removeEmptyDirectories(dirname(file));
  } else {
    writeFileSync(file, `${kept.join('\n')}\n`);
  }
  return true;
}

/** Removes the folders install created for a file below `stop`, if nothing else lives in them. */
function removeEmptyDirectories(from, stop = configHome()) {
  for (let dir = from; dir.startsWith(`${stop}/`); dir = dirname(dir)) {
    if (readdirSync(dir).length > 0) return;
    rmdirSync(dir);
  }
}

function systemctlWanted(flags) {
  return !flags.has('--no-systemctl') && !process.env.HEARTH_KIOSK_NO_SYSTEMCTL;
}

/** Runs `systemctl --user ...`; on failure says what to run by hand instead of failing. */
function systemctl(args) {
  const result = spawnSync('systemctl', ['--user', ...args], { encoding: 'utf8' });
  if (result.status === 0) return true;
  const why =
    result.error?.message ?? (result.stderr.trim().split('\n')[0] || `exit ${result.status}`);
  process.stdout.write(
    `systemctl --user ${args.join(' ')} did not run (${why}); run it in the desktop session.\n`,
  );
  return false;
}

const isOursFile = (file) => readFileSync(file, 'utf8').startsWith(installedMarker);

/**
 * The checkout's kiosk runs node_modules' Electron. It is fetched now when missing, so that the
 * kiosk's first start does not fetch one without fuses, and its fuses are set before anything is
 * installed; a binary that cannot be fused stops the install.
 */
async function fuseCheckoutElectron() {
  let electron = electronBinary(root);
  let fetchFailure;
  if (!electron) {
    fetchFailure = fetchElectronRuntime(root);
    electron = electronBinary(root);
  }
  if (!electron) {
    const why = fetchFailure ? ` (fetching it failed: ${fetchFailure})` : '';
    process.stdout.write(
      `No Electron runtime here${why}: the kiosk runs headless until there is one; ` +
        'run npm run kiosk:install again then, to set its fuses.\n',
    );
    return;
  }
  const { changed } = await fuseElectron(electron, KIOSK_FUSES).catch((error) =>
    fail(error.message),
  );
  const fuses = Object.entries(KIOSK_FUSES)
    .map(([name, on]) => `${name} ${on ? 'on' : 'off'}`)
    .join(', ');
  process.stdout.write(
    changed
      ? `Set the fuses of ${electron}: ${fuses}\n`
      : `The fuses of ${electron} are already set: ${fuses}\n`,
  );
}

async function install(flags, binary) {
  const words = command(binary);
  const entry = menuEntryText(words);
  if (!binary) await fuseCheckoutElectron();
  const { unit, autostart, menuEntry } = paths();
  mkdirSync(dirname(unit), { recursive: true });
  writeFileSync(unit, unitText(words, binary ? dirname(resolve(binary)) : root));
  process.stdout.write(`Wrote ${unit}\n`);
  const outcome = addAutostartLine(autostart, autostartLine(words));
  process.stdout.write(`Autostart line ${outcome}: ${autostart}\n`);
  if (existsSync(menuEntry) && !isOursFile(menuEntry)) {
    process.stdout.write(`Left ${menuEntry} alone: kiosk:install did not write it\n`);
  } else {
    mkdirSync(dirname(menuEntry), { recursive: true });
    writeFileSync(menuEntry, entry);
    process.stdout.write(`Added Hearth to the desktop's menu: ${menuEntry}\n`);
  }
  if (systemctlWanted(flags) && systemctl(['daemon-reload']) && systemctl(['enable', unitName])) {
    process.stdout.write(`Enabled ${unitName}\n`);
  }
  if (!binary && !existsSync(join(root, 'out', 'main', 'index.js'))) {
    process.stdout.write('Hearth is not built yet: run `npm run build` before the next login.\n');
  }
  process.stdout.write('Hearth starts with the desktop from the next login.\n');
}

function uninstall(flags) {
  const { unit, autostart, menuEntry } = paths();
  const ourUnit = existsSync(unit) && isOursFile(unit);
  if (ourUnit && systemctlWanted(flags)) systemctl(['disable', unitName]);
  if (ourUnit) {
    rmSync(unit);
    removeEmptyDirectories(dirname(unit));
    process.stdout.write(`Removed ${unit}\n`);
    if (systemctlWanted(flags)) systemctl(['daemon-reload']);
  } else if (existsSync(unit)) {
    process.stdout.write(`Left ${unit} alone: kiosk:install did not write it\n`);
  }
  if (removeAutostartLine(autostart)) process.stdout.write(`Removed the line from ${autostart}\n`);
  if (existsSync(menuEntry) && isOursFile(menuEntry)) {
    rmSync(menuEntry);
    removeEmptyDirectories(dirname(menuEntry), dataHome());
    process.stdout.write(`Removed Hearth from the desktop's menu: ${menuEntry}\n`);
  } else if (existsSync(menuEntry)) {
    process.stdout.write(`Left ${menuEntry} alone: kiosk:install did not write it\n`);
  }
  process.stdout.write(
    'Hearth no longer starts with the desktop; one running now keeps running until it is closed ' +
      `(systemctl --user stop ${unitName}).\n`,
  );
}

const [action, ...rest] = process.argv.slice(2);
const binaryAt = rest.indexOf('--binary');
const binary = binaryAt >= 0 ? rest[binaryAt + 1] : undefined;
if (binaryAt >= 0 && !binary) fail(`--binary needs a path. ${usage()}`);
const flags = new Set(binaryAt >= 0 ? rest.toSpliced(binaryAt, 2) : rest);
const unknown = [...flags].filter((flag) => flag !== '--no-systemctl');
if (unknown.length > 0) fail(`Unknown option ${unknown[0]}. ${usage()}`);

if (action === 'install') {
  if (binary && !existsSync(binary)) fail(`No Hearth binary at ${binary}`);
  await install(flags, binary);
} else if (action === 'uninstall') {
  if (binary) fail(`uninstall takes no --binary. ${usage()}`);
  uninstall(flags);
} else {
  fail(usage());
}
