// Copies a model from a USB stick into the models folder before it is used.
// llama.cpp maps the file into memory, so running it from a stick would crash
// Hearth the moment the stick is pulled, and the stick may be gone at the next
// boot. The copy goes to a temporary name and is renamed only when complete
// and checked, its data synced first and the folder after (durableInstall.ts),
// so a cancelled or failed copy never looks like a model and a power cut never
// leaves a broken one; one cut short by a crash or power cut is removed at the
// next start. While it runs, the copy holds the file's download lock, so
// neither a download of the same name nor a removal gets in its way.
//
// A file named like one of the catalog's pinned models must be that model: it
// must have the catalog's size (checked before any byte moves) and sha256
// (hashed in a worker from the copy, so what is checked is what was written).
// A file is known by its name only: a fine-tune of a catalog model in the same
// quantisation can have exactly its size, and is a model, not a damaged file.
import { constants, createReadStream, createWriteStream } from 'node:fs';
import { access, readdir, rm, statfs } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Logger } from '../base/log';
import { errorCode } from '../base/fileSystem';
import { ApiFailure } from '../contracts/failure';
import type { Catalog, CatalogEntry } from '../models/catalog';
import { TransferFailure } from '../models/downloadError';
import {
  installDurably,
  nodeModelFileSystem,
  type ModelFileSystem,
} from '../models/durableInstall';
import { checkIntegrity } from '../models/integrity';
import { lockPart } from '../models/partLock';
import { SpeedMeter, type ByteProgress } from '../models/speed';
import { formatBytes } from '../models/units';

const COPY_SUFFIX = '.copying';
/** Kept free besides the model, so a copy never fills the disk to the brim. */
const DISK_RESERVE_BYTES = 50e6;

export class CopyCancelled extends Error {
  override name = 'CopyCancelled';
}

/** A copy that did not finish; `message` is the one sentence the owner reads. */
export class CopyFailed extends Error {
  override name = 'CopyFailed';
}

/** Bytes copied, then bytes hashed when the file is checked against the catalog. */
export type CopyProgress = ByteProgress & { phase: 'copy' | 'verify' };

export interface CopyOptions {
  sizeBytes: number;
  signal: AbortSignal;
  onProgress(progress: CopyProgress): void;
  /** Least time between progress reports. Default 200 ms. */
  progressEveryMs?: number;
  /** For the checksum worker. */
  logger: Logger;
  /** A file named like one of its pinned models must be that model's bytes. */
  catalog?: Catalog;
  /** How the copy is put in place; the node file system unless a test records it. */
  fileSystem?: ModelFileSystem;
}

/** Where the copy will land; refuses when a model of that name is already there. */
export async function copyDestination(source: string, modelsDir: string): Promise<string> {
  const destination = join(modelsDir, basename(source));
  const taken = await access(destination, constants.F_OK).then(
    () => true,
    () => false,
  );
  if (taken) {
    throw new ApiFailure(
      'bad_request',
      `A model named ${basename(source)} is already in the models folder; pick that one instead.`,
    );
  }
  return destination;
}

export async function copyModelIn(
  source: string,
  destination: string,
  options: CopyOptions,
): Promise<void> {
  const name = basename(source);
  const modelsDir = join(destination, '..');
  const lock = await lockPart(modelsDir, basename(destination)).catch((error: unknown) => {
    if (!(error instanceof TransferFailure)) throw error;
    throw new CopyFailed(
      `Could not copy ${name}: a model of that name is being downloaded right now; cancel that or wait until it is done.`,
    );
  });
  try {
    await copyUnderLock(source, destination, options);
  } finally {
    await lock.release();
  }
}

