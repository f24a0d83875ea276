// The data directory holds conversations, paired devices' tokens and the
// settings: only its owner may list or read it. It is created 0700, and one
// that already exists with looser rights (made by an older version, by hand,
// or by a tool with the default umask) is tightened, saying so in the log.
import { chmod, mkdir, stat } from 'node:fs/promises';
import type { Logger } from '../base/log';

export const PRIVATE_DIR_MODE = 0o700;

/** Creates `path` (and missing parents) with mode 0700, or tightens it to 0700. */
export async function ensurePrivateDir(path: string, logger: Logger): Promise<void> {
  // mkdir's mode applies to every directory it creates here; the umask can only narrow it.
  await mkdir(path, { recursive: true, mode: PRIVATE_DIR_MODE });
  const info = await stat(path);
  if (!info.isDirectory()) throw new Error(`${path} is not a directory`);
  const mode = info.mode & 0o777;
  if ((mode & 0o077) === 0) return;
  await chmod(path, PRIVATE_DIR_MODE);
  logger.warn('data_dir_tightened', {
    path,
    from: mode.toString(8).padStart(4, '0'),
    to: PRIVATE_DIR_MODE.toString(8).padStart(4, '0'),
  });
}
