// Copies a model from a USB stick into the models folder before it is used.
// llama.cpp maps the file into memory, so running it from a stick would crash
// Hearth the moment the stick is pulled, and the stick may be gone at the next
// boot. The copy goes to a temporary name and is renamed only when complete,
// so a cancelled or failed copy never looks like a model.
import { constants, createReadStream, createWriteStream } from 'node:fs';
import { access, rename, rm, statfs } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ApiFailure } from '../contracts/failure';
import { SpeedMeter, type ByteProgress } from '../models/speed';
import { formatBytes } from '../models/units';

const COPY_SUFFIX = '.copying';
/** Kept free besides the model, so a copy never fills the disk to the brim. */
const DISK_RESERVE_BYTES = 50e6;

export class CopyCancelled extends Error {
  override name = 'CopyCancelled';
}

export interface CopyOptions {
  sizeBytes: number;
  signal: AbortSignal;
  onProgress(progress: ByteProgress): void;
  /** Least time between progress reports. Default 200 ms. */
  progressEveryMs?: number;
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
  const temp = `${destination}${COPY_SUFFIX}`;
  await rm(temp, { force: true });
  const disk = await statfs(join(destination, '..'));
  const free = disk.bavail * disk.bsize;
  if (free < options.sizeBytes + DISK_RESERVE_BYTES) {
    throw new ApiFailure(
      'storage_full',
      `There is not enough free space to copy ${basename(source)}: it needs ${formatBytes(options.sizeBytes)} and ${formatBytes(Math.max(0, free - DISK_RESERVE_BYTES))} is free.`,
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
        options.onProgress(meter.sample(bytes, options.sizeBytes));
      }
      done(null, chunk);
    },
  });
  try {
    await pipeline(
      createReadStream(source),
      counter,
      createWriteStream(temp, { flags: 'wx', flush: true }),
      { signal: options.signal },
    );
    if (options.signal.aborted) throw new CopyCancelled('cancelled');
    options.onProgress(meter.sample(bytes, options.sizeBytes));
    await rename(temp, destination);
  } catch (error) {
    await rm(temp, { force: true });
    if (options.signal.aborted) throw new CopyCancelled('cancelled');
    throw error;
  }
}
