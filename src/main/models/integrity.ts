// Checks a downloaded model before it may be used: its size, its GGUF magic and
// its sha256, all read by a worker thread so the main thread keeps serving the
// UI while a gigabyte is hashed.
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
]);

type HashResult = { size: number; head: string; sha256: string };

export async function checkIntegrity(
  path: string,
  expected: IntegrityExpectation,
  options: IntegrityOptions,
): Promise<IntegrityReport> {
  const hashed = await hashInWorker(path, options);
  const wantedSha = expected.sha256?.toLowerCase() ?? null;
  let problem: IntegrityProblem | null = null;
  if (hashed.head !== GGUF_MAGIC) problem = 'not-gguf';
  else if (expected.sizeBytes != null && hashed.size !== expected.sizeBytes) problem = 'wrong-size';
  else if (wantedSha !== null && hashed.sha256 !== wantedSha) problem = 'checksum-mismatch';
  return { sizeBytes: hashed.size, sha256: hashed.sha256, problem };
}

async function hashInWorker(path: string, options: IntegrityOptions): Promise<HashResult> {
  const thread = new ManagedThread({
    name: 'hashFile',
    module: modelWorker('hashFile'),
    data: { path },
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
