// A lock held by a file, naming the process that holds it so a second process
// can say who is in the way. A lock whose process died (killed, power cut) is
// taken over. Used for the data directory (one Hearth per directory) and for
// each unfinished download (one writer per .part).
//
// Taking it must need no free bytes: a Pi whose SD card filled up still has to
// start. Creating an empty file and a hard link need an inode and a directory
// entry, not a data block (on ext4 and tmpfs; a full disk still has inodes,
// and the entry fits the directory's existing block), so the lock is made so:
//
// 1. `<lock>.holder-<pid>-<start>-<random>`, the marker, is created
//    exclusively; the holder's details (JSON) are written into it when the
//    disk has room for them. When it has not, the marker stays empty or
//    partial and the caller is told once (a log line), the lock still holds.
// 2. The marker is hard-linked to `<lock>`; link() fails with EEXIST when the
//    lock is taken, so exactly one process wins, and its lock appears already
//    complete: there is no moment a reader sees a lock being written.
//
// A reader takes the holder from the lock's JSON; when that is missing (the
// disk was full) from the name of the marker that shares the lock's inode,
// which carries the pid and start time. So a live holder is always found,
// also when its lock is empty. (An OS lock, flock, would do the same, but Node
// has none without a native module, and it would not name the holder.) Only
// an empty lock without a marker, as written by an older Hearth that crashed
// between creating and writing it, is judged by age.
import { randomUUID } from 'node:crypto';
import { link, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { errorCode, isDiskFull, nodeFileSystem } from './fileSystem';
import { isProcessAlive, readProcessStat } from './processLiveness';

const holderSchema = z.looseObject({
  pid: z.number().int().positive(),
  /** The kernel's start time of the process (Linux), which tells a reused pid apart. */
  processStart: z.number().optional(),
  token: z.string(),
});

type Holder = z.infer<typeof holderSchema>;

/** What a lock file says about its process; `details` are the caller's own fields. */
export type LockHolder<Details> = Holder & Details;

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
  /**
   * Told, once, that the disk was too full to write the details or make the
   * lock durable; the lock is held all the same (it names only the pid).
   */
  onDiskFull?(problem: string): void;
}

/** How long a lock file without a marker that is still empty may be in the middle of being written. */
const UNFINISHED_GRACE_MS = 1000;

/** Takes the lock at `path`, or throws the caller's error naming the live holder. */
export async function acquireLockFile<Details extends Record<string, unknown>>(
  path: string,
  options: LockFileOptions<Details>,
): Promise<HeldLock> {
  const processStart = (await readProcessStat(process.pid))?.start;
  const mine = { ...options.details, pid: process.pid, processStart, token: randomUUID() };
  const durable = options.durable ?? false;
  const marker = markerPath(path, process.pid, processStart, mine.token);
  // Told only once the lock is ours: a process that is refused has nothing to warn about.
  let unsaved: string | undefined;
  const diskFull = (problem: string): void => {
    unsaved ??= problem;
  };
  await writeMarker(marker, mine, durable, diskFull);
  let taken = false;
  try {
    const since = Date.now();
    for (let attempt = 0; attempt < 50; attempt++) {
      if (await linkExclusively(marker, path)) {
        const held = lockHandle(path, marker, durable);
        try {
          await syncDirectory(path, durable, diskFull);
        } catch (error) {
          await held.release().catch(() => {});
          throw error;
        }
        // Housekeeping: a marker left behind costs an inode, never the lock.
        await removeDeadMarkers(path).catch(() => {});
        taken = true;
        if (unsaved !== undefined) options.onDiskFull?.(unsaved);
        return held;
      }
      const found = await readLock(path);
      // Released between our two steps: try again.
      if (found === undefined) continue;
      if (found.holder && (await isProcessAlive(found.holder.pid, found.holder.processStart))) {
        throw options.heldBy(found.holder as LockHolder<Partial<Details>>);
      }
      if (!found.holder && Date.now() - since < UNFINISHED_GRACE_MS) {
        // An older Hearth may have created it and not yet written its name.
        await new Promise((resolve) => setTimeout(resolve, 50));
        continue;
      }
      await takeOver(path, found.inode);
    }
    throw options.contended();
  } finally {
    if (!taken) await rm(marker, { force: true });
  }
}

/** `<lock>.holder-<pid>-<start or 'unknown'>-<8 hex>`: who holds a lock that says nothing. */
function markerPath(path: string, pid: number, start: number | undefined, token: string): string {
  return `${path}.holder-${pid}-${start ?? 'unknown'}-${token.slice(0, 8)}`;
}

