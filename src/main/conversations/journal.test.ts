import { spawn } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Message } from '../../shared/api';
import { tempDir } from '../../testing/inferenceFixtures';
import { eventually, savedConversation } from '../../testing/savedConversation';
import { cleanupsAfterEach, conversationFolder, message } from '../../testing/conversationStores';
import { ConversationStore } from './store';

const cleanups = cleanupsAfterEach();

const setup = () => conversationFolder(cleanups, { store: { saveIntervalMs: 20 } });

/** A conversation of 50 earlier messages (about 20 KB on disk), and its streaming answer. */
async function longConversation(store: ConversationStore) {
  const { id } = await store.create();
  const earlier = Array.from({ length: 50 }, (_, i) =>
    message(i % 2 ? 'assistant' : 'user', `${i} ${'words '.repeat(60)}`),
  );
  await store.addMessages(id, earlier);
  const answer = message('assistant', '', { status: 'streaming' });
  await store.addMessages(id, [message('user', 'And then?'), answer]);
  return { id, answer };
}

const journalOf = (dir: string, id: string) => join(dir, `${id}.journal`);
const jsonOf = (dir: string, id: string) => join(dir, `${id}.json`);

describe('ConversationStore journal', () => {
  it('streams text into the journal, leaves the large conversation file alone, and a copy taken mid-answer replays it', async () => {
    const { dir, open } = setup();
    const store = open();
    await store.load();
    const { id, answer } = await longConversation(store);
    const fileBefore = readFileSync(jsonOf(dir, id), 'utf8');
    for (let i = 0; i < 100; i++) {
      store.appendText(id, answer.id, 'tok ');
      if (i % 20 === 0) await new Promise((r) => setTimeout(r, 30));
    }
    await eventually(
      () => savedConversation(dir, id).messages.at(-1)?.text === 'tok '.repeat(100),
      'the text reached the journal',
    );
    expect(readFileSync(jsonOf(dir, id), 'utf8')).toBe(fileBefore);
    // The journal holds the prompt and 400 characters of text, with little overhead.
    expect(statSync(journalOf(dir, id)).size).toBeLessThan(1000);

    // What kill -9 would leave: both files as they are right now.
    const copyDir = tempDir();
    cleanups.push(copyDir.remove);
    const copy = copyDir.path;
    cpSync(dir, copy, { recursive: true });
    const restarted = open({ dir: copy });
    await restarted.load();
    expect(restarted.get(id)?.messages.at(-1)).toMatchObject({
      text: 'tok '.repeat(100),
      status: 'interrupted',
    });
    // The restart folds the journal in and says so on disk.
    expect(existsSync(journalOf(copy, id))).toBe(false);
    expect(savedConversation(copy, id).messages.at(-1)?.status).toBe('interrupted');
  });

  it('folds the journal into the conversation file once it outgrows it, and removes the journal', async () => {
    const { dir, open } = setup();
    const store = open();
    await store.load();
    const { id, answer } = await longConversation(store);
    expect(existsSync(journalOf(dir, id))).toBe(true);
    const jsonSize = statSync(jsonOf(dir, id)).size;
    const long = 'a long answer '.repeat(Math.ceil((jsonSize * 5) / 14));
    store.appendText(id, answer.id, long);
    await eventually(() => !existsSync(journalOf(dir, id)), 'the journal was folded in');
    const onDisk = JSON.parse(readFileSync(jsonOf(dir, id), 'utf8'));
    expect(onDisk.messages.at(-1).text).toBe(long);
    // The next change starts a new journal on top of the new file.
    await store.updateMessage(id, answer.id, { status: 'complete' });
    expect(existsSync(journalOf(dir, id))).toBe(true);
    expect(savedConversation(dir, id).messages.at(-1)).toMatchObject({
      text: long,
      status: 'complete',
    });
  });

  it('does not apply twice a journal whose conversation file was already rewritten', async () => {
    const { dir, open } = setup();
    const store = open();
    await store.load();
    const { id, answer } = await longConversation(store);
    store.appendText(id, answer.id, 'Once upon a time');
    await store.flush();
    const oldJournal = readFileSync(journalOf(dir, id), 'utf8');
    store.appendText(id, answer.id, ' there was'.repeat(10_000));
    await eventually(() => !existsSync(journalOf(dir, id)), 'the journal was folded in');
    await store.dispose();
    // A crash after the rewrite and before the old journal was removed.
    writeFileSync(journalOf(dir, id), oldJournal);

    const restarted = open();
    await restarted.load();
    expect(restarted.get(id)?.messages.at(-1)?.text).toBe(
      `Once upon a time${' there was'.repeat(10_000)}`,
    );
    expect(restarted.get(id)?.messages).toHaveLength(52);
  });

  it('ignores a torn last journal line and keeps every line before it', async () => {
    const { dir, open } = setup();
    const store = open();
    await store.load();
    const { id, answer } = await longConversation(store);
    store.appendText(id, answer.id, 'Kept.');
    await store.updateMessage(id, answer.id, { status: 'stopped' });
    await store.dispose();
    // The write of the next line was cut short.
    appendFileSync(journalOf(dir, id), '{"i":51,"t":" Lost');

    const restarted = open();
    await restarted.load();
    expect(restarted.get(id)?.messages.at(-1)).toMatchObject({ text: 'Kept.', status: 'stopped' });
    expect(restarted.get(id)?.messages).toHaveLength(52);
  });

  it('after kill -9 of a process streaming an answer, a restart has all the text it had appended', async () => {
    const { dir, open } = setup();
    const script = `
      import { ConversationStore } from ${JSON.stringify(new URL('./store.ts', import.meta.url).href)};
      const logger = { log() {}, info() {}, warn() {}, error() {}, critical() {}, debug() {} };
      const store = new ConversationStore({ dir: process.argv[1], logger, saveIntervalMs: 20 });
      await store.load();
      const { id } = await store.create();
      const filler = 'words '.repeat(200);
      const earlier = Array.from({ length: 20 }, (_, i) => ({
        id: crypto.randomUUID(), role: i % 2 ? 'assistant' : 'user', text: filler,
        status: 'complete', createdAt: Date.now(),
      }));
      await store.addMessages(id, earlier);
      const answerId = crypto.randomUUID();
      await store.addMessages(id, [{ id: answerId, role: 'assistant', text: '', status: 'streaming', createdAt: Date.now() }]);
      for (let i = 0; i < 200; i++) {
        store.appendText(id, answerId, 'tok ');
        await new Promise((r) => setTimeout(r, 1));
      }
      await new Promise((r) => setTimeout(r, 100));
      process.stdout.write(JSON.stringify({ id, answerId }) + '\\n');
      setInterval(() => store.appendText(id, answerId, ''), 1000);
    `;
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script, dir],
      { cwd: resolve(import.meta.dirname, '../../..') },
    );
    cleanups.push(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const ids = await new Promise<{ id: string; answerId: string }>((ok, fail) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) ok(JSON.parse(out.split('\n')[0] ?? ''));
      });
      child.on('exit', () => fail(new Error(`child exited early: ${stderr}`)));
    });
    await new Promise<void>((ok) => {
      child.on('exit', () => ok());
      child.kill('SIGKILL');
    });
    // The answer was streamed into the journal, not into the conversation file.
    const json = JSON.parse(readFileSync(jsonOf(dir, ids.id), 'utf8'));
    expect(json.messages.find((m: Message) => m.id === ids.answerId)?.text ?? '').toBe('');

    const store = open();
    await store.load();
    expect(store.get(ids.id)?.messages.at(-1)).toMatchObject({
      id: ids.answerId,
      text: 'tok '.repeat(200),
      status: 'interrupted',
    });
  }, 30_000);
});
