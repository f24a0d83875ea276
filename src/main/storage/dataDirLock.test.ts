import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../testing/inferenceFixtures';
import { createMemoryLogger } from '../../testing/loggers';
import { canMount, fillDisk, mountTmpfs, needsMount } from '../../testing/tmpfs';
import { acquireDataDirLock, LOCK_FILE } from './dataDirLock';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function dataDir(): string {
  const dir = tempDir('hearth-lock-');
  cleanups.push(dir.remove);
  return dir.path;
}

const moduleUrl = new URL('./dataDirLock.ts', import.meta.url).href;

/** Another Node process that takes the lock, says so, and holds it until killed. */
async function holdInAnotherProcess(
  dir: string,
  name: string,
): Promise<ChildProcessWithoutNullStreams> {
  const script = `
    import { acquireDataDirLock } from ${JSON.stringify(moduleUrl)};
    await acquireDataDirLock(process.argv[1], { processName: process.argv[2] });
    process.stdout.write('locked\\n');
    setInterval(() => {}, 60_000);
  `;
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', script, dir, name],
    { cwd: resolve(import.meta.dirname, '../../..') },
  );
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((ok, fail) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('locked')) ok();
    });
    child.on('exit', () => fail(new Error(`lock holder exited early: ${stderr}`)));
  });
  return child;
}

/** A data directory on a fresh tmpfs filled to its last byte (root only). */
function dataDirOnFullDisk(): string {
  const mount = mkdtempSync(join(tmpdir(), 'hearth-lock-full-'));
  const unmount = mountTmpfs(mount, '64k');
  cleanups.push(() => rmdirSync(mount));
  cleanups.push(unmount);
  const dir = join(mount, 'data');
  mkdirSync(dir);
  cleanups.push(fillDisk(mount));
  return dir;
}

/** The lock and its holder markers: what a released or refused lock must not leave. */
const lockFiles = (dir: string) => readdirSync(dir).filter((n) => n.startsWith(LOCK_FILE));

function killed(child: ChildProcessWithoutNullStreams): Promise<void> {
  return new Promise((ok) => {
    child.on('exit', () => ok());
    child.kill('SIGKILL');
  });
}

describe('acquireDataDirLock', () => {
  it('refuses a data directory another live process holds, in one line naming it', async () => {
    const dir = dataDir();
    const child = await holdInAnotherProcess(dir, 'Hearth kiosk');
    const refused = await acquireDataDirLock(dir, { processName: 'npm run serve' }).then(
      () => undefined,
      (error: Error) => error,
    );
    expect(refused?.message).toBe(
      `${dir} is in use by Hearth kiosk (pid ${child.pid}); stop it first`,
    );
    expect(refused?.message).not.toContain('\n');
    // The refusal leaves the holder's lock alone.
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({
      pid: child.pid,
      name: 'Hearth kiosk',
    });
  });

  it('takes over the lock of a process killed with SIGKILL, and releases it on dispose', async () => {
    const dir = dataDir();
    const child = await holdInAnotherProcess(dir, 'Hearth kiosk');
    await killed(child);
    // The dead process's lock is still on disk.
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(child.pid);

    const lock = await acquireDataDirLock(dir, { processName: 'npm run serve' });
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({
      pid: process.pid,
      name: 'npm run serve',
    });
    await lock[Symbol.asyncDispose]();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    await lock.dispose();
    // Released: the next one gets it at once.
    const again = await acquireDataDirLock(dir, { processName: 'Hearth kiosk' });
    await again.dispose();
  });

  it('takes over a lock whose pid now belongs to another process (pid reused)', async () => {
    const dir = dataDir();
    // pid 1 is alive, but it started at another time than the lock says.
    writeFileSync(
      join(dir, LOCK_FILE),
      JSON.stringify({
        pid: 1,
        name: 'a Hearth from before the reboot',
        command: 'node out/main/serve.js',
        startedAt: '2024-01-01T00:00:00.000Z',
        processStart: 123_456_789_012,
        token: 'old',
      }),
    );
    const lock = await acquireDataDirLock(dir, { processName: 'Hearth kiosk' });
    cleanups.push(() => lock.dispose());
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
  });

  it('takes over a lock file left empty by a crash while it was being written', async () => {
    const dir = dataDir();
    writeFileSync(join(dir, LOCK_FILE), '');
    const lock = await acquireDataDirLock(dir, { processName: 'Hearth kiosk' });
    cleanups.push(() => lock.dispose());
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).name).toBe('Hearth kiosk');
  });

  it('lets exactly one of two starts racing for a dead lock win', async () => {
    const dir = dataDir();
    const child = await holdInAnotherProcess(dir, 'old kiosk');
    await killed(child);
    const results = await Promise.allSettled([
      acquireDataDirLock(dir, { processName: 'first' }),
      acquireDataDirLock(dir, { processName: 'second' }),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    for (const r of won) cleanups.push(() => r.value.dispose());
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const holder = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'));
    expect(String((lost[0] as PromiseRejectedResult).reason)).toContain(
      `is in use by ${holder.name} (pid ${process.pid})`,
    );
  });

  it('refuses a live holder whose lock is empty (its details never written), naming its pid', async () => {
    const dir = dataDir();
    const child = await holdInAnotherProcess(dir, 'Hearth kiosk');
    // What a holder on a full disk leaves: the lock exists but says nothing.
    truncateSync(join(dir, LOCK_FILE));
    const started = Date.now();
    const refused = await acquireDataDirLock(dir, { processName: 'npm run serve' }).then(
      () => undefined,
      (error: Error) => error,
    );
    expect(refused?.message).toBe(
      `${dir} is in use by another Hearth (pid ${child.pid}); stop it first`,
    );
    // Known at once from the holder's marker, not guessed from the lock's age.
    expect(Date.now() - started).toBeLessThan(900);
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe('');

    // Once that holder is gone, its empty lock and its marker are taken over and cleared.
    await killed(child);
    const lock = await acquireDataDirLock(dir, { processName: 'npm run serve' });
    expect(lockFiles(dir)).toHaveLength(2);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    await lock.dispose();
    expect(lockFiles(dir)).toEqual([]);
  });

  it.skipIf(!canMount)(
    needsMount(
      'takes the lock on a disk full to the last byte, says so once, and a second process is refused naming the holder',
    ),
    async () => {
      const dir = dataDirOnFullDisk();
      const logger = createMemoryLogger();
      const lock = await acquireDataDirLock(dir, { processName: 'Hearth kiosk', logger });
      expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe('');
      expect(logger.entries).toEqual([
        {
          level: 'warn',
          eventType: 'data_dir_lock_unsaved',
          context: {
            path: join(dir, LOCK_FILE),
            problem: 'the disk is full: the lock names only its process id',
          },
        },
      ]);
      // Another process (a second `npm run serve`) on the same full disk.
      const script = `
        import { acquireDataDirLock } from ${JSON.stringify(moduleUrl)};
        await acquireDataDirLock(process.argv[1], { processName: 'npm run serve' }).then(
          () => process.stdout.write('taken'),
          (error) => process.stdout.write(error.message),
        );
      `;
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', script, dir],
        { cwd: resolve(import.meta.dirname, '../../..') },
      );
      let said = '';
      child.stdout.on('data', (chunk: Buffer) => (said += chunk.toString()));
      await new Promise((ok) => child.on('exit', ok));
      expect(said).toBe(`${dir} is in use by another Hearth (pid ${process.pid}); stop it first`);
      await lock.dispose();
      expect(lockFiles(dir)).toEqual([]);
    },
  );
});