const MARKER = /^\.holder-([1-9]\d*)-(\d+|unknown)-([0-9a-f]{8})$/;

function parseMarker(lockName: string, name: string): Holder | undefined {
  if (!name.startsWith(lockName)) return undefined;
  const match = MARKER.exec(name.slice(lockName.length));
  if (!match) return undefined;
  const [, pid, start, token] = match as unknown as [string, string, string, string];
  return {
    pid: Number(pid),
    processStart: start === 'unknown' ? undefined : Number(start),
    token,
  };
}

/** Creates the marker (an inode, no data) and writes the details into it if the disk has room. */
async function writeMarker(
  marker: string,
  holder: object,
  durable: boolean,
  diskFull: (problem: string) => void,
): Promise<void> {
  const handle = await open(marker, 'wx', 0o644);
  try {
    await handle.writeFile(`${JSON.stringify(holder)}\n`, 'utf8');
    if (durable) await handle.sync();
  } catch (error) {
    if (!isDiskFull(error)) {
      await handle.close();
      await rm(marker, { force: true });
      throw error;
    }
    diskFull('the disk is full: the lock names only its process id');
  }
  await handle.close();
}

async function linkExclusively(marker: string, path: string): Promise<boolean> {
  try {
    await link(marker, path);
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  }
}

async function syncDirectory(
  path: string,
  durable: boolean,
  diskFull: (problem: string) => void,
): Promise<void> {
  if (!durable) return;
  try {
    await nodeFileSystem.syncDirectory(dirname(path));
  } catch (error) {
    if (!isDiskFull(error)) throw error;
    diskFull('the disk is full: the lock may not survive a power cut');
  }
}

/** The lock's inode and holder (undefined when nothing names one), or undefined when there is no lock. */
async function readLock(path: string): Promise<{ inode: number; holder?: Holder } | undefined> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  let inode: number;
  let text: string;
  try {
    // One handle for both: the inode and the text are of the same file.
    inode = (await handle.stat()).ino;
    text = await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
  return { inode, holder: parseHolder(text) ?? (await markerHolder(path, inode)) };
}

/** The holder named by the marker that is another name of the lock's inode. */
async function markerHolder(path: string, inode: number): Promise<Holder | undefined> {
  for (const { holder, inode: markerInode } of await markers(path)) {
    if (markerInode === inode) return holder;
  }
  return undefined;
}

async function markers(path: string): Promise<{ path: string; holder: Holder; inode: number }[]> {
  const names = await readdir(dirname(path)).catch(() => [] as string[]);
  const found = [];
  for (const name of names) {
    const holder = parseMarker(basename(path), name);
    if (!holder) continue;
    const markerPath = join(dirname(path), name);
    const info = await stat(markerPath).catch(() => undefined);
    if (info) found.push({ path: markerPath, holder, inode: info.ino });
  }
  return found;
}

/**
 * Markers of processes that are gone: a lock taken over, or a start that died
 * between making its marker and linking it. A live process's marker may be
 * about to become the lock, so it stays.
 */
async function removeDeadMarkers(path: string): Promise<void> {
  for (const { path: marker, holder } of await markers(path)) {
    if (!(await isProcessAlive(holder.pid, holder.processStart))) {
      await rm(marker, { force: true });
    }
  }
}

/**
 * Removes a dead holder's lock. Renaming it aside first means that of two
 * processes taking over at once, only one removes it; if what was moved is
 * not the lock that was judged dead (someone took over just before), it is
 * put back.
 */
async function takeOver(path: string, deadInode: number): Promise<void> {
  const aside = `${path}.${randomUUID().slice(0, 8)}.stale`;
  try {
    await rename(path, aside);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return;
    throw error;
  }
  const moved = await stat(aside).catch(() => undefined);
  if (moved && moved.ino !== deadInode) await link(aside, path).catch(() => {});
  await rm(aside, { force: true });
}

function lockHandle(path: string, marker: string, durable: boolean): HeldLock {
  let released: Promise<void> | undefined;
  return {
    release() {
      released ??= (async () => {
        const [lock, mine] = await Promise.all([
          stat(path).catch(() => undefined),
          stat(marker).catch(() => undefined),
        ]);
        // Never remove a lock another process has taken over: ours is our marker's inode.
        if (lock && mine && lock.ino === mine.ino && lock.dev === mine.dev) {
          await rm(path, { force: true });
        }
        await rm(marker, { force: true });
        if (durable) await nodeFileSystem.syncDirectory(dirname(path));
      })();
      return released;
    },
  };
}

function parseHolder(text: string): Holder | undefined {
  try {
    const parsed = holderSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
