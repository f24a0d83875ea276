// `npm run package`: run electron-builder on the built app for linux arm64, the Pi, unless an
// architecture is named: `npm run package -- --x64`, or both with `-- --arm64 --x64`.
// `--dir` builds the unpacked app only; `--dry-run` prints the command instead of running it.
//
// The targets are named on the command line on purpose: given only an arch flag, electron-builder
// still builds every arch that electron-builder.yml lists for each target.
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const archFlags = new Set(['--arm64', '--x64', '--armv7l', '--ia32', '--universal']);
const targets = ['AppImage', 'deb'];

function electronBuilderArgs(argv) {
  const archs = argv.filter((arg) => archFlags.has(arg));
  const rest = argv.filter((arg) => !archFlags.has(arg) && arg !== '--dir' && arg !== '--dry-run');
  const what = argv.includes('--dir') ? ['--dir'] : targets;
  return [
    '--linux',
    ...what,
    ...(archs.length > 0 ? archs : ['--arm64']),
    '--publish',
    'never',
    ...rest,
  ];
}

const argv = process.argv.slice(2);
const args = electronBuilderArgs(argv);
if (argv.includes('--dry-run')) {
  process.stdout.write(`electron-builder ${args.join(' ')}\n`);
} else {
  const cli = join(root, 'node_modules', 'electron-builder', 'cli.js');
  // The working directory stays as npm set it, the project root: electron-builder looks for the
  // package manager and the dependency tree from there, also when given --projectDir.
  const child = spawn(process.execPath, [cli, ...args], { stdio: 'inherit' });
  child.on('error', (error) => {
    process.stderr.write(`Could not run electron-builder: ${error.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
