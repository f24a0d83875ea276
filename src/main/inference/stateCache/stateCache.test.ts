import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeFileSystem, type StorageFileSystem } from '../../base/fileSystem';
import { createMemoryLogger } from '../../../testing/loggers';
import { tempDir } from '../../../testing/inferenceFixtures';
import { ConversationStateCache, type StateExpectation, type StateStamp } from './stateCache';
import { STATE_SEQ_MAGIC } from './stateFile';

const dirs: { remove(): void }[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => dir.remove()));

function cacheDir(): string {
  const dir = tempDir('hearth-states-');
  dirs.push(dir);
  return join(dir.path, 'state-cache');
}

const stamp: StateStamp = { key: 'a'.repeat(64), turnsDigest: 'b'.repeat(64), turns: 2 };

/** What the store's turns look like now: the same as the stamp, unless changed. */
const expecting = (s: StateStamp): StateExpectation => ({
  key: s.key,
  digestOfLast: (turns) => (turns === s.turns ? s.turnsDigest : undefined),
});

/** Writes what llama.cpp writes: its header, the tokens, then `payload` bytes of state. */
const stateOf =
  (tokens: number, payload: number) =>
  async (path: string): Promise<void> => {
    const bytes = Buffer.alloc(12 + tokens * 4 + payload);
    bytes.writeUInt32LE(STATE_SEQ_MAGIC, 0);
    bytes.writeUInt32LE(3, 4);
    bytes.writeUInt32LE(tokens, 8);
    for (let i = 0; i < tokens; i++) bytes.writeInt32LE(i + 1, 12 + i * 4);
    randomBytes(payload).copy(bytes, 12 + tokens * 4);
    await writeFile(path, bytes);
  };

const open = (dir: string, budgetBytes = 1_000_000, fs?: StorageFileSystem, now?: () => number) =>
  ConversationStateCache.open({ dir, budgetBytes, logger: createMemoryLogger(), fs, now });

const stateFiles = (dir: string): string[] => readdirSync(dir).filter((n) => n !== 'index.json');

