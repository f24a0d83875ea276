import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../testing/inferenceFixtures';
import { createMemoryLogger } from '../../testing/loggers';
import { ensurePrivateDir } from './privateDir';

const modeOf = (path: string): number => statSync(path).mode & 0o777;

describe('ensurePrivateDir', () => {
  let dir: ReturnType<typeof tempDir>;
  let umask: number;
  beforeEach(() => {
    dir = tempDir('hearth-private-dir-');
    // The most permissive umask: any mode below 0777 must then come from the code.
    umask = process.umask(0);
  });
  afterEach(() => {
    process.umask(umask);
    dir.remove();
  });

  it('creates the directory and its missing parents with mode 0700', async () => {
    const logger = createMemoryLogger();
    const parent = join(dir.path, 'share');
    const dataDir = join(parent, 'hearth');
    await ensurePrivateDir(dataDir, logger);
    expect(modeOf(dataDir)).toBe(0o700);
    expect(modeOf(parent)).toBe(0o700);
    expect(logger.entries).toEqual([]);
  });

  it('tightens an existing directory that others could read, and logs it', async () => {
    const logger = createMemoryLogger();
    const dataDir = join(dir.path, 'hearth');
    mkdirSync(dataDir);
    chmodSync(dataDir, 0o755);
    writeFileSync(join(dataDir, 'config.json'), '{}');
    await ensurePrivateDir(dataDir, logger);
    expect(modeOf(dataDir)).toBe(0o700);
    expect(logger.entries).toEqual([
      {
        level: 'warn',
        eventType: 'data_dir_tightened',
        context: { path: dataDir, from: '0755', to: '0700' },
      },
    ]);
  });

  it('tightens group-only rights too, and leaves a private directory alone', async () => {
    const logger = createMemoryLogger();
    const groupReadable = join(dir.path, 'group');
    mkdirSync(groupReadable);
    chmodSync(groupReadable, 0o710);
    await ensurePrivateDir(groupReadable, logger);
    expect(modeOf(groupReadable)).toBe(0o700);
    expect(logger.entries).toHaveLength(1);

    const already = join(dir.path, 'private');
    mkdirSync(already);
    chmodSync(already, 0o700);
    await ensurePrivateDir(already, logger);
    expect(modeOf(already)).toBe(0o700);
    expect(logger.entries).toHaveLength(1);
  });

  it('refuses a path that is a file', async () => {
    const file = join(dir.path, 'hearth');
    writeFileSync(file, '');
    await expect(ensurePrivateDir(file, createMemoryLogger())).rejects.toThrow();
  });
});
