// One Hearth per data directory. Two processes writing the same conversation
// files (the kiosk and `npm run serve`, say) would overwrite each other's
// answers, so the second refuses to start and names the first. The lock is a
// file, <dataDir>/hearth.lock (base/lockFile.ts): created exclusively, naming
// its holder, taken over when its holder died. Taking it needs no free bytes,
// so a Hearth whose SD card filled up still starts (and says so in the log).
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { acquireLockFile } from '../base/lockFile';
import type { Logger } from '../base/log';

export const LOCK_FILE = 'hearth.lock';

export interface DataDirLock extends AsyncDisposable {
  readonly path: string;
  /** Removes the lock if it is still this process's. Idempotent. */
  dispose(): Promise<void>;
}

export interface DataDirLockOptions {
  /** Who holds the directory, in the words a person would use ("Hearth kiosk"). */
  processName: string;
  /** Told when the disk was too full to write the holder's details. */
  logger?: Logger;
}

/**
 * Takes <dataDir>/hearth.lock or throws an Error whose message is one line
 * naming the process that holds it. Resolves to a disposable that releases it.
 */
export async function acquireDataDirLock(
  dataDir: string,
  options: DataDirLockOptions,
): Promise<DataDirLock> {
  await mkdir(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE);
  const held = await acquireLockFile(path, {
    details: {
      name: options.processName,
      command: process.argv.join(' '),
      startedAt: new Date().toISOString(),
    },
    heldBy: (holder) =>
      new Error(
        `${dataDir} is in use by ${holder.name ?? 'another Hearth'} (pid ${holder.pid}); stop it first`,
      ),
    contended: () => new Error(`${dataDir} is in use: its lock keeps changing hands; try again`),
    durable: true,
    onDiskFull: (problem) => options.logger?.warn('data_dir_lock_unsaved', { path, problem }),
  });
  const dispose = (): Promise<void> => held.release();
  return { path, dispose, [Symbol.asyncDispose]: dispose };
}
