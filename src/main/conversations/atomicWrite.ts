// Crash-safe file replacement: a reader (or a restart after kill -9 or power
// loss) sees either the old file or the new one, never a torn mix.
import { open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Suffix of in-flight temporary files; leftovers from a crash can be deleted. */
export const TEMP_SUFFIX = '.tmp';
let counter = 0;

export async function writeFileAtomic(path: string, data: string): Promise<void> {
  const temp = `${path}.${process.pid}.${++counter}${TEMP_SUFFIX}`;
  try {
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(data, 'utf8');
      // The data must be on disk before the rename makes it the file.
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDirectory(dirname(path));
}

/** Makes the rename itself durable. */
async function syncDirectory(path: string): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'r');
    await handle.sync();
  } catch {
    /* some platforms cannot fsync a directory; the rename is still atomic */
  } finally {
    await handle?.close();
  }
}
