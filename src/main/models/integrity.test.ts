import { copyFile, mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { silentLogger } from '../../testing/loggers';
import { threadRegistry } from '../threads/registry';
import { FIXTURE_MODEL_PATH, FIXTURE_SHA256, fixtureBytes } from '../../testing/models/modelServer';
import { checkIntegrity, hashFiles, IntegrityCancelled } from './integrity';
import { createHash } from 'node:crypto';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-integrity-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('checkIntegrity', () => {
  test('hashes the model in a worker thread and accepts it when size and sha256 match', async () => {
    const threadsSeen: string[] = [];
    const report = await checkIntegrity(
      FIXTURE_MODEL_PATH,
      { sha256: FIXTURE_SHA256, sizeBytes: fixtureBytes().length },
      {
        logger: silentLogger,
        onProgress: () => threadsSeen.push(...threadRegistry.list().map((t) => t.name)),
      },
    );
    expect(report).toEqual({
      sizeBytes: fixtureBytes().length,
      sha256: FIXTURE_SHA256,
      problem: null,
    });
    expect(threadsSeen).toContain('hashFile');
    expect(threadRegistry.list().map((t) => t.name)).not.toContain('hashFile');
  });

  test('names the first problem: not GGUF, then size, then checksum', async () => {
    const options = { logger: silentLogger };
    const html = join(dir, 'page.gguf');
    await writeFile(html, '<html>not a model</html>');
    expect((await checkIntegrity(html, { sha256: null }, options)).problem).toBe('not-gguf');

    const wrongSize = await checkIntegrity(FIXTURE_MODEL_PATH, { sizeBytes: 1000 }, options);
    expect(wrongSize.problem).toBe('wrong-size');

    const wrongSha = await checkIntegrity(FIXTURE_MODEL_PATH, { sha256: '0'.repeat(64) }, options);
    expect(wrongSha.problem).toBe('checksum-mismatch');
    expect(wrongSha.sha256).toBe(FIXTURE_SHA256);
  });

  test('without an expected sha256 it still computes and reports one', async () => {
    const copy = join(dir, 'copy.gguf');
    await copyFile(FIXTURE_MODEL_PATH, copy);
    const report = await checkIntegrity(copy, {}, { logger: silentLogger });
    expect(report).toEqual({
      sizeBytes: fixtureBytes().length,
      sha256: FIXTURE_SHA256,
      problem: null,
    });
  });

  test('cancelling stops the worker mid-file and leaves no thread behind', async () => {
    const big = join(dir, 'big.gguf');
    const handle = await open(big, 'w');
    await handle.write(Buffer.from('GGUF'));
    await handle.truncate(512 * 1024 * 1024);
    await handle.close();
    const controller = new AbortController();
    let hashed = 0;
    const outcome = await checkIntegrity(
      big,
      {},
      {
        logger: silentLogger,
        signal: controller.signal,
        onProgress: (bytes) => {
          hashed = bytes;
          controller.abort();
        },
      },
    ).catch((error: unknown) => error);
    expect(outcome).toBeInstanceOf(IntegrityCancelled);
    expect(hashed).toBeLessThan(512 * 1024 * 1024);
    expect(threadRegistry.size).toBe(0);
  });

  test('a missing file is an error from the worker, not a hang', async () => {
    const outcome = await checkIntegrity(
      join(dir, 'gone.gguf'),
      {},
      { logger: silentLogger },
    ).catch((error: unknown) => error);
    expect(outcome).toBeInstanceOf(Error);
    expect((outcome as Error).message).toMatch(/ENOENT/);
    expect(threadRegistry.size).toBe(0);
  });

  test('checks another magic when told, and none when it is null', async () => {
    const options = { logger: silentLogger };
    const archive = join(dir, 'voice.tar.bz2');
    await writeFile(archive, 'BZh91AY&SY rest of an archive');
    expect((await checkIntegrity(archive, {}, options)).problem).toBe('not-gguf');
    expect((await checkIntegrity(archive, { magic: 'BZh' }, options)).problem).toBeNull();
    expect((await checkIntegrity(archive, { magic: 'PK' }, options)).problem).toBe('not-gguf');
    expect((await checkIntegrity(archive, { magic: null }, options)).problem).toBeNull();
  });
});

describe('hashFiles', () => {
  test('hashes each file in order in one worker thread', async () => {
    const contents = ['first', '', 'third file, longer'];
    const paths = contents.map((_, i) => join(dir, `f${i}`));
    await Promise.all(paths.map((path, i) => writeFile(path, contents[i] ?? '')));
    const hashes = await hashFiles(paths, { logger: silentLogger });
    expect(hashes).toEqual(
      contents.map((text) => ({
        sizeBytes: Buffer.byteLength(text),
        sha256: createHash('sha256').update(text).digest('hex'),
      })),
    );
    expect(threadRegistry.size).toBe(0);
  });

  test('a missing file among them is an error naming it', async () => {
    await writeFile(join(dir, 'here'), 'x');
    const outcome = await hashFiles([join(dir, 'here'), join(dir, 'gone')], {
      logger: silentLogger,
    }).catch((error: unknown) => error);
    expect((outcome as Error).message).toMatch(/ENOENT.*gone/);
    expect(threadRegistry.size).toBe(0);
  });
});
