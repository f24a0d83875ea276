// Deleting with undo, on a real folder: the files move to trash and back
// byte for byte, trash goes for good after the window (by the store's timer,
// or at the next start), and a crash in between loses nothing.
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanupsAfterEach, conversationFolder, message } from '../../testing/conversationStores';
import { eventually } from '../../testing/savedConversation';
import type { ConversationStore } from './store';

const cleanups = cleanupsAfterEach();
const PHONE = 'device:7d6c8f3e-1111-4222-8333-944455556666';
const WINDOW = 30_000;

function setup() {
  const clock = { now: 1_700_000_000_000 };
  const folder = conversationFolder(cleanups, {
    store: { now: () => clock.now, undoWindowMs: WINDOW },
  });
  const opened = async () => {
    const store = folder.open();
    await store.load();
    return store;
  };
  const filesOf = (id: string) =>
    readdirSync(folder.dir)
      .filter((name) => name.startsWith(id))
      .sort();
  const bytes = (name: string) => readFileSync(join(folder.dir, name));
  return { ...folder, clock, opened, filesOf, bytes };
}

/** A conversation big enough that its changes go to a journal beside the JSON. */
async function withJournal(store: ConversationStore, startedBy = PHONE) {
  const { id } = await store.create(startedBy);
  await store.addMessages(id, [message('user', 'x'.repeat(5000)), message('assistant', 'Once')]);
  await store.addMessages(id, [message('user', 'And then?'), message('assistant', 'Upon')]);
  return id;
}

const anyone = () => true;

describe('deleting a conversation with undo', () => {
  it('moves its files to trash and back byte for byte, as the same conversation', async () => {
    const { opened, filesOf, bytes } = setup();
    const store = await opened();
    const id = await withJournal(store);
    const files = filesOf(id);
    expect(files).toEqual([`${id}.journal`, `${id}.json`]);
    const before = files.map(bytes);
    const conversation = store.get(id);

    expect(await store.delete(id)).toBe(true);
    expect(store.get(id)).toBeUndefined();
    expect(store.list()).toEqual([]);
    expect(filesOf(id)).toEqual([
      `${id}.journal.deleted-1700000000000`,
      `${id}.json.deleted-1700000000000`,
    ]);

    const summary = await store.restore(id, anyone);
    expect(summary).toMatchObject({ id, messageCount: 4, startedBy: PHONE });
    expect(filesOf(id)).toEqual(files);
    expect(files.map(bytes)).toEqual(before);
    expect(store.get(id)).toEqual(conversation);
    // It carries on as before, and a restart finds all of it.
    await store.addMessages(id, [message('user', 'More')]);
    await store.dispose();
    const again = await opened();
    expect(again.get(id)?.messages.map((m) => m.text)).toEqual([
      'x'.repeat(5000),
      'Once',
      'And then?',
      'Upon',
      'More',
    ]);
  });

  it('refuses to bring a conversation back for a caller its starter rule does not allow, and keeps it in trash', async () => {
    const { opened } = setup();
    const store = await opened();
    const id = await withJournal(store, PHONE);
    await store.delete(id);
    const seen: string[] = [];
    await expect(
      store.restore(id, (startedBy) => (seen.push(startedBy), false)),
    ).rejects.toMatchObject({ code: 'forbidden', message: /Only the device that started/ });
    expect(seen).toEqual([PHONE]);
    expect(store.list()).toEqual([]);
    await expect(store.restore(id, anyone)).resolves.toMatchObject({ id });
  });

  it('removes the trash for good once the undo window has passed, and then refuses to undo in words', async () => {
    const folder = conversationFolder(cleanups, { store: { undoWindowMs: 100 } });
    const store = folder.open();
    await store.load();
    const { id } = await store.create();
    await store.delete(id);
    expect(readdirSync(folder.dir)).toHaveLength(1);
    await eventually(() => readdirSync(folder.dir).length === 0, 'the trash is purged');
    await expect(store.restore(id, anyone)).rejects.toMatchObject({
      code: 'not_found',
      message: /cannot be brought back/,
    });
  });

  it('at start-up removes trash older than the window, and can still undo a younger one', async () => {
    const { opened, clock, filesOf } = setup();
    const first = await opened();
    const old = await withJournal(first);
    const recent = await withJournal(first);
    const recentBefore = first.get(recent);
    await first.delete(old);
    clock.now += 20_000;
    await first.delete(recent);
    await first.dispose();

    clock.now += 15_000; // old: 35 s ago, recent: 15 s ago
    const second = await opened();
    expect(filesOf(old)).toEqual([]);
    expect(second.list()).toEqual([]);
    await expect(second.restore(old, anyone)).rejects.toMatchObject({ code: 'not_found' });
    await expect(second.restore(recent, anyone)).resolves.toMatchObject({ startedBy: PHONE });
    expect(second.get(recent)).toEqual(recentBefore);
  });

  it('at start-up removes trash dated in the future: the clock was wrong, and it must not stay forever', async () => {
    const { opened, clock, filesOf } = setup();
    const first = await opened();
    const { id } = await first.create();
    await first.delete(id);
    await first.dispose();
    clock.now -= 60 * 60_000;
    await opened();
    expect(filesOf(id)).toEqual([]);
  });

  it('loses nothing when a crash cuts a move in half: the journal joins its JSON in trash, and undo brings both back', async () => {
    const { opened, dir, clock, filesOf } = setup();
    const first = await opened();
    const id = await withJournal(first);
    const before = first.get(id);
    await first.dispose();
    // Killed between the two renames of a delete (or of an undo, the other way round).
    renameSync(join(dir, `${id}.json`), join(dir, `${id}.json.deleted-${clock.now}`));

    clock.now += 1000;
    const second = await opened();
    expect(filesOf(id)).toEqual([
      `${id}.journal.deleted-${clock.now - 1000}`,
      `${id}.json.deleted-${clock.now - 1000}`,
    ]);
    expect(second.list()).toEqual([]);
    await second.restore(id, anyone);
    expect(second.get(id)).toEqual(before);
  });

  it('records who started a conversation in its file; a file without it is the owner’s, one with a bad value is set aside', async () => {
    const { opened, dir } = setup();
    const first = await opened();
    const mine = await first.create(PHONE);
    expect(JSON.parse(readFileSync(join(dir, `${mine.id}.json`), 'utf8'))).toMatchObject({
      startedBy: PHONE,
    });
    const old = crypto.randomUUID();
    const bad = crypto.randomUUID();
    const file = (id: string, extra: object) =>
      JSON.stringify({ id, title: 't', createdAt: 1, updatedAt: 1, messages: [], ...extra });
    writeFileSync(join(dir, `${old}.json`), file(old, {}));
    writeFileSync(join(dir, `${bad}.json`), file(bad, { startedBy: 'device:../../etc' }));
    await first.dispose();

    const second = await opened();
    expect(second.starterOf(mine.id)).toBe(PHONE);
    expect(second.starterOf(old)).toBe('owner');
    expect(second.list().find((s) => s.id === old)?.startedBy).toBe('owner');
    expect(second.starterOf(bad)).toBeUndefined();
    expect(readdirSync(dir).some((name) => name.startsWith(`${bad}.json.corrupt-`))).toBe(true);
    expect(existsSync(join(dir, `${bad}.json`))).toBe(false);
  });
});
