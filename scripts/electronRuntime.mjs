// The Electron runtime a checkout runs (`npm start`, and the kiosk kiosk:install sets up): found
// the way the electron package finds it, and fetched once when missing. Never require('electron')
// here: without its runtime it tries to download one.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';

/** The Electron binary the electron package installed under `root`, or null when it has none. */
export function electronBinary(root) {
  const pkg = join(root, 'node_modules', 'electron');
  const pathFile = join(pkg, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const relative = readFileSync(pathFile, 'utf8').trim();
  if (!relative) return null;
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH || join(pkg, 'dist');
  const binary = join(dist, relative);
  return existsSync(binary) ? binary : null;
}

/**
 * Electron 45 has no install script: its runtime is fetched on first use. Fetches it, once,
 * unless the machine said not to (ELECTRON_SKIP_BINARY_DOWNLOAD). Returns undefined when it is
 * fetched or not wanted, else one line saying why fetching failed.
 */
export function fetchElectronRuntime(root) {
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) return undefined;
  const installer = join(root, 'node_modules', 'electron', 'install.js');
  if (!existsSync(installer)) return undefined;
  process.stdout.write('Fetching the Electron runtime (once, on this machine)...\n');
  const result = spawnSync(process.execPath, [installer], {
    cwd: root,
    encoding: 'utf8',
    timeout: 10 * 60_000,
  });
  if (result.status === 0) return undefined;
  // The installer prints a stack trace; one line of it says enough.
  const output = `${result.stderr ?? ''}${result.stdout ?? ''}`;
  const line = output.split('\n').find((l) => /error|failed/i.test(l)) ?? `exit ${result.status}`;
  return line.trim();
}
