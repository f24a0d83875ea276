// Checks a downloaded model before it may be used: its size, its GGUF magic and
// its sha256, all read by a worker thread so the main thread keeps serving the
// UI while a gigabyte is hashed. The same worker hashes many files in one go
// (hashFiles), for a voice model's unpacked folder.
import { z } from 'zod';
import type { Logger } from '../base/log';
import { ManagedThread } from '../threads/managedThread';
import { modelWorker } from './modelWorkers';

const GGUF_MAGIC = 'GGUF';

export interface IntegrityExpectation {
  /** The sha256 the file must have; without one, the hash is only reported. */
  sha256?: string | null;
  /** The size the file must have, when known. */
  sizeBytes?: number | null;
  /**
   * The bytes the file must start with; default "GGUF". Null skips the check:
   * for a file that is not a model (an archive) and whose sha256 is pinned.
   */
  magic?: string | null;
}

export type IntegrityProblem = 'not-gguf' | 'wrong-size' | 'checksum-mismatch';

export interface IntegrityReport {
  sizeBytes: number;
  sha256: string;
  /** Null when every expectation holds. */
  problem: IntegrityProblem | null;
}

export interface IntegrityOptions {
  logger: Logger;
  signal?: AbortSignal;
  /** Bytes hashed so far. */
  onProgress?: (bytes: number, total: number) => void;
}

export class IntegrityCancelled extends Error {
  override name = 'IntegrityCancelled';
}

const workerAnswer = z.discriminatedUnion('type', [
  z.object({ type: z.literal('progress'), bytes: z.number(), total: z.number() }),
  z.object({ type: z.literal('stopped') }),
  z.object({
    type: z.literal('done'),
    size: z.number(),
    head: z.string(),
    sha256: z.string(),
  }),
  z.object({ type: z.literal('file'), size: z.number(), sha256: z.string() }),
]);

type HashResult = { size: number; head: string; sha256: string };

export async function checkIntegrity(
  path: string,
  expected: IntegrityExpectation,
  options: IntegrityOptions,
): Promise<IntegrityReport> {
  const hashed = await hashInWorker({ path }, options);
  const wantedSha = expected.sha256?.toLowerCase() ?? null;
  const magic = expected.magic === undefined ? GGUF_MAGIC : expected.magic;
  let problem: IntegrityProblem | null = null;
  if (magic !== null && !hashed.head.startsWith(magic)) problem = 'not-gguf';
  else if (expected.sizeBytes != null && hashed.size !== expected.sizeBytes) problem = 'wrong-size';
  else if (wantedSha !== null && hashed.sha256 !== wantedSha) problem = 'checksum-mismatch';
  return { sizeBytes: hashed.size, sha256: hashed.sha256, problem };
}

export interface FileHash {
  sizeBytes: number;
  sha256: string;
}

/**
 * The size and sha256 of each file, in order, read by one worker thread (a
 * thread per file would cost more than hashing hundreds of small ones).
 * onProgress counts files. Throws IntegrityCancelled when the signal fires, and
 * the worker's error when a file cannot be read.
 */
export async function hashFiles(paths: string[], options: IntegrityOptions): Promise<FileHash[]> {
  const hashes: FileHash[] = [];
  await hashInWorker({ paths }, options, (file) => {
    hashes.push({ sizeBytes: file.size, sha256: file.sha256 });
  });
  return hashes;
}

async function hashInWorker(
  data: { path: string } | { paths: string[] },
  options: IntegrityOptions,
  onFile?: (file: { size: number; sha256: string }) => void,
): Promise<HashResult> {
  const thread = new ManagedThread({
    name: 'hashFile',
    module: modelWorker('hashFile'),
    data,
    logger: options.logger,
  });
  const onAbort = (): void => thread.stop();
  let fail: (error: Error) => void = () => {};
  try {
    const answer = new Promise<HashResult>((resolve, reject) => {
      fail = reject;
      thread.onMessage((raw) => {
        const message = workerAnswer.safeParse(raw);
        if (!message.success) return;
        const value = message.data;
        if (value.type === 'progress') options.onProgress?.(value.bytes, value.total);
        else if (value.type === 'file') onFile?.(value);
        else if (value.type === 'stopped')
          reject(new IntegrityCancelled('the check was cancelled'));
        else resolve(value);
      });
      thread.onError(reject);
    });
    answer.catch(() => {});
    if (options.signal?.aborted) throw new IntegrityCancelled('the check was cancelled');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    await thread.start();
    // A worker that ends without answering must not leave the caller waiting.
    void thread
      .join()
      .catch(() => {})
      .then(() => setImmediate(() => fail(new Error('the hash worker ended without an answer'))));
    return await answer;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await thread.close();
  }
}
