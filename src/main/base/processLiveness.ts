// Whether the process that wrote a lock file still runs. A pid alone is not
// enough: after a crash and a reboot the same number may belong to another
// process, so a lock also records when its process started.
import { readFile } from 'node:fs/promises';

/** State and start time (clock ticks since boot) from /proc/<pid>/stat; undefined off Linux. */
export async function readProcessStat(
  pid: number,
): Promise<{ state: string; start: number } | undefined> {
  let text: string;
  try {
    text = await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: split after its last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  const start = Number(fields[19]);
  if (state === undefined || !Number.isFinite(start)) return undefined;
  return { state, start };
}

/**
 * True while the process runs: its pid exists, is not a zombie, and (when
 * `processStart` is known) is the same process that recorded it, not a reuse.
 */
export async function isProcessAlive(pid: number, processStart?: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const stat = await readProcessStat(pid);
  if (!stat) return true;
  if (stat.state === 'Z' || stat.state === 'X') return false;
  return processStart === undefined || stat.start === processStart;
}
