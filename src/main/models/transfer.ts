// Moves the bytes of one model file into `<file>.gguf.part`, continuing a
// previous attempt with an HTTP Range request. Bytes are written in order as
// they arrive, so whatever is on disk after a cancel, a dropped connection or a
// power cut is a prefix of the file and the next attempt asks only for the
// rest. If-Range makes the server send the whole file again if it changed.
// Bytes from another address are continued only when they were for the same
// sha256: a new revision of a hub repository may hold the very same file.
import { open, statfs, type FileHandle } from 'node:fs/promises';
import { connectionFailure, errorCode, fetchAllowed, requestAbort } from './allowedFetch';
import { TransferFailure } from './downloadError';
import {
  discardPartial,
  partPath,
  readPartial,
  writePartMeta,
  type PartialDownload,
} from './partialFile';
import { SpeedMeter, type ByteProgress } from './speed';

export interface TransferOptions {
  url: string;
  directory: string;
  fileName: string;
  /**
   * The sha256 the finished file must have, when known. A partial download
   * fetched from another address still continues if it was for this sha256:
   * the same checksum means the same bytes, even when the hub's revision moved.
   */
  sha256?: string | null;
  signal?: AbortSignal;
  onProgress?: (progress: ByteProgress) => void;
  /** Give up when no bytes arrive for this long. Default 30 s. */
  stallMs?: number;
  /** Give up when the server has not answered for this long. Default 20 s. */
  answerMs?: number;
  /** Least time between progress events. Default 200 ms. */
  progressEveryMs?: number;
}

export interface TransferResult {
  /** Size of the finished `.part` file. */
  bytes: number;
  /** Bytes that were already on disk when this attempt started. */
  resumedFrom: number;
}

/** Kept free besides the model, so the download never fills the disk to the brim. */
const DISK_RESERVE_BYTES = 50e6;

export async function transferToPart(options: TransferOptions): Promise<TransferResult> {
  const { url, directory, fileName } = options;
  const abort = requestAbort(options.signal);
  const { stop } = abort;

  let handle: FileHandle | undefined;
  let position = 0;
  let total: number | null = null;
  const timers = new Timers();
  try {
    const previous = await readPartial(directory, fileName);
    const sha256 = options.sha256 ?? null;
    const usable =
      previous !== null &&
      (previous.meta.url === url || (sha256 !== null && previous.meta.sha256 === sha256))
        ? previous
        : null;
    if (!usable) await discardPartial(directory, fileName);
    // A previous attempt that got every byte only needs checking.
    if (usable && usable.meta.total !== null && usable.bytes === usable.meta.total) {
      return { bytes: usable.bytes, resumedFrom: usable.bytes };
    }
    timers.answer(options.answerMs ?? 20_000, () =>
      stop(new TransferFailure({ kind: 'unreachable', host: new URL(url).host })),
    );
    let plan = await planWrite(await request(url, rangeHeaders(usable), abort.signal), usable);
    if (plan === 'start-over') {
      // The server no longer continues our bytes (the file changed): fetch it whole.
      await discardPartial(directory, fileName);
      plan = await planWrite(await request(url, {}, abort.signal), null);
    }
    timers.clearAnswer();
    if (plan === 'start-over') throw new TransferFailure({ kind: 'http', status: 416 });
    const { response, start, validator } = plan;
    total = plan.total;
    await ensureSpace(directory, total === null ? 0 : total - start);
    await writePartMeta(directory, fileName, { url, sha256, total, validator });

    handle = await open(partPath(directory, fileName), start === 0 ? 'w' : 'r+');
    await handle.truncate(start);
    position = start;
    const meter = new SpeedMeter();
    let lastEvent = 0;
    const report = (force: boolean): void => {
      const now = Date.now();
      if (!force && now - lastEvent < (options.progressEveryMs ?? 200)) return;
      lastEvent = now;
      options.onProgress?.(meter.sample(position, total));
    };
    report(true);
    const stallMs = options.stallMs ?? 30_000;
    timers.stall(stallMs, () =>
      stop(
        new TransferFailure({
          kind: 'stalled',
          seconds: stallMs / 1000,
          bytes: position,
          total,
        }),
      ),
    );
    const reader = response.body?.getReader();
    for (;;) {
      const next = reader ? await reader.read() : { done: true as const };
      if (next.done) break;
      timers.refreshStall();
      await writeAll(handle, next.value, position);
      position += next.value.byteLength;
      report(false);
    }
    if (total !== null && position !== total) {
      throw new TransferFailure({ kind: 'lost', bytes: position, total });
    }
    report(true);
    return { bytes: position, resumedFrom: start };
  } catch (error) {
    throw asTransferFailure(error, abort.signal, url, handle ? { position, total } : null);
  } finally {
    timers.clear();
    // Ends the request too when writing failed while the server was still sending.
    stop(new TransferFailure({ kind: 'cancelled' }));
    abort.unlink();
    await handle?.close().catch(() => {});
  }
}

