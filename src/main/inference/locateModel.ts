// Where the model comes from: HEARTH_MODEL (a path or a remote URI), else the
// first .gguf file in <dataDir>/models.
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { modelsDirectory } from '../config/config';
import { fetchModel, isRemoteModel, type DownloadOptions } from './modelDownload';

export type ModelLocation =
  | { kind: 'file'; path: string }
  | { kind: 'none'; message: string }
  | { kind: 'error'; message: string };

async function firstGgufIn(directory: string): Promise<string | undefined> {
  const names = await readdir(directory).catch(() => [] as string[]);
  const first = names.filter((name) => name.toLowerCase().endsWith('.gguf')).sort()[0];
  return first === undefined ? undefined : join(directory, first);
}

export async function locateModel(
  model: string | undefined,
  dataDir: string,
  download: Omit<DownloadOptions, 'directory'> = {},
): Promise<ModelLocation> {
  const directory = modelsDirectory(dataDir);
  if (model === undefined) {
    const found = await firstGgufIn(directory);
    if (found !== undefined) return { kind: 'file', path: found };
    return {
      kind: 'none',
      message:
        `No model configured. Set HEARTH_MODEL to a .gguf file path or an hf: URI ` +
        `(for example hf:bartowski/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M), or put a .gguf file in ${directory}.`,
    };
  }
  if (!isRemoteModel(model)) return { kind: 'file', path: resolve(model) };
  try {
    return { kind: 'file', path: await fetchModel(model, { ...download, directory }) };
  } catch (error) {
    return { kind: 'error', message: (error as Error).message };
  }
}
