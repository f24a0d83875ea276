// Where this folder's worker files are, both when running TypeScript sources
// (Vitest, tsx) and in the electron-vite build, found as threads finds its own.
//
// Sources: plain .mjs in ./workers, so Node loads them without a TypeScript
// loader. Build: electron-vite needs one entry per worker
// ('workers/hashFile' -> src/main/models/workers/hashFile.mjs in
// electron.vite.config.ts) and emits out/main/workers/hashFile.js.
import { findWorkerFile } from '../threads/workerModule';

export type ModelWorkerName = 'hashFile';

export function modelWorker(name: ModelWorkerName, from: string = import.meta.url): URL {
  return findWorkerFile(name, from);
}
