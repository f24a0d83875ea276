// Where this folder's worker files are, both when running TypeScript sources
// (Vitest, tsx) and in the electron-vite build, found the same way as
// src/main/threads/workerModule.ts finds its own.
//
// Sources: plain .mjs in ./workers, so Node loads them without a TypeScript
// loader. Build: electron-vite needs one entry per worker
// ('workers/hashFile' -> src/main/models/workers/hashFile.mjs in
// electron.vite.config.ts) and emits out/main/workers/hashFile.js; this module
// is bundled into out/main/*.js or a chunk one level below it.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export type ModelWorkerName = 'hashFile';

export function modelWorker(name: ModelWorkerName, from: string = import.meta.url): URL {
  const here = dirname(fileURLToPath(from));
  const candidates = from.endsWith('.ts')
    ? [join(here, 'workers', `${name}.mjs`)]
    : [
        join(here, 'workers', `${name}.js`),
        join(here, '..', 'workers', `${name}.js`),
        join(here, 'workers', `${name}.mjs`),
      ];
  const found = candidates.find((path) => existsSync(path));
  if (!found) throw new Error(`Worker "${name}" not found; looked in ${candidates.join(', ')}`);
  return pathToFileURL(found);
}
