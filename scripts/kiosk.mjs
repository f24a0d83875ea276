// `npm run kiosk:install` and `npm run kiosk:uninstall`: start Hearth when the Pi's desktop
// (labwc) starts, for the current user, from this checkout or an installed binary.
//
//   node scripts/kiosk.mjs install [--binary PATH] [--no-systemctl]
//   node scripts/kiosk.mjs uninstall [--no-systemctl]
//
// install writes the systemd user unit hearth.service and adds one marked line to labwc's
// autostart file; uninstall removes exactly those. --no-systemctl (or HEARTH_KIOSK_NO_SYSTEMCTL=1)
// leaves the service manager alone: for tests, and for machines without a systemd user session.
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

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const templates = join(root, 'resources', 'kiosk');
const unitName = 'hearth.service';
const autostartMarker = '# hearth-kiosk';
// The unit template's first line; a hearth.service without it was not written by us.
const unitMarker = '# Installed by `npm run kiosk:install`';

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

function paths() {
  const config = configHome();
  return {
    unit: join(config, 'systemd', 'user', unitName),
    autostart: join(config, 'labwc', 'autostart'),
  };
}

/** One word of a systemd command line: % and $ are specifiers there, spaces split words. */
function systemdWord(word) {
  const escaped = word.replaceAll('%', '%%').replaceAll('$', '$$$$');
  if (!/[\s"'\\]/.test(escaped)) return escaped;
  return `"${escaped.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
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

function unitText(words, workingDirectory) {
  return readTemplate('hearth.service')
    .replaceAll('@APP_DIR@', workingDirectory.replaceAll('%', '%%'))
    .replaceAll('@EXEC_START@', words.map(systemdWord).join(' '));
}

function autostartLine(words) {
  const line = readTemplate('labwc-autostart')
    .split('\n')
    .find((l) => l.trim() !== '' && !l.startsWith('#'));
  if (!line) fail(`No autostart line in ${join(templates, 'labwc-autostart')}`);
  const launch = ['ELECTRON_OZONE_PLATFORM_HINT=wayland', ...words.map(shellWord)].join(' ');
  return line.replaceAll('@EXEC_SHELL@', launch);
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

/** Removes the folders install created for a file, if nothing else lives in them. */
function removeEmptyDirectories(from) {
  const stop = configHome();
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

function install(flags, binary) {
  const words = command(binary);
  const { unit, autostart } = paths();
  mkdirSync(dirname(unit), { recursive: true });
  writeFileSync(unit, unitText(words, binary ? dirname(resolve(binary)) : root));
  process.stdout.write(`Wrote ${unit}\n`);
  const outcome = addAutostartLine(autostart, autostartLine(words));
  process.stdout.write(`Autostart line ${outcome}: ${autostart}\n`);
  if (systemctlWanted(flags) && systemctl(['daemon-reload']) && systemctl(['enable', unitName])) {
    process.stdout.write(`Enabled ${unitName}\n`);
  }
  if (!binary && !existsSync(join(root, 'out', 'main', 'index.js'))) {
    process.stdout.write('Hearth is not built yet: run `npm run build` before the next login.\n');
  }
  process.stdout.write('Hearth starts with the desktop from the next login.\n');
}

function uninstall(flags) {
  const { unit, autostart } = paths();
  const ourUnit = existsSync(unit) && readFileSync(unit, 'utf8').startsWith(unitMarker);
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
  install(flags, binary);
} else if (action === 'uninstall') {
  if (binary) fail(`uninstall takes no --binary. ${usage()}`);
  uninstall(flags);
} else {
  fail(usage());
}
