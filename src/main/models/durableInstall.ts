// Puts a finished, checked model file in place so that a power cut cannot leave
// a broken file under the model's name. A rename is atomic, but without an
// fsync first the file system may write the rename before the data (delayed
// allocation), so after a power cut the name could hold zeros or a short file
// that was never checked; and without an fsync of the folder after it, the
// rename itself may be lost. Downloads and USB copies both end here.
import { dirname } from 'node:path';
import { renameDurably } from '../base/atomicWrite';
import { nodeFileSystem, syncFile, type StorageFileSystem } from '../base/fileSystem';

/** The file operations a model install needs; tests wrap the real ones to see their order. */
export interface ModelFileSystem extends Pick<StorageFileSystem, 'rename' | 'syncDirectory'> {
  /** fsync of a file's data, whichever handle wrote it. */
  syncFile(path: string): Promise<void>;
}

export const nodeModelFileSystem: ModelFileSystem = {
  syncFile,
  rename: (from, to) => nodeFileSystem.rename(from, to),
  syncDirectory: (path) => nodeFileSystem.syncDirectory(path),
};

/**
 * Makes `from` the model file `to`: its data is synced, it is renamed, and the
 * folder is synced. Both names must be in one folder, where a rename is atomic.
 */
export async function installDurably(fs: ModelFileSystem, from: string, to: string): Promise<void> {
  if (dirname(from) !== dirname(to)) throw new Error(`${from} must be beside ${to}`);
  await fs.syncFile(from);
  await renameDurably(fs, from, to);
}
