// On a real, tiny filesystem that fills up: a tmpfs of 256 KiB, mounted for
// these tests. Mounting needs root (as in CI); elsewhere they are skipped.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '../../shared/api';
import { eventually, savedConversation } from '../../testing/savedConversation';
import { cleanupsAfterEach, conversationFolder, message } from '../../testing/conversationStores';
import { canMount, fillDisk, mountTmpfs, needsMount } from '../../testing/tmpfs';

const root = canMount;
let mount = '';
let unmount: (() => void) | undefined;

beforeAll(() => {
  if (!root) return;
  mount = mkdtempSync(join(tmpdir(), 'hearth-full-disk-'));
  unmount = mountTmpfs(mount, '256k');
});

afterAll(() => {
  unmount?.();
  if (mount) rmdirSync(mount);
});

const cleanups = cleanupsAfterEach();

/** Fills the tmpfs; returns how to free the space again (also done after the test). */
function fillTmpfs(): () => void {
  const free = fillDisk(mount);
  cleanups.push(free);
  return free;
}

function setup() {
  const dir = join(mount, `conversations-${crypto.randomUUID().slice(0, 8)}`);
  mkdirSync(dir);
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return conversationFolder(cleanups, {
    dir,
    store: { saveIntervalMs: 10 },
    ignoreFailedLastSave: true,
  });
}

describe('ConversationStore on a full disk', () => {
  it.skipIf(!root)(
    needsMount(
      'starts with unsaved repairs in memory, refuses a prompt without a phantom, and saves once space returns',
    ),
    async () => {
      const { dir, logger, open } = setup();
      // A Hearth that died in the middle of two answers.
      const before = open();
      await before.load();
      const answers = new Map<string, Message>();
      for (let i = 0; i < 2; i++) {
        const { id } = await before.create();
        const answer = message('assistant', '', { status: 'streaming' });
        await before.addMessages(id, [message('user', `Question ${i}`), answer]);
        before.appendText(id, answer.id, 'Half an answer');
        answers.set(id, answer);
      }
      await before.dispose();
      const [a, b] = [...answers.keys()] as [string, string];

      const freeSpace = fillTmpfs();
      const store = open({ retryMs: 50 });
      await store.load();
      for (const id of [a, b]) {
        expect(store.get(id)?.messages[1]).toMatchObject({
          status: 'interrupted',
          text: 'Half an answer',
        });
        // Not saved yet: the disk still says streaming.
        expect(savedConversation(dir, id).messages[1]?.status).toBe('streaming');
      }
      const unsaved = logger.entries.filter((e) => e.eventType === 'conversations_unsaved');
      expect(unsaved).toHaveLength(1);
      expect(unsaved[0]).toMatchObject({
        level: 'warn',
        context: { count: 2, problem: 'the disk is full' },
      });
      expect(logger.entries.filter((e) => e.level === 'error')).toEqual([]);

      const prompt = [
        message('user', 'Are you there?'),
        message('assistant', '', { status: 'queued' }),
      ];
      await expect(store.addMessages(a, prompt)).rejects.toMatchObject({
        code: 'storage_full',
        message: 'Hearth could not save the conversation: the disk is full',
      });
      expect(store.get(a)?.messages).toHaveLength(2);
      expect(store.list().find((s) => s.id === a)?.messageCount).toBe(2);
      await expect(store.create()).rejects.toMatchObject({ code: 'storage_full' });
      expect(store.size).toBe(2);

      freeSpace();
      // The files land before the retry logs that it is done: wait for both.
      await eventually(
        () =>
          [a, b].every((id) => savedConversation(dir, id).messages[1]?.status === 'interrupted') &&
          logger.entries.some((e) => e.eventType === 'conversations_saved_again'),
        'the retry saved both repairs and said so',
      );
      // No later save wrote the refused prompt.
      expect(savedConversation(dir, a).messages).toHaveLength(2);

      await store.addMessages(a, prompt);
      await store.dispose();
      const after = open();
      await after.load();
      expect(after.get(a)?.messages.map((m) => [m.text, m.status])).toEqual([
        ['Question 0', 'complete'],
        ['Half an answer', 'interrupted'],
        ['Are you there?', 'complete'],
        ['', 'interrupted'],
      ]);
      expect(after.get(b)?.messages).toHaveLength(2);
    },
  );

  it.skipIf(!root)(
    needsMount('dispose completes, releases its timers and rejects when the last save fails'),
    async () => {
      const { dir, logger, open } = setup();
      // Timers far in the future: only dispose can clear them in time for the leak guard.
      const store = open({ saveIntervalMs: 60_000, retryMs: 60_000 });
      await store.load();
      const { id } = await store.create();
      const answer = message('assistant', 'Saved part. ', { status: 'streaming' });
      await store.addMessages(id, [message('user', 'Tell me more'), answer]);

      const freeSpace = fillTmpfs();
      store.appendText(id, answer.id, 'x'.repeat(20_000));
      const outcome = await store.dispose().then(
        () => undefined,
        (error: Error) => error,
      );
      expect(outcome?.message).toBe(
        'Hearth could not save 1 conversation(s) before closing: the disk is full',
      );
      expect(logger.entries).toContainEqual(
        expect.objectContaining({ level: 'error', eventType: 'conversations_not_saved_at_exit' }),
      );
      // Disposing again reports the same outcome and does nothing more.
      await expect(store.dispose()).rejects.toBe(outcome);

      freeSpace();
      const after = open();
      await after.load();
      expect(after.get(id)?.messages[1]).toMatchObject({
        text: 'Saved part. ',
        status: 'interrupted',
      });
      expect(savedConversation(dir, id).messages[1]?.text).toBe('Saved part. ');
    },
  );

  it.skipIf(!root)(
    needsMount('refuses a prompt on a read-only disk with an internal error in plain words'),
    async () => {
      const { open } = setup();
      const store = open();
      await store.load();
      const { id } = await store.create();
      execFileSync('mount', ['-o', 'remount,ro', mount]);
      cleanups.push(() => execFileSync('mount', ['-o', 'remount,rw', mount]));
      await expect(
        store.addMessages(id, [message('user', 'Hello'), message('assistant', '')]),
      ).rejects.toMatchObject({
        code: 'internal',
        message: 'Hearth could not save the conversation: the disk is read-only',
      });
      expect(store.get(id)?.messages).toEqual([]);
    },
  );
});
