// Pins a model file when it is downloaded: asks the hub which commit a revision
// (main, unless an hf: URI names another) is at now, and what the model file is
// at that commit (the LFS
// sha256 and size the hub publishes), so the bytes come from that one commit
// and are checked against the hub's own checksum. The endpoints are the ones
// huggingface_hub (HfApi.model_info, list_repo_tree, get_paths_info) and
// huggingface.js call:
//   GET  api/models/<owner>/<name>/revision/main     { sha }
//   GET  api/models/<owner>/<name>/tree/<sha>        [{ type, path, size, oid, lfs? }]
//   POST api/models/<owner>/<name>/paths-info/<sha>  the same entries, for the paths asked
// The tree comes in pages (Link: rel="next"); a GGUF repository's few files
// fit the first, and a file that is not on it is asked for by name.
import { z } from 'zod';
import { connectionFailure, fetchAllowed, requestAbort } from './allowedFetch';
import { TransferFailure } from './downloadError';

export interface HubPin {
  /** The commit the file is fetched from. */
  revision: string;
  /** The hub's LFS sha256 of the file at that commit. */
  sha256: string;
  /** The file's exact size at that commit. */
  sizeBytes: number;
}

export interface HubPinOptions {
  /** The hub endpoint, ending in a slash (see hubEndpoint in source.ts). */
  endpoint: string;
  /** The branch, tag or commit to pin; default main. */
  revision?: string;
  signal?: AbortSignal;
  /** Give up on a request the hub has not answered for this long. Default 20 s. */
  answerMs?: number;
  fetch?: typeof fetch;
}

/** More than any file list of a model repository; a bigger answer is not one. */
export const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

const revisionAnswer = z.object(
  {
    sha: z
      .string({ error: 'it names no commit (sha)' })
      .regex(/^[0-9a-f]{40}$/, 'its commit (sha) is not a 40-digit hash'),
  },
  { error: 'it is not a JSON object' },
);

const fileList = z.array(
  z.looseObject(
    { path: z.string({ error: 'a file list entry has no path' }) },
    { error: 'a file list entry is not an object' },
  ),
  { error: 'it is not a file list' },
);

const lfsFile = z.object({
  type: z.literal('file', { error: 'the entry is not a file' }),
  size: z.number({ error: 'the entry has no size' }).int().nonnegative(),
  lfs: z
    .object(
      {
        oid: z
          .string({ error: 'its LFS entry has no sha256 (oid)' })
          .regex(/^[0-9a-f]{64}$/, 'its LFS sha256 (oid) is not 64 hexadecimal digits'),
        size: z.number({ error: 'its LFS entry has no size' }).int().positive(),
      },
      { error: 'its LFS entry is not an object' },
    )
    .nullish(),
});

/** Asks the hub which commit a revision of `repository` is at, and `file`'s sha256 and size there. */
export async function resolveHubPin(
  repository: string,
  file: string,
  options: HubPinOptions,
): Promise<HubPin> {
  const api = `${options.endpoint}api/models/${repository}`;
  const ask = (path: string, init: RequestInit = {}) =>
    askHub(`${api}/${path}`, init, repository, options);

  const asked = encodeURIComponent(options.revision ?? 'main');
  const { sha: revision } = parse(revisionAnswer, await ask(`revision/${asked}`), repository);
  let entry = parse(fileList, await ask(`tree/${revision}`), repository).find(
    (e) => e.path === file,
  );
  if (!entry) {
    const named = await ask(`paths-info/${revision}`, {
      method: 'POST',
      body: new URLSearchParams({ paths: file }),
    });
    entry = parse(fileList, named, repository).find((e) => e.path === file);
  }
  if (!entry) throw new TransferFailure({ kind: 'hub-no-file', repository, file, revision });
  const { lfs } = parse(lfsFile, entry, repository, file);
  if (!lfs) throw new TransferFailure({ kind: 'hub-no-checksum', repository, file });
  return { revision, sha256: lfs.oid, sizeBytes: lfs.size };
}

/** One request to the hub's API: its JSON answer, or a TransferFailure saying why not. */
async function askHub(
  url: string,
  init: RequestInit,
  repository: string,
  options: HubPinOptions,
): Promise<unknown> {
  const abort = requestAbort(options.signal);
  const timer = setTimeout(
    () => abort.stop(new TransferFailure({ kind: 'unreachable', host: new URL(url).host })),
    options.answerMs ?? 20_000,
  );
  let text: string | null;
  try {
    const response = await fetchAllowed(
      url,
      { ...init, headers: { Accept: 'application/json' }, signal: abort.signal },
      options.fetch,
    );
    if (!response.ok) {
      await response.body?.cancel();
      throw new TransferFailure({ kind: 'hub-http', repository, status: response.status });
    }
    text = await readLimited(response);
  } catch (error) {
    if (abort.signal.reason instanceof TransferFailure) throw abort.signal.reason;
    if (error instanceof TransferFailure) throw error;
    throw connectionFailure(error, url);
  } finally {
    clearTimeout(timer);
    abort.unlink();
  }
  if (text === null) {
    throw unexpected(repository, `it is larger than ${MAX_ANSWER_BYTES / 1024 / 1024} MiB`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw unexpected(repository, 'it is not JSON');
  }
}

/** The body as text, or null when it is larger than any answer the hub gives. */
async function readLimited(response: Response): Promise<string | null> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const next = await reader.read();
    if (next.done) break;
    size += next.value.byteLength;
    if (size > MAX_ANSWER_BYTES) {
      await reader.cancel();
      return null;
    }
    chunks.push(next.value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parse<T>(schema: z.ZodType<T>, value: unknown, repository: string, file?: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const message = parsed.error.issues[0]?.message ?? 'it has an unknown problem';
  throw unexpected(repository, file ? `${file}: ${message}` : message);
}

function unexpected(repository: string, problem: string): TransferFailure {
  return new TransferFailure({ kind: 'hub-unexpected', repository, problem });
}
