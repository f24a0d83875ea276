// One writer per unfinished download. The kiosk and `npm run model -- pull` are
// separate processes: both appending to one `<file>.gguf.part` would interleave
// their bytes. So a download holds `<file>.gguf.part.lock`, created exclusively
// and naming its process, from before it looks at the files until it has
// installed or given up; a lock whose process is gone (killed, power cut) is
// taken over (base/lockFile.ts, as for the data directory).
import { acquireLockFile, type HeldLock } from '../base/lockFile';
import { TransferFailure } from './downloadError';
import { partPath } from './partialFile';

export type PartLock = HeldLock;

export function partLockPath(directory: string, fileName: string): string {
  return `${partPath(directory, fileName)}.lock`;
}

/**
 * Takes the lock on `fileName`'s unfinished download in `directory`, or throws
 * a TransferFailure saying which process is downloading it.
 */
export function lockPart(directory: string, fileName: string): Promise<PartLock> {
  return acquireLockFile(partLockPath(directory, fileName), {
    details: {},
    heldBy: (holder) =>
      new TransferFailure({
        kind: 'refused',
        reason: `it is already being downloaded by another Hearth process (pid ${holder.pid})`,
      }),
    contended: () =>
      new TransferFailure({
        kind: 'refused',
        reason: 'its download lock keeps changing hands; try again',
      }),
  });
}
