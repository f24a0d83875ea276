// Who may delete which conversation, and undo, through the real service and
// store: calls go through dispatch as the transports send them.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AppSnapshot, ConversationSummary, HearthEvent } from '../../shared/api';
import { useCleanups } from '../../testing/cleanups';
import { appConfig } from '../../testing/serviceFakes';
import { composeTestCore } from '../../testing/testCore';
import { dispatch, type CallContext } from '../rpc/dispatch';

const cleanups = useCleanups();

const owner: CallContext = { clientId: 'kiosk', role: 'owner' };
const phoneA: CallContext = {
  clientId: 'a',
  role: 'device',
  deviceId: '7d6c8f3e-1111-4222-8333-944455556666',
};
const phoneB: CallContext = {
  clientId: 'b',
  role: 'device',
  deviceId: '0b1e2f3a-2222-4333-8444-955566667777',
};

async function start(before?: (conversationsDir: string) => void) {
  const dataDir = cleanups.scratchDir('hearth-deletes-');
  before?.(join(dataDir, 'conversations'));
  const app = composeTestCore(appConfig(dataDir));
  cleanups.defer(() => app.dispose());
  const seen: HearthEvent[] = [];
  app.events.subscribe((event) => seen.push(event));
  await app.start();
  const call = (name: string, args: unknown, ctx: CallContext) =>
    dispatch(app.handlers, name, args, ctx);
  const create = async (ctx: CallContext): Promise<string> => {
    const outcome = await call('newConversation', {}, ctx);
    if (!outcome.ok) throw new Error(outcome.error.message);
    return (outcome.value as { id: string }).id;
  };
  const listed = async () =>
    ((await call('listConversations', {}, owner)) as { value: ConversationSummary[] }).value;
  return { app, seen, call, create, listed };
}

const forbidden = {
  ok: false,
  error: { code: 'forbidden', message: expect.stringMatching(/started on another device/) },
};

describe('deleting conversations', () => {
  it('lets a phone delete only what it started, and the owner anything', async () => {
    const { call, create, listed } = await start();
    const fromA = await create(phoneA);
    const fromB = await create(phoneB);
    const fromOwner = await create(owner);

    expect(await call('deleteConversation', { id: fromB }, phoneA)).toEqual(forbidden);
    expect(await call('deleteConversation', { id: fromOwner }, phoneA)).toEqual(forbidden);
    expect((await listed()).map((c) => c.id).sort()).toEqual([fromA, fromB, fromOwner].sort());

    expect(await call('deleteConversation', { id: fromA }, phoneA)).toEqual({
      ok: true,
      value: { ok: true },
    });
    expect((await call('deleteConversation', { id: fromB }, owner)).ok).toBe(true);
    expect((await listed()).map((c) => c.id)).toEqual([fromOwner]);
  });

  it('tells each client who it is and who started each conversation, so it can show Delete where it works', async () => {
    const { call, create } = await start();
    const fromA = await create(phoneA);
    const snapshot = (await call('getSnapshot', {}, phoneA)) as { value: AppSnapshot };
    expect(snapshot.value.viewer).toBe(`device:${phoneA.deviceId}`);
    expect(snapshot.value.conversations).toEqual([
      expect.objectContaining({ id: fromA, startedBy: `device:${phoneA.deviceId}` }),
    ]);
    expect(((await call('getSnapshot', {}, owner)) as { value: AppSnapshot }).value.viewer).toBe(
      'owner',
    );
  });

  it('counts a conversation saved before starters were recorded as the owner’s: no phone may delete it', async () => {
    const id = crypto.randomUUID();
    const { call } = await start((dir) => {
      mkdirSync(dir, { recursive: true });
      const old = { id, title: 'Old', createdAt: 1, updatedAt: 1, messages: [] };
      writeFileSync(join(dir, `${id}.json`), JSON.stringify(old));
    });
    expect(await call('deleteConversation', { id }, phoneA)).toEqual(forbidden);
    expect((await call('deleteConversation', { id }, owner)).ok).toBe(true);
  });

  it('undoes a delete for everyone: the list event brings it back; only those who may delete it may undo', async () => {
    const { call, create, seen, listed } = await start();
    const fromA = await create(phoneA);
    expect((await call('deleteConversation', { id: fromA }, owner)).ok).toBe(true);
    expect(seen).toContainEqual({ type: 'conversationDeleted', conversationId: fromA });

    expect(await call('undoDelete', { id: fromA }, phoneB)).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    seen.length = 0;
    const undone = await call('undoDelete', { id: fromA }, phoneA);
    expect(undone).toMatchObject({ ok: true, value: { id: fromA, messageCount: 0 } });
    const lists = seen.filter((e) => e.type === 'conversations');
    expect(lists.at(-1)?.conversations.map((c) => c.id)).toEqual([fromA]);
    expect((await listed()).map((c) => c.id)).toEqual([fromA]);
    // Once back, there is nothing left to undo.
    expect(await call('undoDelete', { id: fromA }, phoneA)).toMatchObject({
      ok: false,
      error: { code: 'not_found', message: expect.stringMatching(/cannot be brought back/) },
    });
  });
});
