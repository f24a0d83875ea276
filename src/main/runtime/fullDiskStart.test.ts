// A Pi whose SD card filled up must still boot into Hearth: the whole start-up
// (data directory, lock, pairing, services, server) on a real tmpfs filled to
// its last byte before the start, mounted for these tests. Mounting needs root
// (as in CI); elsewhere they are skipped.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmdirSync, rmSync } from 'node:fs';
import { connect as tlsConnect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HearthEvent, Message } from '../../shared/api';
import type { CallOutcome } from '../../shared/wire';
import { conversationsDirectory } from '../conversations/store';
import { dispatch } from '../rpc/dispatch';
import { cleanupsAfterEach } from '../../testing/conversationStores';
import { createMemoryLogger } from '../../testing/loggers';
import { rawGet } from '../../testing/net/rawGet';
import { eventually, savedConversation } from '../../testing/savedConversation';
import { appConfig } from '../../testing/serviceFakes';
import { canMount, fillDisk, mountTmpfs, needsMount } from '../../testing/tmpfs';
import { startHearth, type RunningHearth } from './hearthProcess';

let mount = '';
let unmount: (() => void) | undefined;

beforeAll(() => {
  if (!canMount) return;
  mount = mkdtempSync(join(tmpdir(), 'hearth-full-start-'));
  unmount = mountTmpfs(mount, '1m');
});

afterAll(() => {
  unmount?.();
  if (mount) rmdirSync(mount);
});

const cleanups = cleanupsAfterEach();
const OWNER = { clientId: 'kiosk', role: 'owner' as const };
const DISK_FULL = 'Hearth could not save the conversation: the disk is full';

