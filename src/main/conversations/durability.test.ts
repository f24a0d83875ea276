// What reaches the disk, and in which order: observed through the store's
// file-system port wrapped around the real node:fs.
import { readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiFailure } from '../contracts/failure';
import { tempDir } from '../../testing/inferenceFixtures';
import { eventually } from '../../testing/savedConversation';
import { writeFileAtomic } from '../base/atomicWrite';
import { nodeFileSystem, type StorageFileSystem } from '../base/fileSystem';
import { cleanupsAfterEach, conversationFolder, message } from '../../testing/conversationStores';
import type { ConversationStoreOptions } from './store';

const cleanups = cleanupsAfterEach();

/** node:fs, with every call written down as "<operation> <file name>". */
function recordingFs(): { fs: StorageFileSystem; calls: string[] } {
  const calls: string[] = [];
  const name = (path: string) => basename(path);
  const fs: StorageFileSystem = {
    async open(path, flags) {
      calls.push(`open ${flags} ${name(path)}`);
      const file = await nodeFileSystem.open(path, flags);
      return {
        write: (data) => (calls.push(`write ${name(path)}`), file.write(data)),
        sync: () => (calls.push(`fsync ${name(path)}`), file.sync()),
        close: () => (calls.push(`close ${name(path)}`), file.close()),
      };
    },
    readFile: (path) => nodeFileSystem.readFile(path),
    readdir: (path) => nodeFileSystem.readdir(path),
    mkdir: (path) => nodeFileSystem.mkdir(path),
    rename: (from, to) => (
      calls.push(`rename ${name(from)} ${name(to)}`),
      nodeFileSystem.rename(from, to)
    ),
    remove: (path) => (calls.push(`remove ${name(path)}`), nodeFileSystem.remove(path)),
    syncDirectory: (path) => (calls.push('fsync dir'), nodeFileSystem.syncDirectory(path)),
  };
  return { fs, calls };
}

function setup(options: Partial<ConversationStoreOptions> = {}) {
  const { fs, calls } = recordingFs();
  return { calls, ...conversationFolder(cleanups, { store: { fs, ...options } }) };
}

const TEMP = /^[0-9a-f-]{36}\.json\.[0-9a-f]{8}\.tmp$/;

