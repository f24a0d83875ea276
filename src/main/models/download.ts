// Downloads a model into <dataDir>/models: resolve what was asked for, move the
// bytes into `<file>.gguf.part` (resuming what an earlier attempt left), check
// the file in a worker, and only then rename it to `<file>.gguf`. Any failure
// leaves at most the `.part` files, which model discovery ignores because they
// do not end in .gguf, and one sentence saying what went wrong.
//
// Why not node-llama-cpp's createModelDownloader for the bytes: measured with
// 3.21.1 (ipull 3.9.5 under it) against a loopback server, it
//  - retries a refused connection about 150 times with back-off (~12 minutes)
//    before failing, and takes no AbortSignal until download() starts, so
//    "no internet" would be a long silent wait instead of one sentence;
//  - after cancel() during those retries, download() never settles and the
//    retries go on in the background;
//  - holds each 5 MiB chunk in memory and writes chunks out of order from three
//    connections, and cancel() deletes its working file: nothing below one
//    chunk survives an interruption, and nothing is a plain prefix we could
//    continue with a Range request.
// A sequential writer with Range resume (transfer.ts) avoids all three, so it
// moves the bytes; node-llama-cpp stays the authority on GGUF files (fit.ts),
// and hf: URIs follow its documented form and endpoint variables (source.ts).
import { mkdir, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../base/log';
import { catalogDownloadUrl, findCatalogEntry, loadCatalog, type Catalog } from './catalog';
import { ModelDownloadError, TransferFailure, type DownloadFailure } from './downloadError';
import { checkIntegrity, IntegrityCancelled } from './integrity';
import { discardPartial, forgetPartMeta, partPath } from './partialFile';
import { hubEndpoint, RefusedSourceError, refusalFor, resolveSource } from './source';
import type { ByteProgress } from './speed';
import { transferToPart } from './transfer';

export type DownloadProgress = ByteProgress & { phase: 'download' | 'verify' };

export interface DownloadRequest {
  /** A catalog id, an https address, or an hf:<owner>/<repo>/<file>.gguf#<revision> URI. */
  source: string;
  /** Where models live: <dataDir>/models. */
  modelsDir: string;
  logger: Logger;
  /** The sha256 the file must have; the catalog's is used when this is absent. */
  sha256?: string;
  signal?: AbortSignal;
  onProgress?: (progress: DownloadProgress) => void;
  catalog?: Catalog;
  /** For the hub endpoint variables; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Give up when no bytes arrive for this long. Default 30 s. */
  stallMs?: number;
  /** Give up when the server has not answered for this long. Default 20 s. */
  answerMs?: number;
  /** Least time between download progress events. Default 200 ms. */
  progressEveryMs?: number;
}

export interface InstalledModel {
  path: string;
  fileName: string;
  displayName: string;
  sizeBytes: number;
  sha256: string;
  /** Bytes a previous attempt had already fetched. */
  resumedFrom: number;
  /** True when the file was already installed and nothing was fetched. */
  alreadyInstalled: boolean;
}

interface Target {
  displayName: string;
  url: string | null;
  fileName: string;
  sha256: string | null;
}

/** Files being downloaded by this process, so a double tap does not write one file twice. */
const active = new Set<string>();

export async function downloadModel(request: DownloadRequest): Promise<InstalledModel> {
  const target = resolveTarget(request);
  const key = join(request.modelsDir, target.fileName);
  if (active.has(key)) {
    throw new ModelDownloadError(target.displayName, {
      kind: 'refused',
      reason: 'it is already being downloaded',
    });
  }
  active.add(key);
  const log = request.logger;
  log.info('model_download_started', { model: target.displayName, url: target.url });
  try {
    const installed = await download(request, target);
    log.info('model_download_finished', {
      model: target.displayName,
      path: installed.path,
      resumedFrom: installed.resumedFrom,
      alreadyInstalled: installed.alreadyInstalled,
    });
    return installed;
  } catch (error) {
    const failure = asFailure(error);
    log.warn('model_download_failed', { model: target.displayName, kind: failure.kind });
    throw new ModelDownloadError(target.displayName, failure);
  } finally {
    active.delete(key);
  }
}

function resolveTarget(request: DownloadRequest): Target {
  const { source } = request;
  const given = request.sha256?.trim().toLowerCase();
  const fail = (name: string, failure: DownloadFailure): never => {
    throw new ModelDownloadError(name, failure);
  };
  if (given !== undefined && !/^[0-9a-f]{64}$/.test(given)) {
    fail(source, { kind: 'refused', reason: 'the sha256 given is not 64 hexadecimal digits' });
  }
  const catalog = request.catalog ?? loadCatalog();
  const entry = findCatalogEntry(catalog, source);
  if (entry) {
    const url = catalogDownloadUrl(entry, hubEndpoint(request.env));
    if (url === null) fail(entry.displayName, { kind: 'not-pinned' });
    const refusal = url === null ? null : refusalFor(url);
    if (refusal) {
      fail(entry.displayName, {
        kind: 'refused',
        reason: `${refusal} (the hub endpoint is ${hubEndpoint(request.env)})`,
      });
    }
    return {
      displayName: entry.displayName,
      url,
      fileName: entry.file,
      sha256: given ?? entry.sha256,
    };
  }
  try {
    const resolved = resolveSource(source, request.env);
    // Another copy of a catalog file still reads as that model; its checksum is not
    // borrowed, since the address may point at another revision.
    const known = catalog.entries.find((e) => e.file === resolved.fileName);
    return {
      displayName: known?.displayName ?? resolved.fileName,
      ...resolved,
      sha256: given ?? null,
    };
  } catch (error) {
    if (error instanceof RefusedSourceError)
      fail(source, { kind: 'refused', reason: error.message });
    throw error;
  }
}

async function download(request: DownloadRequest, target: Target): Promise<InstalledModel> {
  const { modelsDir, logger } = request;
  const finalPath = join(modelsDir, target.fileName);
  await mkdir(modelsDir, { recursive: true });
  const verify = (path: string, sizeBytes: number | null) =>
    checkIntegrity(
      path,
      { sha256: target.sha256, sizeBytes },
      {
        logger,
        signal: request.signal,
        onProgress: (bytes, total) =>
          request.onProgress?.({
            phase: 'verify',
            bytes,
            total,
            bytesPerSecond: 0,
            secondsLeft: null,
          }),
      },
    );

  if (await exists(finalPath)) {
    const report = target.sha256 === null ? null : await verify(finalPath, null);
    if (report?.problem) {
      throw new TransferFailure({
        kind: 'refused',
        reason: `a different file named ${target.fileName} is already installed; remove it first`,
      });
    }
    const sizeBytes = (await stat(finalPath)).size;
    return {
      path: finalPath,
      fileName: target.fileName,
      displayName: target.displayName,
      sizeBytes,
      sha256: report?.sha256 ?? '',
      resumedFrom: sizeBytes,
      alreadyInstalled: true,
    };
  }
  if (target.url === null) throw new TransferFailure({ kind: 'not-pinned' });

  const transfer = await transferToPart({
    url: target.url,
    directory: modelsDir,
    fileName: target.fileName,
    signal: request.signal,
    stallMs: request.stallMs,
    answerMs: request.answerMs,
    progressEveryMs: request.progressEveryMs,
    onProgress: (progress) => request.onProgress?.({ phase: 'download', ...progress }),
  });
  const part = partPath(modelsDir, target.fileName);
  const report = await verify(part, transfer.bytes);
  if (report.problem) {
    await discardPartial(modelsDir, target.fileName);
    throw new TransferFailure(
      report.problem === 'wrong-size'
        ? { kind: 'wrong-size', bytes: report.sizeBytes, expected: transfer.bytes }
        : { kind: report.problem },
    );
  }
  if (target.sha256 === null) {
    // Complete but unchecked: kept as .part, so pulling again with --sha256 installs it at once.
    throw new TransferFailure({ kind: 'unverified', computedSha256: report.sha256 });
  }
  await rename(part, finalPath);
  await forgetPartMeta(modelsDir, target.fileName);
  return {
    path: finalPath,
    fileName: target.fileName,
    displayName: target.displayName,
    sizeBytes: report.sizeBytes,
    sha256: report.sha256,
    resumedFrom: transfer.resumedFrom,
    alreadyInstalled: false,
  };
}

function asFailure(error: unknown): DownloadFailure {
  if (error instanceof TransferFailure) return error.failure;
  if (error instanceof ModelDownloadError) return error.failure;
  if (error instanceof IntegrityCancelled) return { kind: 'cancelled' };
  return { kind: 'disk', reason: error instanceof Error ? error.message : String(error) };
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