describe('ConversationStateCache', () => {
  it('gives back a saved state under the same stamp, across a restart, and only then', async () => {
    const dir = cacheDir();
    const cache = await open(dir);
    const bytes = await cache.save('c1', stamp, stateOf(10, 1000));
    expect(bytes).toBe(12 + 40 + 1000);
    const path = (await cache.usable('c1', expecting(stamp)))?.path;
    expect(path && readFileSync(path).length).toBe(bytes);

    const restarted = await open(dir);
    expect(await restarted.usable('c1', expecting(stamp))).toEqual({ path, turns: 2 });
    expect(
      await restarted.usable('c1', expecting({ ...stamp, key: 'c'.repeat(64) })),
    ).toBeUndefined();
    // Refused once, it is gone for good: the file and its entry.
    expect(await restarted.usable('c1', expecting(stamp))).toBeUndefined();
    expect(stateFiles(dir)).toEqual([]);
  });

  it('refuses a conversation whose turns changed since its state was saved, and removes it', async () => {
    const dir = cacheDir();
    const logger = createMemoryLogger();
    const cache = await ConversationStateCache.open({ dir, budgetBytes: 1e6, logger });
    await cache.save('c1', stamp, stateOf(4, 100));
    expect(
      await cache.usable('c1', expecting({ ...stamp, turnsDigest: 'd'.repeat(64) })),
    ).toBeUndefined();
    expect(stateFiles(dir)).toEqual([]);
    const refusals = logger.entries.filter((e) => e.eventType === 'state_refused');
    expect(refusals).toHaveLength(1);
    expect(refusals[0]?.context.reason).toMatch(/conversation changed/);
  });

  it.each([
    ['truncated', (path: string) => truncateSync(path, 30)],
    [
      'overwritten with random bytes of the same length',
      (path: string) => writeFileSync(path, randomBytes(readFileSync(path).length)),
    ],
    [
      'one byte changed',
      (path: string) => {
        const bytes = readFileSync(path);
        bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
        writeFileSync(path, bytes);
      },
    ],
  ])('refuses a state file %s, and removes it', async (_name, damage) => {
    const dir = cacheDir();
    const cache = await open(dir);
    await cache.save('c1', stamp, stateOf(8, 500));
    const [file] = stateFiles(dir);
    damage(join(dir, file ?? ''));
    expect(await cache.usable('c1', expecting(stamp))).toBeUndefined();
    expect(stateFiles(dir)).toEqual([]);
  });

  it('keeps to its budget by removing the least recently used states first', async () => {
    const dir = cacheDir();
    let clock = 1000;
    const cache = await open(dir, 3 * 1100, undefined, () => clock++);
    for (const id of ['a', 'b', 'c']) await cache.save(id, stamp, stateOf(2, 1000));
    // Using 'a' makes 'b' the least recently used.
    expect(await cache.usable('a', expecting(stamp))).toBeDefined();
    await cache.save('d', stamp, stateOf(2, 1000));
    expect(cache.conversations().sort()).toEqual(['a', 'c', 'd']);
    expect(cache.totalBytes).toBeLessThanOrEqual(3 * 1100);
    expect(stateFiles(dir)).toHaveLength(3);
    // A smaller budget takes effect at once; 0 turns the cache off and empties it.
    await cache.setBudget(1100);
    expect(cache.conversations()).toEqual(['d']);
    await cache.setBudget(0);
    expect(stateFiles(dir)).toEqual([]);
    expect(await cache.save('e', stamp, stateOf(2, 10))).toBe(0);
  });

  it('does not keep a state larger than the whole budget', async () => {
    const dir = cacheDir();
    const cache = await open(dir, 500);
    expect(await cache.save('big', stamp, stateOf(2, 1000))).toBe(0);
    expect(stateFiles(dir)).toEqual([]);
  });

  it("replaces a conversation's state with its newer one, and removes it on delete", async () => {
    const dir = cacheDir();
    const cache = await open(dir);
    await cache.save('c1', stamp, stateOf(2, 10));
    await cache.save('c1', { ...stamp, turnsDigest: 'e'.repeat(64) }, stateOf(3, 10));
    expect(stateFiles(dir)).toHaveLength(1);
    expect(
      await cache.usable('c1', expecting({ ...stamp, turnsDigest: 'e'.repeat(64) })),
    ).toBeDefined();
    await cache.remove('c1');
    expect(stateFiles(dir)).toEqual([]);
    expect((await open(dir)).conversations()).toEqual([]);
  });

  it('drops every state saved under another key (a new model or system prompt)', async () => {
    const dir = cacheDir();
    const cache = await open(dir);
    await cache.save('old', stamp, stateOf(2, 10));
    await cache.save('new', { ...stamp, key: 'f'.repeat(64) }, stateOf(2, 10));
    await cache.retainOnly('f'.repeat(64));
    expect(cache.conversations()).toEqual(['new']);
    expect(stateFiles(dir)).toHaveLength(1);
  });

  // A crash is a save that never finishes: the process is gone, and the next
  // start opens the folder as it was left.
  it.each([
    ['while llama.cpp writes the state', 'write'],
    ['after the state is renamed, before the index names it', 'index'],
  ])('trusts nothing a crash %s left behind', async (_name, where) => {
    const dir = cacheDir();
    const never = new Promise<never>(() => {});
    const crashing: StorageFileSystem = {
      ...nodeFileSystem,
      open: (path, flags) =>
        where === 'index' && path.includes('index.json') ? never : nodeFileSystem.open(path, flags),
    };
    const first = await open(dir);
    await first.save('kept', stamp, stateOf(2, 10));
    const dying = await open(dir, 1e6, crashing);
    const write = stateOf(4, 100);
    // The dying process never sees how its save ends.
    dying
      .save('c1', stamp, async (path) => {
        await write(path);
        if (where === 'write') {
          truncateSync(path, 20);
          await never;
        }
      })
      .catch(() => {});
    // Wait until the half-done save has left its file behind: the temporary
    // one, or the renamed one the index does not name yet.
    const left = where === 'write' ? '.state.tmp' : '.state';
    await expect
      .poll(() => stateFiles(dir).filter((name) => name.endsWith(left)).length, { timeout: 5000 })
      .toBe(where === 'write' ? 1 : 2);
    const next = await open(dir);
    expect(next.conversations()).toEqual(['kept']);
    expect(await next.usable('c1', expecting(stamp))).toBeUndefined();
    expect(stateFiles(dir)).toHaveLength(1);
    expect(await next.usable('kept', expecting(stamp))).toBeDefined();
  });

  it('starts empty, removing the files, when its index cannot be read', async () => {
    const dir = cacheDir();
    const cache = await open(dir);
    await cache.save('c1', stamp, stateOf(2, 10));
    writeFileSync(join(dir, 'index.json'), '{"version":1,"entries":[{"conversationId":');
    const next = await open(dir);
    expect(next.conversations()).toEqual([]);
    expect(stateFiles(dir)).toEqual([]);
  });
});