function rangeHeaders(previous: PartialDownload | null): Record<string, string> {
  if (!previous || previous.bytes === 0) return {};
  const headers: Record<string, string> = { Range: `bytes=${previous.bytes}-` };
  if (previous.meta.validator) headers['If-Range'] = previous.meta.validator;
  return headers;
}

interface WritePlan {
  response: Response;
  /** Where the response body starts in the file. */
  start: number;
  total: number | null;
  validator: string | null;
}

/** How to use the server's answer, or 'start-over' when it does not continue our bytes. */
async function planWrite(
  response: Response,
  previous: PartialDownload | null,
): Promise<WritePlan | 'start-over'> {
  const validator = strongValidator(response.headers);
  if (response.status === 200) {
    const length = Number(response.headers.get('content-length') ?? Number.NaN);
    return { response, start: 0, total: Number.isFinite(length) ? length : null, validator };
  }
  if (response.status === 206) {
    const range = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(response.headers.get('content-range') ?? '');
    const start = Number(range?.[1]);
    const total = !range || range[2] === '*' ? null : Number(range[2]);
    const offset = previous?.bytes ?? 0;
    const sameFile = !previous || previous.meta.total === null || previous.meta.total === total;
    if (range && start === offset && sameFile) {
      return { response, start, total, validator: validator ?? previous?.meta.validator ?? null };
    }
    await response.body?.cancel();
    return 'start-over';
  }
  await response.body?.cancel();
  if (response.status === 416 && previous) return 'start-over';
  throw new TransferFailure({ kind: 'http', status: response.status });
}

/** If-Range needs a strong validator: a weak ETag could match a different file. */
function strongValidator(headers: Headers): string | null {
  const etag = headers.get('etag');
  if (etag && !etag.startsWith('W/')) return etag;
  return headers.get('last-modified');
}

/** A GET whose byte offsets mean the file itself, never a compressed stream of it. */
function request(url: string, headers: Record<string, string>, signal: AbortSignal) {
  return fetchAllowed(url, { headers: { ...headers, 'Accept-Encoding': 'identity' }, signal });
}

async function ensureSpace(directory: string, needed: number): Promise<void> {
  const fs = await statfs(directory).catch(() => null);
  if (!fs) return;
  const free = fs.bavail * fs.bsize;
  if (needed + DISK_RESERVE_BYTES > free) {
    // What must be free to go ahead, reserve included, so the sentence adds up for the owner.
    throw new TransferFailure({ kind: 'no-space', needed: needed + DISK_RESERVE_BYTES, free });
  }
}

async function writeAll(handle: FileHandle, chunk: Uint8Array, position: number): Promise<void> {
  let written = 0;
  while (written < chunk.byteLength) {
    const { bytesWritten } = await handle.write(
      chunk,
      written,
      chunk.byteLength - written,
      position + written,
    );
    written += bytesWritten;
  }
}

function asTransferFailure(
  error: unknown,
  signal: AbortSignal,
  url: string,
  writing: { position: number; total: number | null } | null,
): TransferFailure {
  if (signal.aborted && signal.reason instanceof TransferFailure) return signal.reason;
  if (error instanceof TransferFailure) return error;
  const code = errorCode(error);
  if (code === 'ENOSPC') return new TransferFailure({ kind: 'no-space', needed: null, free: null });
  if (!(error instanceof TypeError) && code?.startsWith('E') && /^E[A-Z]+$/.test(code)) {
    const network = /^E(CONN|NOTFOUND|AI_|HOST|NET|PIPE|TIMEDOUT)/.test(code);
    if (!network) return new TransferFailure({ kind: 'disk', reason: (error as Error).message });
  }
  // Before a response fetch fails with "fetch failed"; once the body flows, with "terminated".
  if (writing === null) return connectionFailure(error, url);
  return new TransferFailure({ kind: 'lost', bytes: writing.position, total: writing.total });
}

/** The two watchdogs of one attempt, cleared together. */
class Timers {
  #answer: NodeJS.Timeout | undefined;
  #stall: NodeJS.Timeout | undefined;

  answer(ms: number, fire: () => void): void {
    this.#answer = setTimeout(fire, ms);
  }

  clearAnswer(): void {
    clearTimeout(this.#answer);
  }

  stall(ms: number, fire: () => void): void {
    this.#stall = setTimeout(fire, ms);
  }

  refreshStall(): void {
    this.#stall?.refresh();
  }

  clear(): void {
    clearTimeout(this.#answer);
    clearTimeout(this.#stall);
  }
}