/** A data directory on the tmpfs, not created yet (start-up creates it). */
function dataDir(): string {
  const dir = join(mount, `data-${randomUUID().slice(0, 8)}`);
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Fills the tmpfs to its last byte; returns how to free it (also done after the test). */
function fillTmpfs(): () => void {
  const free = fillDisk(mount);
  cleanups.push(free);
  return free;
}

async function start(dir: string, env: Record<string, string> = {}) {
  const logger = createMemoryLogger();
  const running = await startHearth({
    config: appConfig(dir, { HEARTH_HOST: '127.0.0.1', HEARTH_PORT: '0', ...env }),
    logger,
    staticDir: join(dir, 'no-ui'),
    processName: 'fullDiskStart.test',
    serverRequired: true,
  });
  let disposed = false;
  const dispose = async (): Promise<void> => {
    if (!disposed) await running.dispose();
    disposed = true;
  };
  cleanups.push(dispose);
  const heard: HearthEvent[] = [];
  cleanups.push(running.hearth.events.subscribe((event) => heard.push(event)));
  expect(await running.hearth.engine.whenSettled()).toMatchObject({ state: 'ready' });
  const call = (name: string, args: unknown = {}): Promise<CallOutcome> =>
    dispatch(running.hearth.handlers, name, args, OWNER);
  /** Sends a prompt that must be accepted; resolves with its answer once that has ended. */
  const answered = async (conversationId: string, text: string): Promise<Message> => {
    const sent = await call('sendPrompt', { conversationId, text });
    if (!sent.ok) throw new Error(`prompt refused: ${sent.error.message}`);
    const { assistantMessageId } = sent.value as { assistantMessageId: string };
    const ended = (): Message | undefined =>
      heard
        .flatMap((e) =>
          e.type === 'message' && e.message.id === assistantMessageId ? [e.message] : [],
        )
        .findLast((m) => m.status !== 'queued' && m.status !== 'streaming');
    await eventually(() => ended() !== undefined, 'the answer ended');
    return ended() as Message;
  };
  return { running, logger, call, answered, dispose };
}

/** What the server says on GET /healthz, over real HTTP. */
async function health(running: RunningHearth): Promise<{ status: number; conversations: number }> {
  const server = running.server;
  if (!server) throw new Error('no server');
  const answer = await rawGet({ host: '127.0.0.1', port: server.port, path: '/healthz' });
  return {
    status: answer.status,
    conversations: (JSON.parse(answer.body) as { conversations: number }).conversations,
  };
}

type MemoryLogger = ReturnType<typeof createMemoryLogger>;

/** Errors and worse: a full disk at start-up must cost warnings only. */
const errors = (logger: MemoryLogger) =>
  logger.entries.filter((e) => !['trace', 'debug', 'info', 'warn'].includes(e.level));

/** How often the lock said it could not name its holder. */
const lockWarnings = (logger: MemoryLogger) =>
  logger.entries.filter((e) => e.level === 'warn' && e.eventType === 'data_dir_lock_unsaved');

describe('Hearth on a full disk', () => {
  // Skipped only without root: mounting the full tmpfs needs it (needsMount says so in the title).
  it.skipIf(!canMount)(
    needsMount(
      'starts with HEARTH_TLS=1 on a full disk: serves https with a certificate kept in memory, with one warning',
    ),
    async () => {
      const dir = dataDir();
      fillTmpfs();
      const { running, logger } = await start(dir, { HEARTH_TLS: '1' });
      const server = running.server;
      if (!server) throw new Error('no server');
      expect(server.url).toMatch(/^https:/);
      // The certificate it serves is the one the pairing sheet shows.
      const served = await new Promise<string>((resolve, reject) => {
        const socket = tlsConnect(
          { host: '127.0.0.1', port: server.port, rejectUnauthorized: false },
          () => {
            resolve(socket.getPeerX509Certificate()?.fingerprint256 ?? '');
            socket.end();
          },
        );
        socket.on('error', reject);
      });
      expect(served).toBe(running.pairing.info().fingerprint);
      expect(
        logger.entries.filter((e) => e.eventType === 'tls_certificate_not_saved'),
      ).toHaveLength(1);
      expect(errors(logger)).toEqual([]);
      expect(existsSync(join(dir, 'tls', 'hearth.pem'))).toBe(false);
    },
  );

  it.skipIf(!canMount)(
    needsMount(
      'starts for the first time on a disk full to the last byte, refuses a conversation in words, and works once space returns',
    ),
    async () => {
      const dir = dataDir();
      const freeSpace = fillTmpfs();
      const { running, logger, call, answered, dispose } = await start(dir);
      // Up and serving, with one warning for the lock that could not name its holder.
      expect(await health(running)).toEqual({ status: 200, conversations: 0 });
      expect(lockWarnings(logger)).toHaveLength(1);
      expect(errors(logger)).toEqual([]);

      // A second Hearth on the same directory is refused, naming the holder's pid.
      await expect(
        startHearth({
          config: appConfig(dir, { HEARTH_HOST: '127.0.0.1', HEARTH_PORT: '0' }),
          logger: createMemoryLogger(),
          staticDir: join(dir, 'no-ui'),
          processName: 'a second Hearth',
          serverRequired: true,
        }),
      ).rejects.toThrow(`${dir} is in use by another Hearth (pid ${process.pid}); stop it first`);

      expect(await call('newConversation')).toEqual({
        ok: false,
        error: { code: 'storage_full', message: DISK_FULL },
      });
      expect(await call('updateSettings', { systemPrompt: 'Be brief.' })).toEqual({
        ok: false,
        error: {
          code: 'storage_full',
          message: 'Hearth could not save the settings: the disk is full',
        },
      });
      expect(await call('listConversations')).toEqual({ ok: true, value: [] });

      freeSpace();
      const created = await call('newConversation');
      if (!created.ok) throw new Error(created.error.message);
      const { id } = created.value as { id: string };
      const answer = await answered(id, 'Once upon a time');
      expect(answer.status).toBe('complete');
      await dispose();
      expect(
        savedConversation(conversationsDirectory(dir), id).messages.map((m) => m.status),
      ).toEqual(['complete', 'complete']);
    },
  );

  it.skipIf(!canMount)(
    needsMount(
      'restarts on a full disk with its saved conversations, refuses a prompt saying the disk is full, and answers it once space returns',
    ),
    async () => {
      const dir = dataDir();
      const before = await start(dir);
      const created = await before.call('newConversation');
      if (!created.ok) throw new Error(created.error.message);
      const { id } = created.value as { id: string };
      await before.answered(id, 'Once upon a time');
      await before.dispose();

      const freeSpace = fillTmpfs();
      const { running, logger, call, answered, dispose } = await start(dir);
      expect(await health(running)).toEqual({ status: 200, conversations: 1 });
      expect(lockWarnings(logger)).toHaveLength(1);
      expect(errors(logger)).toEqual([]);
      const listed = await call('listConversations');
      expect(listed).toMatchObject({
        ok: true,
        value: [{ id, title: 'Once upon a time', messageCount: 2 }],
      });
      const opened = await call('openConversation', { id });
      expect(opened.ok && (opened.value as { messages: Message[] }).messages).toHaveLength(2);

      expect(await call('sendPrompt', { conversationId: id, text: 'And then?' })).toEqual({
        ok: false,
        error: { code: 'storage_full', message: DISK_FULL },
      });

      freeSpace();
      // The same conversation: the refused prompt did not leave it busy.
      const answer = await answered(id, 'And then?');
      expect(answer.status).toBe('complete');
      await dispose();
      expect(
        savedConversation(conversationsDirectory(dir), id).messages.map((m) => [m.text, m.status]),
      ).toEqual([
        ['Once upon a time', 'complete'],
        [expect.any(String), 'complete'],
        ['And then?', 'complete'],
        [answer.text, 'complete'],
      ]);
    },
  );
});
