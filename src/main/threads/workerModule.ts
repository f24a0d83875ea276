// Where a named worker file is, both when running TypeScript sources (Vitest,
// tsx) and in the electron-vite build.
//
// Sources: worker files are plain .mjs next to this file (workers/<name>.mjs),
// so Node loads them without a TypeScript loader. Build: electron-vite has one
// entry per worker (electron.vite.config.ts) and emits out/main/workers/<name>.js;
// this module is bundled into out/main/*.js or a chunk one level below it.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

export type WorkerName = 'coreLoad';

/**
 * A packaged app keeps worker files outside its asar archive (electron-builder.yml
 * unpacks out/main/workers), because a worker thread cannot load from inside one.
 */
export function unpackedFromAsar(path: string): string {
  return path.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
}

export function workerModule(name: WorkerName, from: string = import.meta.url): URL {
  return findWorkerFile(name, from);
}

/**
 * The worker file `name` in the workers folder next to the module at `from`
 * (its import.meta.url), for folders that keep their own workers.
 */
export function findWorkerFile(name: string, from: string): URL {
  const here = unpackedFromAsar(dirname(fileURLToPath(from)));
  const candidates = from.endsWith('.ts')
    ? [join(here, 'workers', `${name}.mjs`)]
    : [
        join(here, 'workers', `${name}.js`),
        join(here, '..', 'workers', `${name}.js`),
        join(here, 'workers', `${name}.mjs`),
      ];
  const found = candidates.find((path) => existsSync(path));
  if (!found) {
    throw new Error(`Worker "${name}" not found; looked in ${candidates.join(', ')}`);
  }
  return pathToFileURL(found);
}
