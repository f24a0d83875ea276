// `npm start`: launch the Electron kiosk on the built app, or, where the Electron
// runtime is not installed (CI, a headless box), say so in one line and serve headless.
// Never require('electron') here: without its runtime it tries to download one.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The Electron binary the electron package installed, or null when it has none. */
function electronBinary() {
  const pkg = join(root, 'node_modules', 'electron');
  const pathFile = join(pkg, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const relative = readFileSync(pathFile, 'utf8').trim();
  if (!relative) return null;
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH || join(pkg, 'dist');
  const binary = join(dist, relative);
  return existsSync(binary) ? binary : null;
}

function run(command, args) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit', env: process.env });
  // Ctrl-C reaches the child through the terminal's process group; a service
  // manager's SIGTERM reaches only us, so pass it on.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      if (child.exitCode === null) child.kill(signal);
    });
  }
  child.on('error', (error) => {
    process.stderr.write(`Could not start ${command}: ${error.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

/**
 * Electron 45 has no install script: its runtime is fetched on first use. Fetch it
 * here, once, unless the machine said not to (ELECTRON_SKIP_BINARY_DOWNLOAD).
 */
function installElectronRuntime() {
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) return undefined;
  const installer = join(root, 'node_modules', 'electron', 'install.js');
  if (!existsSync(installer)) return undefined;
  process.stdout.write('Fetching the Electron runtime (first start only)...\n');
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

let binary = electronBinary();
let fetchFailure;
if (!binary) {
  fetchFailure = installElectronRuntime();
  binary = electronBinary();
}
if (binary) {
  run(binary, ['.']);
} else {
  const why = fetchFailure ? ` (fetching it failed: ${fetchFailure})` : '';
  process.stdout.write(
    `Electron runtime not installed here${why}; running headless instead (npm run serve)\n`,
  );
  run(process.execPath, [join(root, 'out', 'main', 'serve.js')]);
}
