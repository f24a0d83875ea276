// Replaces a file so that after a crash or power cut it is the old one or the
// new one, never a torn mix: the text goes to a temporary file that is fsynced
// and then renamed over the real one.
import { randomUUID } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Writes `text` to `path` atomically, readable by its owner only (these files
 * hold hashes of secrets). `temp` names the temporary file; a caller that
 * cleans up after cut-short writes passes a name it can recognise.
 */
export async function writeFileAtomically(
  path: string,
  text: string,
  temp = `${path}.${randomUUID().slice(0, 8)}.tmp`,
): Promise<void> {
  try {
    // 'wx' fails rather than following a file (or link) someone put in the way.
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(text, 'utf8');
      // On disk before the rename makes it the file.
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
    // Some file systems cannot fsync a directory; the rename is still atomic.
  } finally {
    await handle?.close();
  }
}