async function copyUnderLock(
  source: string,
  destination: string,
  options: CopyOptions,
): Promise<void> {
  const name = basename(source);
  const temp = `${destination}${COPY_SUFFIX}`;
  const pinned = options.catalog?.entries.find((e) => e.file === name && e.sha256 !== null);
  if (pinned && pinned.sizeBytes !== options.sizeBytes) {
    throw new CopyFailed(notTheCatalogModel(name, pinned, options.sizeBytes));
  }
  await rm(temp, { force: true });
  const disk = await statfs(join(destination, '..'));
  const free = disk.bavail * disk.bsize;
  if (free < options.sizeBytes + DISK_RESERVE_BYTES) {
    throw new ApiFailure(
      'storage_full',
      `There is not enough free space to copy ${name}: it needs ${formatBytes(options.sizeBytes + DISK_RESERVE_BYTES)} and ${formatBytes(free)} is free.`,
    );
  }
  const meter = new SpeedMeter();
  const every = options.progressEveryMs ?? 200;
  let bytes = 0;
  let lastReport = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      const now = Date.now();
      if (now - lastReport >= every) {
        lastReport = now;
        options.onProgress({ phase: 'copy', ...meter.sample(bytes, options.sizeBytes) });
      }
      done(null, chunk);
    },
  });
  try {
    await pipeline(createReadStream(source), counter, createWriteStream(temp, { flags: 'wx' }), {
      signal: options.signal,
    });
    if (options.signal.aborted) throw new CopyCancelled('cancelled');
    // A stick pulled out can look like a file that simply ends early.
    if (bytes !== options.sizeBytes) throw new CopyFailed(stickGone(name));
    options.onProgress({ phase: 'copy', ...meter.sample(bytes, options.sizeBytes) });
    if (pinned) await checkAgainst(pinned, temp, name, options);
    await installDurably(options.fileSystem ?? nodeModelFileSystem, temp, destination);
  } catch (error) {
    await rm(temp, { force: true });
    if (options.signal.aborted) throw new CopyCancelled('cancelled');
    throw copyFailure(error, source);
  }
}

/** Hashes the copy in a worker; refuses it unless it is the catalog's model byte for byte. */
async function checkAgainst(
  entry: CatalogEntry,
  copy: string,
  name: string,
  options: CopyOptions,
): Promise<void> {
  const report = await checkIntegrity(
    copy,
    { sha256: entry.sha256, sizeBytes: entry.sizeBytes },
    {
      logger: options.logger,
      signal: options.signal,
      onProgress: (bytes, total) =>
        options.onProgress({
          phase: 'verify',
          bytes,
          total,
          bytesPerSecond: 0,
          secondsLeft: null,
        }),
    },
  );
  if (report.problem === null) return;
  options.logger.warn('model_copy_refused', {
    model: entry.id,
    problem: report.problem,
    sha256: report.sha256,
  });
  const found = {
    'checksum-mismatch': 'its sha256 differs',
    'wrong-size': report.sizeBytes,
    // The stick's file was checked as GGUF before the copy: it changed while being read.
    'not-gguf': 'it is not a GGUF file',
  }[report.problem];
  throw new CopyFailed(notTheCatalogModel(name, entry, found));
}

/** The owner's sentence for a file named like a catalog model that is not it. */
function notTheCatalogModel(name: string, entry: CatalogEntry, found: number | string): string {
  const why = typeof found === 'number' ? `it has ${found} bytes, not ${entry.sizeBytes}` : found;
  return `Could not copy ${name}: it is not the catalog's ${entry.displayName} (${why}), so it is damaged or another file of that name; nothing was installed.`;
}

function stickGone(name: string): string {
  return `Could not copy ${name} from the USB stick: it could not be read to the end (was the stick pulled out?).`;
}

/** The one sentence for a copy that broke off: the disk, the stick, or something else. */
function copyFailure(error: unknown, source: string): Error {
  if (error instanceof CopyFailed) return error;
  const name = basename(source);
  if (errorCode(error) === 'ENOSPC') {
    return new ApiFailure(
      'storage_full',
      `There is not enough free space to copy ${name}: the disk filled up during the copy.`,
    );
  }
  // Errors reading the stick name the source file; those writing the copy, the temporary one.
  if ((error as NodeJS.ErrnoException | null)?.path === source) {
    return new CopyFailed(stickGone(name));
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new CopyFailed(`Could not copy ${name}: ${reason.replace(/\.$/, '')}.`);
}

/**
 * Removes the temporary files of copies a crash or power cut cut short, so they
 * never fill the card. A copy still running holds its lock and is left alone.
 * Returns the names removed.
 */
export async function removeLeftoverCopies(modelsDir: string, logger: Logger): Promise<string[]> {
  const names = await readdir(modelsDir).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names.filter((n) => n.endsWith(COPY_SUFFIX))) {
    const lock = await lockPart(modelsDir, name.slice(0, -COPY_SUFFIX.length)).catch(
      (error: unknown) => {
        if (error instanceof TransferFailure) return null;
        throw error;
      },
    );
    if (!lock) continue;
    try {
      await rm(join(modelsDir, name), { force: true });
      removed.push(name);
    } finally {
      await lock.release();
    }
  }
  if (removed.length > 0) logger.info('model_copy_leftovers_removed', { files: removed });
  return removed;
}
