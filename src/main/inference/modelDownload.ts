// Fetches a model given as an `hf:` URI or https URL into the models directory.
// Offline (the normal case for Hearth) this must fail fast and clearly, and a
// failed or stalled download must leave no half-written file behind.
import { lookup } from 'node:dns/promises';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveModelFile } from 'node-llama-cpp';

export interface DownloadOptions {
  directory: string;
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
  /** Give up when no bytes arrive for this long. */
  stallMs?: number;
  /** DNS look-up, replaceable in tests. */
  lookupHost?: (host: string) => Promise<unknown>;
}

export function isRemoteModel(model: string): boolean {
  return /^(hf:|huggingface:|https?:\/\/)/i.test(model);
}

function hostOf(uri: string): string {
  if (/^(hf:|huggingface:)/i.test(uri)) return 'huggingface.co';
  return new URL(uri).hostname;
}

/** Returns the local path of the model, downloading it first when it is not there yet. */
export async function fetchModel(uri: string, options: DownloadOptions): Promise<string> {
  const { directory, stallMs = 60_000, lookupHost = lookup } = options;
  await mkdir(directory, { recursive: true });
  try {
    // Already downloaded: resolve without touching the network.
    return await resolveModelFile(uri, { directory, download: false, cli: false });
  } catch {
    /* not present yet */
  }
  const host = hostOf(uri);
  try {
    await lookupHost(host);
  } catch (error) {
    throw new Error(
      `Cannot download ${uri}: ${host} is unreachable (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}). ` +
        `Copy a .gguf file into ${directory} or set HEARTH_MODEL to a local .gguf path.`,
    );
  }

  const before = new Set(await readdir(directory));
  const controller = new AbortController();
  const abort = (reason: string) => controller.abort(new Error(reason));
  let stall = setTimeout(() => abort(`no data for ${stallMs / 1000} s`), stallMs);
  const onOuterAbort = () => abort('cancelled');
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  // node-llama-cpp ignores the signal while it resolves the URI, so race it too.
  const aborted = new Promise<never>((_, reject) => {
    controller.signal.addEventListener('abort', () => reject(controller.signal.reason as Error), {
      once: true,
    });
  });
  const download = resolveModelFile(uri, {
    directory,
    cli: false,
    signal: controller.signal,
    deleteTempFileOnCancel: true,
    onProgress: ({ totalSize, downloadedSize }) => {
      clearTimeout(stall);
      stall = setTimeout(() => abort(`no data for ${stallMs / 1000} s`), stallMs);
      if (totalSize > 0) options.onProgress?.(Math.min(1, downloadedSize / totalSize));
    },
  });
  download.catch(() => {});
  try {
    const path = await Promise.race([download, aborted]);
    // A cancelled download resolves with the path of a file that does not exist.
    if (!existsSync(path)) throw new Error('the download ended without a file');
    return path;
  } catch (error) {
    await removeNewEntries(directory, before);
    throw new Error(`Cannot download ${uri}: ${(error as Error).message}`);
  } finally {
    clearTimeout(stall);
    options.signal?.removeEventListener('abort', onOuterAbort);
    if (!controller.signal.aborted) controller.abort(new Error('done'));
  }
}

async function removeNewEntries(directory: string, before: Set<string>): Promise<void> {
  for (const name of await readdir(directory).catch(() => [] as string[])) {
    if (!before.has(name)) await rm(join(directory, name), { recursive: true, force: true });
  }
}
