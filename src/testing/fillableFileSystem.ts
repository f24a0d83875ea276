// A disk that fills up on request, without root: node:fs as it is, except that
// while "full" every write of data fails with ENOSPC, as a real full disk does
// (creating, renaming and removing files still work: they need no data blocks).
// For tests of what happens above the store when a save is refused.
import { nodeFileSystem, type StorageFileSystem } from '../main/base/fileSystem';

export interface FillableFileSystem {
  fs: StorageFileSystem;
  fill(): void;
  free(): void;
}

function noSpace(path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`ENOSPC: no space left on device, write '${path}'`), {
    code: 'ENOSPC',
    errno: -28,
    syscall: 'write',
    path,
  });
}

export function fillableFileSystem(base: StorageFileSystem = nodeFileSystem): FillableFileSystem {
  let full = false;
  const fs: StorageFileSystem = {
    ...base,
    async open(path, flags) {
      const file = await base.open(path, flags);
      return {
        write: (data) => (full ? Promise.reject(noSpace(path)) : file.write(data)),
        sync: () => file.sync(),
        close: () => file.close(),
      };
    },
  };
  return {
    fs,
    fill: () => (full = true),
    free: () => (full = false),
  };
}
