// Whether the Electron runtime is installed, found the way the electron package
// itself finds it but without ever calling require('electron'), which downloads a
// missing runtime.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export function electronExecutable(repoRoot: string): string | null {
  const pkg = join(repoRoot, 'node_modules', 'electron');
  const pathFile = join(pkg, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const relative = readFileSync(pathFile, 'utf8').trim();
  if (!relative) return null;
  const binary = join(process.env.ELECTRON_OVERRIDE_DIST_PATH || join(pkg, 'dist'), relative);
  return existsSync(binary) ? binary : null;
}
