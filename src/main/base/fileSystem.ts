// The few file operations storage needs, behind a port: production uses
// node:fs, and the bench wraps it to count the bytes and fsyncs that reach the
// SD card. Every write that must survive power loss goes through here.
import { open, mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';

export interface WritableFile {
  /** Writes all of data at the file's position (the end, for 'a'). */
  write(data: string): Promise<void>;
  /** fsync: the data is on the storage device, not only in the page cache. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

export interface StorageFileSystem {
  /** 'wx' creates the file and fails with EEXIST if it is there; 'a' appends, creating it. */
  open(path: string, flags: 'wx' | 'a'): Promise<WritableFile>;
  readFile(path: string): Promise<string>;
  readdir(path: string): Promise<string[]>;
  mkdir(path: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  /** Removes a file; one that is already gone is not an error. */
  remove(path: string): Promise<void>;
  /**
   * fsync of a directory, which makes a create, rename or delete in it survive
   * power loss. Platforms that cannot do it (Windows) skip it silently.
   */
  syncDirectory(path: string): Promise<void>;
}

export const nodeFileSystem: StorageFileSystem = {
  async open(path, flags) {
    const handle = await open(path, flags, 0o600);
    return {
      write: (data) => handle.writeFile(data, 'utf8'),
      sync: () => handle.sync(),
      close: () => handle.close(),
    };
  },
  readFile: (path) => readFile(path, 'utf8'),
  readdir: (path) => readdir(path),
  mkdir: async (path) => {
    await mkdir(path, { recursive: true });
  },
  rename: (from, to) => rename(from, to),
  remove: (path) => rm(path, { force: true }),
  async syncDirectory(path) {
    let handle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      if (process.platform === 'win32') return;
      throw error;
    }
    try {
      await handle.sync();
    } catch (error) {
      // Some platforms refuse to fsync a directory; a rename there is still atomic.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EINVAL' && code !== 'EPERM' && code !== 'EISDIR') throw error;
    } finally {
      await handle.close();
    }
  },
};

/**
 * fsync of a file by its path. fsync flushes the file's data whichever handle
 * wrote it, so a file written by a stream or a closed handle can be made
 * durable afterwards (opened read-write, which fsync needs on some systems).
 */
export async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The error's errno code (ENOSPC, EEXIST…), if it has one. */
export function errorCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

const FULL = new Set(['ENOSPC', 'EDQUOT']);

/** Whether a write failed because the disk (or the user's quota) is full. */
export function isDiskFull(error: unknown): boolean {
  return FULL.has(errorCode(error) ?? '');
}
