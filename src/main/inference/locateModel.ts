// Where the model comes from: HEARTH_MODEL (a path, or an address that the
// composition root's fetcher downloads and checks), else the first .gguf file
// in <dataDir>/models. The engine itself only ever opens local files.
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isRemoteModel, modelsDirectory } from '../config/config';

export type ModelLocation =
  | { kind: 'file'; path: string }
  | { kind: 'none'; message: string }
  | { kind: 'error'; message: string };

export interface RemoteModelProgress {
  signal: AbortSignal;
  /** The share downloaded so far, 0 to 1. */
  onProgress(fraction: number): void;
}

/**
 * Brings a model given by address into the models folder, checked, and
 * resolves with its local path; rejects with an Error whose message is one
 * sentence for the owner.
 */
export type FetchRemoteModel = (address: string, progress: RemoteModelProgress) => Promise<string>;

async function firstGgufIn(directory: string): Promise<string | undefined> {
  const names = await readdir(directory).catch(() => [] as string[]);
  const first = names.filter((name) => name.toLowerCase().endsWith('.gguf')).sort()[0];
  return first === undefined ? undefined : join(directory, first);
}

export async function locateModel(
  model: string | undefined,
  dataDir: string,
  progress: RemoteModelProgress,
  fetchRemote?: FetchRemoteModel,
): Promise<ModelLocation> {
  const directory = modelsDirectory(dataDir);
  if (model === undefined) {
    const found = await firstGgufIn(directory);
    if (found !== undefined) return { kind: 'file', path: found };
    return {
      kind: 'none',
      message:
        `No model configured. Set HEARTH_MODEL to a .gguf file path or an hf: URI that names ` +
        `the file (hf:<owner>/<repo>/<file>.gguf), or put a .gguf file in ${directory}.`,
    };
  }
  if (!isRemoteModel(model)) return { kind: 'file', path: resolve(model) };
  if (!fetchRemote) {
    return {
      kind: 'error',
      message: `${model} is an address, and this Hearth cannot download models; set HEARTH_MODEL to a .gguf file path.`,
    };
  }
  try {
    return { kind: 'file', path: await fetchRemote(model, progress) };
  } catch (error) {
    return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
  }
}
