import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../testing/inferenceFixtures';
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
});
