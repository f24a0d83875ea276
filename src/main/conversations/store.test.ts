import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Message } from '../../shared/api';
import { cleanupsAfterEach, conversationFolder, message } from '../../testing/conversationStores';

const cleanups = cleanupsAfterEach();

function setup(saveIntervalMs = 500) {
  let clock = 1_000_000;
  return conversationFolder(cleanups, {
    store: { saveIntervalMs, now: () => (clock += 1000) },
  });
}

function onDisk(dir: string, id: string): unknown {
  return JSON.parse(readFileSync(join(dir, `${id}.json`), 'utf8'));
}

describe('ConversationStore', () => {
  it('creates, lists (newest first), opens and deletes conversations, and they survive a reload', async () => {
    const { dir, open } = setup();
    const store = open();
    await store.load();
    const a = await store.create();
    const b = await store.create();
    expect(a.title).toBe('New conversation');
    expect(a.id).toMatch(/^[0-9a-f-]{36}$/);
    await store.addMessages(a.id, [
      message(
        'user',
        '  Tell me\na story about   a brave little toaster who crosses the desert at night ',
      ),
      message('assistant', 'Once upon a time'),
    ]);
    const list = store.list();
    expect(list.map((s) => s.id)).toEqual([a.id, b.id]);
    expect(list[0]).toMatchObject({
      title: 'Tell me a story about a brave little toaster who crosses…',
      messageCount: 2,
    });
    // get() hands out a copy: changing it changes nothing stored.
    const copy = store.get(a.id);
    copy?.messages.pop();
    expect(store.get(a.id)?.messages).toHaveLength(2);

    const reloaded = open();
    await reloaded.load();
    expect(reloaded.list()).toEqual(list);
    expect(reloaded.get(a.id)).toEqual(store.get(a.id));

    expect(await reloaded.delete(b.id)).toBe(true);
    expect(await reloaded.delete(b.id)).toBe(false);
    expect(existsSync(join(dir, `${b.id}.json`))).toBe(false);
    expect(reloaded.list().map((s) => s.id)).toEqual([a.id]);
    const third = open();
    await third.load();
    expect(third.size).toBe(1);
  });

  it('saves atomically: a reader never sees a torn file and no temp file is left', async () => {
    const { dir, open } = setup();
    const store = open();
    await store.load();
    const c = await store.create();
    const big = 'x'.repeat(200_000);
    let reading = true;
    let reads = 0;
    const torn: string[] = [];
    const reader = (async () => {
      while (reading) {
        const text = await readFile(join(dir, `${c.id}.json`), 'utf8');
        try {
          JSON.parse(text);
        } catch (error) {
          torn.push((error as Error).message);
        }
        reads++;
      }
    })();
    const m = message('user', big);
    await store.addMessages(c.id, [m]);
    for (let i = 0; i < 100; i++) await store.updateMessage(c.id, m.id, { text: `${i} ${big}` });
    reading = false;
    await reader;
    expect(torn).toEqual([]);
    expect(reads).toBeGreaterThan(10);
    expect(readdirSync(dir)).toEqual([`${c.id}.json`]);
    expect((onDisk(dir, c.id) as { messages: Message[] }).messages[0]?.text).toBe(`99 ${big}`);
  });

  it('saves streamed text periodically, not per token, and at once on a status change', async () => {
    const { dir, open } = setup(150);
    const store = open();
    await store.load();
    const c = await store.create();
    const answer = message('assistant', '', { status: 'streaming' });
    await store.addMessages(c.id, [message('user', 'Hi'), answer]);
    for (let i = 0; i < 100; i++) store.appendText(c.id, answer.id, 'tok ');
    const textOnDisk = () => (onDisk(dir, c.id) as { messages: Message[] }).messages[1]?.text;
    expect(textOnDisk()).toBe('');
    await new Promise((r) => setTimeout(r, 400));
    expect(textOnDisk()).toBe('tok '.repeat(100));
    store.appendText(c.id, answer.id, 'end');
    await store.updateMessage(c.id, answer.id, { status: 'complete' });
    expect((onDisk(dir, c.id) as { messages: Message[] }).messages[1]).toMatchObject({
      status: 'complete',
      text: `${'tok '.repeat(100)}end`,
    });
  });

  it('sets a corrupt or schema-invalid file aside with a warning while the others load', async () => {
    const { dir, open, logger } = setup();
    const first = open();
    await first.load();
    const good = await first.create();
    await first.addMessages(good.id, [message('user', 'Keep me')]);
    await first.dispose();
    const brokenJson = 'aaaaaaaa-0000-4000-8000-000000000001.json';
    const badSchema = 'aaaaaaaa-0000-4000-8000-000000000002.json';
    writeFileSync(join(dir, brokenJson), '{"id": "aaaaaaaa-0000-4000-8000-0000000');
    writeFileSync(
      join(dir, badSchema),
      JSON.stringify({ id: 'aaaaaaaa-0000-4000-8000-000000000002', title: 5, messages: 'no' }),
    );
    writeFileSync(join(dir, 'stale.json.123.1.tmp'), '{"half": ');

    const store = open();
    await store.load();
    expect(store.list().map((s) => s.id)).toEqual([good.id]);
    expect(store.get(good.id)?.messages[0]?.text).toBe('Keep me');
    const files = readdirSync(dir);
    expect(files).not.toContain(brokenJson);
    expect(files).not.toContain(badSchema);
    expect(files.filter((f) => f.startsWith(`${brokenJson}.corrupt-`))).toHaveLength(1);
    expect(files.filter((f) => f.startsWith(`${badSchema}.corrupt-`))).toHaveLength(1);
    expect(files.some((f) => f.endsWith('.tmp'))).toBe(false);
    const warnings = logger.entries.filter((e) => e.eventType === 'conversation_corrupt');
    expect(warnings).toHaveLength(2);
    expect(warnings.every((w) => w.level === 'warn')).toBe(true);
  });

  it('on load, a streaming or queued answer left by a dead process becomes interrupted, text kept', async () => {
    const { dir, open } = setup(60_000);
    const store = open();
    await store.load();
    const c = await store.create();
    const done = message('assistant', 'A whole answer.');
    const streaming = message('assistant', '', { status: 'streaming' });
    const queued = message('assistant', '', { status: 'queued' });
    await store.addMessages(c.id, [
      message('user', 'One'),
      done,
      message('user', 'Two'),
      streaming,
    ]);
    store.appendText(c.id, streaming.id, 'Half an ans');
    await store.flush();
    await store.addMessages(c.id, [message('user', 'Three'), queued]);
    // The process "dies" here: nothing else is saved.

    const after = open();
    await after.load();
    const messages = after.get(c.id)?.messages ?? [];
    expect(messages.map((m) => [m.text, m.status])).toEqual([
      ['One', 'complete'],
      ['A whole answer.', 'complete'],
      ['Two', 'complete'],
      ['Half an ans', 'interrupted'],
      ['Three', 'complete'],
      ['', 'interrupted'],
    ]);
    // The repair is written back, so it does not depend on this process surviving.
    expect(
      (onDisk(dir, c.id) as { messages: Message[] }).messages.map((m) => m.status),
    ).not.toContain('streaming');
  });
});
