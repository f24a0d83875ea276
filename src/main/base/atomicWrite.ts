// Crash-safe file replacement and removal: after kill -9 or a power cut, a
// reader sees either the old file or the new one, never a torn mix, and a
// delete or set-aside that returned stays done.
import { randomBytes, randomUUID } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import type { StorageFileSystem } from './fileSystem';

/** Suffix of in-flight temporary files; leftovers from a crash can be deleted. */
export const TEMP_SUFFIX = '.tmp';

/**
 * Replaces path with data: a uniquely named temporary file, created
 * exclusively (so it never joins a file another writer has open) and readable
 * by its owner only, is written and fsynced, renamed over path, and the
 * directory is fsynced. `temp` names the temporary file; a caller that cleans
 * up after cut-short writes passes a name it can recognise.
 */
export async function writeFileAtomic(
  fs: StorageFileSystem,
  path: string,
  data: string,
  temp = `${path}.${randomUUID().slice(0, 8)}${TEMP_SUFFIX}`,
): Promise<void> {
  try {
    const file = await fs.open(temp, 'wx');
    try {
      await file.write(data);
      // The data must be on disk before the rename makes it the file.
      await file.sync();
    } finally {
      await file.close();
    }
    await fs.rename(temp, path);
  } catch (error) {
    await fs.remove(temp).catch(() => {});
    throw error;
  }
  // Makes the rename itself durable.
  await fs.syncDirectory(dirname(path));
}

/**
 * Marks the temporary files of writeFileAtomicMarked: `<file>.tmp-<pid>-<random>`.
 * Files already on disk use this naming, so it must not change.
 */
const TEMP_MARK = '.tmp-';

/**
 * writeFileAtomic for a file that stands alone in a folder (owner-secret,
 * devices.json): its temporary file carries a mark that removeLeftoverTemps
 * finds again after a crash.
 */
export async function writeFileAtomicMarked(
  fs: StorageFileSystem,
  path: string,
  data: string,
): Promise<void> {
  const temp = `${path}${TEMP_MARK}${process.pid}-${randomBytes(6).toString('hex')}`;
  await writeFileAtomic(fs, path, data, temp);
}

/**
 * Deletes the temporary files that writeFileAtomicMarked calls cut short by a
 * crash left beside path; path itself is intact. They may hold secrets, so
 * none is kept. A folder that cannot be listed (not made yet) has none.
 */
export async function removeLeftoverTemps(fs: StorageFileSystem, path: string): Promise<void> {
  const prefix = `${basename(path)}${TEMP_MARK}`;
  let names: string[];
  try {
    names = await fs.readdir(dirname(path));
  } catch {
    return;
  }
  for (const name of names) {
    if (name.startsWith(prefix)) await fs.remove(join(dirname(path), name));
  }
}

/** Removes files and fsyncs their directory, so they do not come back after a power cut. */
export async function removeDurably(fs: StorageFileSystem, ...paths: string[]): Promise<void> {
  for (const path of paths) await fs.remove(path);
  const first = paths[0];
  if (first !== undefined) await fs.syncDirectory(dirname(first));
}

/** Moves a file aside under a new name in the same directory, durably. */
export async function renameDurably(
  fs: Pick<StorageFileSystem, 'rename' | 'syncDirectory'>,
  from: string,
  to: string,
): Promise<void> {
  if (dirname(from) !== dirname(to)) throw new Error(`${basename(to)} must stay beside ${from}`);
  await fs.rename(from, to);
  await fs.syncDirectory(dirname(from));
}