describe('ConversationStore durability', () => {
  it('writes a conversation through a new temp file created exclusively: write, fsync, rename, fsync the directory', async () => {
    const { calls, open } = setup();
    const store = open();
    await store.load();
    calls.length = 0;
    const { id } = await store.create();
    const temp = calls[0]?.split(' ')[2] ?? '';
    expect(temp).toMatch(TEMP);
    expect(calls).toEqual([
      `open wx ${temp}`,
      `write ${temp}`,
      `fsync ${temp}`,
      `close ${temp}`,
      `rename ${temp} ${id}.json`,
      'fsync dir',
    ]);
  });

  it('gives two writes of one file at once two different temp files, and leaves neither behind', async () => {
    const dir = tempDir();
    cleanups.push(dir.remove);
    const { fs, calls } = recordingFs();
    const path = join(dir.path, 'a.json');
    await Promise.all([writeFileAtomic(fs, path, '"one"'), writeFileAtomic(fs, path, '"two"')]);
    const temps = calls.filter((c) => c.startsWith('open wx')).map((c) => c.split(' ')[2]);
    expect(new Set(temps).size).toBe(2);
    expect(readdirSync(dir.path)).toEqual(['a.json']);
  });

  it('deletes by renaming the JSON, then the journal, to trash and fsyncing the directory; removes them for good (journal first) after the undo window', async () => {
    const { dir, calls, open } = setup({ now: () => 1_700_000_000_000, undoWindowMs: 50 });
    const store = open();
    await store.load();
    const { id } = await store.create();
    await store.addMessages(id, [message('user', 'x'.repeat(5000))]);
    await store.addMessages(id, [message('user', 'Hello')]);
    calls.length = 0;
    expect(await store.delete(id)).toBe(true);
    const json = `${id}.json.deleted-1700000000000`;
    const journal = `${id}.journal.deleted-1700000000000`;
    expect(calls).toEqual([
      `rename ${id}.json ${json}`,
      `rename ${id}.journal ${journal}`,
      'fsync dir',
    ]);
    expect(readdirSync(dir).sort()).toEqual([journal, json].sort());
    calls.length = 0;
    await eventually(() => readdirSync(dir).length === 0, 'the trash is purged');
    expect(calls).toEqual([`remove ${journal}`, `remove ${json}`, 'fsync dir']);
  });

  it('sets a corrupt file aside and fsyncs the directory before loading goes on', async () => {
    const { dir, calls, open } = setup();
    const id = crypto.randomUUID();
    writeFileSync(join(dir, `${id}.json`), '{"id": "torn');
    const store = open();
    await store.load();
    const aside = calls.find((c) => c.startsWith('rename'))?.split(' ')[2] ?? '';
    expect(calls.slice(calls.indexOf(`rename ${id}.json ${aside}`))).toEqual([
      `rename ${id}.json ${aside}`,
      'fsync dir',
    ]);
    expect(aside).toMatch(new RegExp(`^${id}\\.json\\.corrupt-`));
  });

  it('fsyncs a prompt in the journal before addMessages resolves, and streamed text only every textSyncMs', async () => {
    let clock = 0;
    const { calls, open } = setup({ saveIntervalMs: 5, textSyncMs: 1000, monotonic: () => clock });
    const store = open();
    await store.load();
    const { id } = await store.create();
    await store.addMessages(id, [message('user', 'x'.repeat(5000))]);
    calls.length = 0;
    const answer = message('assistant', '', { status: 'streaming' });
    await store.addMessages(id, [message('user', 'Hi'), answer]);
    expect(calls).toEqual([
      `open wx ${id}.journal`,
      `write ${id}.journal`,
      `fsync ${id}.journal`,
      `close ${id}.journal`,
      'fsync dir',
    ]);
    calls.length = 0;
    clock = 100;
    const journalWrites = () => calls.filter((c) => c === `close ${id}.journal`).length;
    for (let tick = 1; tick <= 5; tick++) {
      store.appendText(id, answer.id, 'tok ');
      // Closed: the write and its fsync decision are done before the clock moves.
      await eventually(() => journalWrites() === tick, `text write ${tick}`);
      clock += 300;
    }
    const journalSyncs = () => calls.filter((c) => c === `fsync ${id}.journal`).length;
    // 1200 ms of streaming with a sync at most every 1000 ms.
    expect(journalSyncs()).toBe(1);
    await store.updateMessage(id, answer.id, { status: 'complete' });
    expect(journalSyncs()).toBe(2);
  });

  it('after a clean shutdown, a restart replays the journal and appends to it without rewriting the conversation', async () => {
    const { calls, open } = setup();
    const first = open();
    await first.load();
    const { id } = await first.create();
    await first.addMessages(id, [message('user', 'x'.repeat(5000))]);
    const answer = message('assistant', 'Done.');
    await first.addMessages(id, [message('user', 'Hi'), answer]);
    await first.dispose();
    calls.length = 0;
    const second = open();
    await second.load();
    expect(second.get(id)?.messages.at(-1)?.text).toBe('Done.');
    await second.updateMessage(id, answer.id, { text: 'Done. Really.' });
    expect(calls).toEqual([
      `open a ${id}.journal`,
      `write ${id}.journal`,
      `fsync ${id}.journal`,
      `close ${id}.journal`,
    ]);
  });

  it('refuses an id that is not a UUID before it touches the disk, naming the id and not a path', async () => {
    const { dir, calls, open } = setup();
    const store = open();
    await store.load();
    const { id } = await store.create();
    calls.length = 0;
    const bad = ['../../etc/passwd', id.toUpperCase(), `${id}.json`, ''];
    for (const wrong of bad) {
      for (const attempt of [
        () => store.delete(wrong),
        () => store.addMessages(wrong, [message('user', 'Hi')]),
        () => store.updateMessage(wrong, crypto.randomUUID(), { status: 'complete' }),
        async () => store.get(wrong),
      ]) {
        const error = await attempt().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(ApiFailure);
        expect(error).toMatchObject({ code: 'bad_request' });
        expect((error as Error).message).toContain('is not a valid conversation id');
        expect((error as Error).message).not.toContain(dir);
      }
    }
    await expect(store.addMessages(id, [{ ...message('user', 'Hi'), id: 'm1' }])).rejects.toThrow(
      '"m1" is not a valid message id: expected a UUID',
    );
    expect(calls).toEqual([]);
    expect(store.get(id)?.messages).toEqual([]);
  });
});
