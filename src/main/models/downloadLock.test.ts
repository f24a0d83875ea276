// One writer per unfinished download across processes: while this process
// downloads a model, `npm run model -- pull` of the same model in another
// process is refused with this process's pid, and a lock left by a process that
// has ended is taken over.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { useCleanups } from '../../testing/cleanups';
import { silentLogger } from '../../testing/loggers';
import { failureOf } from '../../testing/models/downloadHarness';
import {
  FIXTURE_SHA256,
  sha256Of,
  startModelServer,
  type Behaviour,
  type ModelServer,
} from '../../testing/models/modelServer';
import { downloadModel, type DownloadRequest } from './download';
import { partLockPath } from './partLock';

const REPO = resolve(import.meta.dirname, '../../..');
const cleanups = useCleanups();

async function serve(behaviour: Partial<Behaviour> = {}): Promise<ModelServer> {
  const server = await startModelServer(behaviour);
  cleanups.defer(() => server.close());
  return server;
}

function dataDir(): { dataDir: string; models: string; lock: string } {
  const dir = cleanups.scratchDir('hearth-lock-');
  const models = join(dir, 'models');
  return { dataDir: dir, models, lock: partLockPath(models, 'stories260K.gguf') };
}

const pull = (modelsDir: string, server: ModelServer, more: Partial<DownloadRequest> = {}) =>
  downloadModel({
    source: server.url(),
    sha256: FIXTURE_SHA256,
    modelsDir,
    logger: silentLogger,
    ...more,
  });

/** `npm run model -- pull` in its own process, the way its package.json script runs it. */
function pullInAnotherProcess(dataDirPath: string, url: string) {
  return new Promise<{ code: number | null; stderr: string }>((done) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/main/models/cli.ts', 'pull', url, '--sha256', FIXTURE_SHA256],
      { cwd: REPO, env: { ...process.env, HEARTH_DATA_DIR: dataDirPath } },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => done({ code, stderr }));
  });
}

/** The pid of a process that has ended (and been reaped), so nothing runs under it. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((done) => child.on('exit', done));
  expect(child.pid).toBeDefined();
  return child.pid ?? 0;
}

/** Resolves once `path` exists. */
async function appears(path: string): Promise<void> {
  while (!existsSync(path)) await new Promise((done) => setTimeout(done, 10));
}

describe('the download lock', () => {
  test("a pull in another process is refused with this process's pid, and this download is unharmed", async () => {
    const { dataDir: dir, models, lock } = dataDir();
    // Stalls after 300 kB, holding the lock until it is cancelled.
    const server = await serve({ stallAfterBytes: 300_000 });
    const controller = new AbortController();
    const first = pull(models, server, { signal: controller.signal, stallMs: 600_000 });
    await appears(lock);
    expect(JSON.parse(await readFile(lock, 'utf8'))).toMatchObject({ pid: process.pid });

    const second = await pullInAnotherProcess(dir, server.url());
    expect(second).toEqual({
      code: 1,
      stderr: `Could not download stories260K.gguf: it is already being downloaded by another Hearth process (pid ${process.pid}).\n`,
    });
    expect(server.requests).toHaveLength(1);

    controller.abort();
    expect((await failureOf(first)).kind).toBe('cancelled');
    expect(existsSync(lock)).toBe(false);
    const kept = (await stat(join(models, 'stories260K.gguf.part'))).size;
    expect(kept).toBeGreaterThan(0);

    server.set({ stallAfterBytes: null });
    const installed = await pull(models, server);
    expect(installed.resumedFrom).toBe(kept);
    expect(sha256Of(await readFile(installed.path))).toBe(FIXTURE_SHA256);
  });

  test('a lock left by a process that has ended is taken over, and released when done', async () => {
    const { models, lock } = dataDir();
    await mkdir(models, { recursive: true });
    const pid = await deadPid();
    await writeFile(lock, `${JSON.stringify({ pid, token: 'left-behind' })}\n`);
    const server = await serve();

    const installed = await pull(models, server);
    expect(installed.alreadyInstalled).toBe(false);
    expect(await readdir(models)).toEqual(['stories260K.gguf']);
  });

  test('a lock held by a running process refuses the download until that process has ended', async () => {
    const { models, lock } = dataDir();
    await mkdir(models, { recursive: true });
    const holder = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    const exited = new Promise((done) => holder.on('exit', done));
    cleanups.defer(async () => {
      holder.kill();
      await exited;
    });
    await writeFile(lock, `${JSON.stringify({ pid: holder.pid, token: 'other' })}\n`);
    const server = await serve();

    const refused = await failureOf(pull(models, server));
    expect(refused.message).toBe(
      `Could not download stories260K.gguf: it is already being downloaded by another Hearth process (pid ${holder.pid}).`,
    );
    expect(server.requests).toEqual([]);
    expect(JSON.parse(await readFile(lock, 'utf8'))).toMatchObject({ token: 'other' });

    holder.kill();
    await exited;
    expect((await pull(models, server)).alreadyInstalled).toBe(false);
    expect(existsSync(lock)).toBe(false);
  });

  test('a failed download releases its lock and keeps its partial file', async () => {
    const { models, lock } = dataDir();
    const server = await serve({ dropAfterBytes: 300_000 });
    expect((await failureOf(pull(models, server))).kind).toBe('lost');
    expect(existsSync(lock)).toBe(false);
    expect(await readdir(models)).toEqual(['stories260K.gguf.part', 'stories260K.gguf.part.json']);
  });
});
