// A real full disk for tests: a tiny tmpfs, mounted per test or per file.
// Mounting needs root (as in CI); tests that need it skip elsewhere.
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Whether this process may mount a tmpfs. */
export const canMount = process.getuid?.() === 0;

/**
 * A test's title; where it will be skipped, with the reason, so the reporter's
 * one "skipped" line explains itself.
 */
export function needsMount(title: string): string {
  return canMount ? title : `${title}: skipped, not root (mounting a tmpfs needs root)`;
}

/** Mounts a tmpfs of `size` (e.g. '256k', '16m') on `directory`; returns how to unmount it. */
export function mountTmpfs(directory: string, size: string): () => void {
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', directory]);
  // Lazy: a file something still holds open must not keep the mount (and the test) alive.
  return () => execFileSync('umount', ['--lazy', directory]);
}

/** Writes a file in `directory` until the filesystem is full; returns how to free the space. */
export function fillDisk(directory: string, chunkBytes = 4096): () => void {
  const path = join(directory, 'filler');
  const fd = openSync(path, 'a');
  const chunk = Buffer.alloc(chunkBytes, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
  let freed = false;
  return () => {
    if (!freed) rmSync(path, { force: true });
    freed = true;
  };
}
