// A lock held by a file: created exclusively and naming the process that holds
// it, so a second process can say who is in the way. A lock whose process died
// (killed, power cut) is taken over. Used for the data directory (one Hearth
// per directory) and for each unfinished download (one writer per .part).
import { randomUUID } from 'node:crypto';
import { link, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { errorCode, nodeFileSystem } from './fileSystem';
import { isProcessAlive, readProcessStat } from './processLiveness';

const holderSchema = z.looseObject({
  pid: z.number().int().positive(),
  /** The kernel's start time of the process (Linux), which tells a reused pid apart. */
  processStart: z.number().optional(),
  token: z.string(),
});

/** What a lock file says about its process; `details` are the caller's own fields. */
export type LockHolder<Details> = z.infer<typeof holderSchema> & Details;

export interface HeldLock {
  /** Removes the lock if it is still this process's. Idempotent. */
  release(): Promise<void>;
}

export interface LockFileOptions<Details extends Record<string, unknown>> {
  /** Written into the lock for whoever finds it taken (a name, a command line). */
  details: Details;
  /** The error for a lock a live process holds. */
  heldBy(holder: LockHolder<Partial<Details>>): Error;
  /** The error when the lock keeps changing hands. */
  contended(): Error;
  /** fsync the lock and its directory: a lock that must survive a power cut. */
  durable?: boolean;
}

/** How long a lock file that is still empty may be in the middle of being written. */
const UNFINISHED_GRACE_MS = 1000;

/** Takes the lock at `path`, or throws the caller's error naming the live holder. */
export async function acquireLockFile<Details extends Record<string, unknown>>(
  path: string,
  options: LockFileOptions<Details>,
): Promise<HeldLock> {
  const mine = {
    ...options.details,
    pid: process.pid,
    processStart: (await readProcessStat(process.pid))?.start,
    token: randomUUID(),
  };
  const durable = options.durable ?? false;
  const since = Date.now();
  for (let attempt = 0; attempt < 50; attempt++) {
    if (await createExclusively(path, mine, durable)) return lockHandle(path, mine.token, durable);
    const text = await readFile(path, 'utf8').catch(() => undefined);
    // Released between our two steps: try again.
    if (text === undefined) continue;
    const holder = parseHolder(text);
    if (holder && (await isProcessAlive(holder.pid, holder.processStart))) {
      throw options.heldBy(holder as LockHolder<Partial<Details>>);
    }
    if (!holder && Date.now() - since < UNFINISHED_GRACE_MS) {
      // Another process may have created it and not yet written its name.
      await new Promise((resolve) => setTimeout(resolve, 50));
      continue;
    }
    await takeOver(path, text);
  }
  throw options.contended();
}

async function createExclusively(path: string, holder: object, durable: boolean): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'wx', 0o644);
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(`${JSON.stringify(holder)}\n`, 'utf8');
    if (durable) await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(path, { force: true });
    throw error;
  }
  await handle.close();
  if (durable) await nodeFileSystem.syncDirectory(dirname(path));
  return true;
}

/**
 * Removes a dead holder's lock. Renaming it aside first means that of two
 * processes taking over at once, only one removes it; if what was moved is
 * not the lock that was judged dead (someone took over just before), it is
 * put back.
 */
async function takeOver(path: string, deadText: string): Promise<void> {
  const aside = `${path}.${randomUUID().slice(0, 8)}.stale`;
  try {
    await rename(path, aside);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return;
    throw error;
  }
  const moved = await readFile(aside, 'utf8').catch(() => deadText);
  if (moved !== deadText) await link(aside, path).catch(() => {});
  await rm(aside, { force: true });
}

function lockHandle(path: string, token: string, durable: boolean): HeldLock {
  let released: Promise<void> | undefined;
  return {
    release() {
      released ??= (async () => {
        const text = await readFile(path, 'utf8').catch(() => undefined);
        // Never remove a lock another process has taken over.
        if (text === undefined || parseHolder(text)?.token !== token) return;
        await rm(path, { force: true });
        if (durable) await nodeFileSystem.syncDirectory(dirname(path));
      })();
      return released;
    },
  };
}

function parseHolder(text: string): z.infer<typeof holderSchema> | undefined {
  try {
    const parsed = holderSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
