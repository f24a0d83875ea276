// One Hearth per data directory. Two processes writing the same conversation
// files (the kiosk and `npm run serve`, say) would overwrite each other's
// answers, so the second refuses to start and names the first. The lock is a
// file, <dataDir>/hearth.lock, created exclusively and naming its holder; a
// lock whose holder died (killed, power cut) is taken over.
import { randomUUID } from 'node:crypto';
import { link, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { errorCode, nodeFileSystem } from '../base/fileSystem';

export const LOCK_FILE = 'hearth.lock';

const holderSchema = z.object({
  pid: z.number().int().positive(),
  name: z.string(),
  command: z.string(),
  startedAt: z.string(),
  /** The kernel's start time of the process (Linux), which tells a reused pid apart. */
  processStart: z.number().optional(),
  token: z.string(),
});
type Holder = z.infer<typeof holderSchema>;

export interface DataDirLock extends AsyncDisposable {
  readonly path: string;
  /** Removes the lock if it is still this process's. Idempotent. */
  dispose(): Promise<void>;
}

export interface DataDirLockOptions {
  /** Who holds the directory, in the words a person would use ("Hearth kiosk"). */
  processName: string;
}

/** How long a lock file that is still empty may be in the middle of being written. */
const UNFINISHED_GRACE_MS = 1000;

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
  const mine: Holder = {
    pid: process.pid,
    name: options.processName,
    command: process.argv.join(' '),
    startedAt: new Date().toISOString(),
    processStart: (await readProcessStat(process.pid))?.start,
    token: randomUUID(),
  };
  const unfinishedSince = Date.now();
  for (let attempt = 0; attempt < 50; attempt++) {
    if (await createExclusively(path, mine)) return lockHandle(path, mine.token);
    const text = await readFile(path, 'utf8').catch(() => undefined);
    // Released between our two steps: try again.
    if (text === undefined) continue;
    const holder = parseHolder(text);
    if (holder && (await isAlive(holder))) {
      throw new Error(`${dataDir} is in use by ${holder.name} (pid ${holder.pid}); stop it first`);
    }
    if (!holder && Date.now() - unfinishedSince < UNFINISHED_GRACE_MS) {
      // Another process may have created it and not yet written its name.
      await new Promise((resolve) => setTimeout(resolve, 50));
      continue;
    }
    await takeOver(path, text);
  }
  throw new Error(`${dataDir} is in use: its lock keeps changing hands; try again`);
}

async function createExclusively(path: string, holder: Holder): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'wx', 0o644);
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(`${JSON.stringify(holder)}\n`, 'utf8');
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(path, { force: true });
    throw error;
  }
  await handle.close();
  await nodeFileSystem.syncDirectory(dirname(path));
  return true;
}

/**
 * Removes a dead holder's lock. Renaming it aside first means that of two
 * processes taking over at once, only one removes it; if what was moved is
 * not the lock that was judged dead (someone took over just before), it is
 * put back.
 */
async function takeOver(path: string, deadText: string): Promise<void> {
  const aside = `${path}.${randomUUID().slice(0, 8)}.stale`;
  try {
    await rename(path, aside);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return;
    throw error;
  }
  const moved = await readFile(aside, 'utf8').catch(() => deadText);
  if (moved !== deadText) await link(aside, path).catch(() => {});
  await rm(aside, { force: true });
}

function lockHandle(path: string, token: string): DataDirLock {
  let released: Promise<void> | undefined;
  const dispose = (): Promise<void> => {
    released ??= (async () => {
      const text = await readFile(path, 'utf8').catch(() => undefined);
      // Never remove a lock another process has taken over.
      if (text === undefined || parseHolder(text)?.token !== token) return;
      await rm(path, { force: true });
      await nodeFileSystem.syncDirectory(dirname(path));
    })();
    return released;
  };
  return { path, dispose, [Symbol.asyncDispose]: dispose };
}

function parseHolder(text: string): Holder | undefined {
  try {
    const parsed = holderSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** True while the holder's process runs: its pid exists, is not a zombie, and was not reused. */
async function isAlive(holder: Holder): Promise<boolean> {
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    if (errorCode(error) !== 'EPERM') return false;
  }
  const stat = await readProcessStat(holder.pid);
  if (!stat) return true;
  if (stat.state === 'Z' || stat.state === 'X') return false;
  return holder.processStart === undefined || stat.start === holder.processStart;
}

/** State and start time (clock ticks since boot) from /proc/<pid>/stat; undefined off Linux. */
async function readProcessStat(pid: number): Promise<{ state: string; start: number } | undefined> {
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
