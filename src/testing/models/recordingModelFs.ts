// The real model file system, wrapped: every call is passed on to node's file
// system and written down first, with what the disk held at that moment (the
// file's size when it is synced, the folder's names when it is synced), so a
// test can check the order that makes an installed model survive a power cut.
import { readdir, stat } from 'node:fs/promises';
import { nodeModelFileSystem, type ModelFileSystem } from '../../main/models/durableInstall';

export type ModelFsCall =
  | { op: 'syncFile'; path: string; size: number }
  | { op: 'rename'; from: string; to: string }
  | { op: 'syncDirectory'; path: string; names: string[] };

export interface RecordingModelFs {
  fs: ModelFileSystem;
  /** The calls in the order they were made; a test may push its own marks in between. */
  calls: (ModelFsCall | { mark: string })[];
}

/** `failSyncFile` makes syncFile fail after recording it, as a dying card does (EIO). */
export function recordingModelFs(options: { failSyncFile?: boolean } = {}): RecordingModelFs {
  const real = nodeModelFileSystem;
  const calls: RecordingModelFs['calls'] = [];
  const fs: ModelFileSystem = {
    async syncFile(path) {
      calls.push({ op: 'syncFile', path, size: (await stat(path)).size });
      if (options.failSyncFile) {
        throw Object.assign(new Error(`EIO: i/o error, fsync '${path}'`), { code: 'EIO' });
      }
      await real.syncFile(path);
    },
    async rename(from, to) {
      calls.push({ op: 'rename', from, to });
      await real.rename(from, to);
    },
    async syncDirectory(path) {
      calls.push({ op: 'syncDirectory', path, names: (await readdir(path)).sort() });
      await real.syncDirectory(path);
    },
  };
  return { fs, calls };
}
