// Downloads a model into <dataDir>/models: resolve what was asked for (asking
// the hub which commit and checksum, for a catalog entry or an hf: URI that
// pins none), take the file's download lock (partLock.ts), move
// the bytes into `<file>.gguf.part` (resuming what an earlier attempt left),
// check the file in a worker, and only then make it `<file>.gguf` durably
// (durableInstall.ts: synced, renamed, its folder synced). Any failure
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
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../base/log';
import type { Catalog } from './catalog';
import { ModelDownloadError, TransferFailure, type DownloadFailure } from './downloadError';
import { pinTarget, resolveTarget, type Target } from './downloadTarget';
import { installDurably, nodeModelFileSystem, type ModelFileSystem } from './durableInstall';
import { checkIntegrity, IntegrityCancelled } from './integrity';
import { discardPartial, forgetPartMeta, partPath } from './partialFile';
import { lockPart } from './partLock';
import type { ByteProgress } from './speed';
import { transferToPart } from './transfer';

export type DownloadProgress = ByteProgress & { phase: 'download' | 'verify' };

export interface DownloadRequest {
  /** A catalog id, an https address, or an hf:<owner>/<repo>/<file>.gguf#<revision> URI. */
  source: string;
  /** Where models live: <dataDir>/models. */
  modelsDir: string;
  logger: Logger;
  /** The sha256 the file must have; the catalog's (or the hub's) is used when this is absent. */
  sha256?: string;
  signal?: AbortSignal;
  onProgress?: (progress: DownloadProgress) => void;
  catalog?: Catalog;
  /** For the hub endpoint variables; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Give up when no bytes arrive for this long. Default 30 s. */
  stallMs?: number;
  /** Give up when the server (or the hub's API) has not answered for this long. Default 20 s. */
  answerMs?: number;
  /** Least time between download progress events. Default 200 ms. */
  progressEveryMs?: number;
  /** How the finished file is put in place; the node file system unless a test records it. */
  fileSystem?: ModelFileSystem;
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

/**
 * Files being downloaded by this process, so a double tap does not write one
 * file twice; another process is kept out by the file's lock.
 */
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
    await mkdir(request.modelsDir, { recursive: true });
    const lock = await lockPart(request.modelsDir, target.fileName);
    let installed: InstalledModel;
    try {
      installed = await download(request, target);
    } finally {
      await lock.release();
    }
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

async function download(request: DownloadRequest, target: Target): Promise<InstalledModel> {
  const { modelsDir, logger } = request;
  const finalPath = join(modelsDir, target.fileName);
  const verify = (path: string, sha256: string | null, sizeBytes: number | null) =>
    checkIntegrity(
      path,
      { sha256, sizeBytes },
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

  // An installed copy is taken as it is when nothing to check it against is at
  // hand: the hub is not asked, so that it works offline.
  if (await exists(finalPath)) {
    const report = target.sha256 === null ? null : await verify(finalPath, target.sha256, null);
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
  const pinned = await pinTarget(target, request);
  if (target.hub !== null) {
    logger.info('model_pinned_from_hub', {
      model: pinned.displayName,
      url: pinned.url,
      sha256: pinned.sha256,
    });
  }

  const transfer = await transferToPart({
    url: pinned.url,
    directory: modelsDir,
    fileName: pinned.fileName,
    sha256: pinned.sha256,
    signal: request.signal,
    stallMs: request.stallMs,
    answerMs: request.answerMs,
    progressEveryMs: request.progressEveryMs,
    onProgress: (progress) => request.onProgress?.({ phase: 'download', ...progress }),
  });
  const part = partPath(modelsDir, pinned.fileName);
  const expectedSize = pinned.sizeBytes ?? transfer.bytes;
  const report = await verify(part, pinned.sha256, expectedSize);
  if (report.problem) {
    await discardPartial(modelsDir, pinned.fileName);
    throw new TransferFailure(
      report.problem === 'wrong-size'
        ? { kind: 'wrong-size', bytes: report.sizeBytes, expected: expectedSize }
        : { kind: report.problem },
    );
  }
  if (pinned.sha256 === null) {
    // Complete but unchecked: kept as .part, so pulling again with --sha256 installs it at once.
    throw new TransferFailure({ kind: 'unverified', computedSha256: report.sha256 });
  }
  await installDurably(request.fileSystem ?? nodeModelFileSystem, part, finalPath);
  await forgetPartMeta(modelsDir, pinned.fileName);
  return {
    path: finalPath,
    fileName: pinned.fileName,
    displayName: pinned.displayName,
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
