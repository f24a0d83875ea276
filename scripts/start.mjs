// `npm start`: launch the Electron kiosk on the built app, or, where the Electron
// runtime is not installed (CI, a headless box), say so in one line and serve headless.
// Never require('electron') here: without its runtime it tries to download one.
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { electronBinary, fetchElectronRuntime } from './electronRuntime.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

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

let binary = electronBinary(root);
let fetchFailure;
if (!binary) {
  fetchFailure = fetchElectronRuntime(root);
  binary = electronBinary(root);
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
