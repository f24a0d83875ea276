import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { Conversation } from '../../shared/api';
import { tempDir } from '../../testing/inferenceFixtures';
import { cleanupsAfterEach, conversationFolder } from '../../testing/conversationStores';

const cleanups = cleanupsAfterEach();

it('after kill -9 mid-answer, completed messages survive and the partial answer is marked interrupted', async () => {
  const dir = tempDir();
  cleanups.push(dir.remove);
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join('src', 'testing', 'crashChild.ts'), dir.path],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('exit', (_code, signal) => resolve(signal)),
  );
  const ids = await new Promise<{ conversationId: string; messageId: string }>(
    (resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0] as string));
      });
      void exited.then(() => reject(new Error(`child exited early: ${stderr}`)));
    },
  );
  const file = join(dir.path, 'conversations', `${ids.conversationId}.json`);
  const partialOnDisk = () => {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Conversation;
    return saved.messages.find((m) => m.id === ids.messageId);
  };
  // Kill once the streaming answer has partial text on disk.
  for (let i = 0; i < 200; i++) {
    const m = partialOnDisk();
    if (m?.status === 'streaming' && m.text.length > 20) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  expect(partialOnDisk()?.status).toBe('streaming');
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');

  const store = conversationFolder(cleanups, { dir: join(dir.path, 'conversations') }).open();
  await store.load();
  const messages = store.get(ids.conversationId)?.messages ?? [];
  expect(messages.map((m) => [m.role, m.status])).toEqual([
    ['user', 'complete'],
    ['assistant', 'complete'],
    ['user', 'complete'],
    ['assistant', 'interrupted'],
  ]);
  expect(messages[1]?.text.length).toBeGreaterThan(0);
  expect(messages[3]?.text.length).toBeGreaterThan(20);
}, 60_000);
