// The answer book's limits through the real session layer, service and engine on
// the fixture model: a phone's share counts across all its sessions, the queue
// has a cap as a whole, and a phone that is forgotten or whose session expires
// leaves no answers behind. Cooling holds new answers, so they stay queued
// until the test lets them run.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { HearthEvent, Message } from '../../shared/api';
import type { CallOutcome } from '../../shared/wire';
import { manualThrottle, tempDir } from '../../testing/inferenceFixtures';
import { memoryLink } from '../../testing/memoryLinks';
import { appConfig } from '../../testing/serviceFakes';
import { composeTestCore } from '../../testing/testCore';
import type { Client } from '../clients/client';
import type { Principal } from '../clients/principal';
import { AnswerBook } from './answerBook';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Paired phones have UUIDs for ids; each name in a test stands for one. */
const deviceIds = new Map<string, string>();
const idOf = (name: string): string => {
  if (!deviceIds.has(name)) deviceIds.set(name, randomUUID());
  return deviceIds.get(name) as string;
};
const phone = (name: string): Principal => ({ role: 'device', deviceId: idOf(name) });

async function startHeld(answerLimits?: { perClient?: number; total?: number }) {
  const dir = tempDir();
  cleanups.push(dir.remove);
  const throttle = manualThrottle();
  const app = composeTestCore(appConfig(dir.path, { HEARTH_SESSION_EXPIRY_MS: '1000' }), {
    throttle,
    answerLimits,
  });
  cleanups.push(() => app.dispose());
  await app.start();
  await app.engine.whenSettled();
  throttle.set({ hold: 'Cooling: answers wait until the board cools' });
  const finals = new Map<string, Message>();
  app.events.subscribe((event: HearthEvent) => {
    if (event.type === 'message' && !['queued', 'streaming'].includes(event.message.status)) {
      finals.set(event.message.id, event.message);
    }
  });
  const session = (who: Principal) => {
    const memory = memoryLink();
    const opened = app.clients.open({ t: 'hello' }, who, memory.link) as Client;
    return { session: opened, memory };
  };
  const conversation = async (on: Client) => {
    const outcome = await on.call({ t: 'call', id: 1, name: 'newConversation', args: {} });
    if (!outcome.ok) throw new Error(outcome.error.message);
    return (outcome.value as { id: string }).id;
  };
  const prompt = (on: Client, conversationId: string): Promise<CallOutcome> =>
    on.call({ t: 'call', id: 2, name: 'sendPrompt', args: { conversationId, text: 'Once' } });
  return { app, throttle, finals, session, conversation, prompt };
}

function answerId(outcome: CallOutcome): string {
  if (!outcome.ok) throw new Error(outcome.error.message);
  return (outcome.value as { assistantMessageId: string }).assistantMessageId;
}

describe('AnswerBook', () => {
  it('books one answer per conversation, counts each client, and frees both on release', () => {
    const book = new AnswerBook({ perClient: 2, total: 3 });
    const first = book.open({ conversationId: 'c1', messageId: 'm1', client: 'device:a' });
    expect(() => book.open({ conversationId: 'c1', messageId: 'm2', client: 'device:b' })).toThrow(
      /still answering/,
    );
    book.open({ conversationId: 'c2', messageId: 'm3', client: 'device:a' });
    expect(book.waitingFor('device:a')).toBe(2);
    expect(() => book.open({ conversationId: 'c3', messageId: 'm4', client: 'device:a' })).toThrow(
      /already have 2 answers/,
    );
    book.open({ conversationId: 'c3', messageId: 'm5', client: 'device:b' });
    expect(() => book.open({ conversationId: 'c4', messageId: 'm6', client: 'device:c' })).toThrow(
      /already has 3 answers waiting/,
    );
    expect(book.inConversation('c1')).toBe('m1');
    expect(book.of('device:a').sort()).toEqual(['m1', 'm3']);
    first.release();
    first.release();
    expect(book.inConversation('c1')).toBeUndefined();
    expect(book.waitingFor('device:a')).toBe(1);
    expect(book.count).toBe(2);
  });
});

describe('answers in flight, per device and in all', () => {
  it("counts a phone's answers across all its sessions: a new session gets no fresh share", async () => {
    const { session, conversation, prompt } = await startHeld();
    const a = session(phone('p1')).session;
    const b = session(phone('p1')).session;
    const ids = [await conversation(a), await conversation(a), await conversation(b)];
    expect(answerId(await prompt(a, ids[0] as string))).toBeTruthy();
    expect(answerId(await prompt(a, ids[1] as string))).toBeTruthy();
    expect(await prompt(b, ids[2] as string)).toMatchObject({
      ok: false,
      error: { code: 'busy', message: expect.stringMatching(/already have 2 answers/) },
    });
    // Another phone has its own share.
    const other = session(phone('p2')).session;
    expect(answerId(await prompt(other, await conversation(other)))).toBeTruthy();
  });

  it('caps the queue as a whole and says why a prompt was refused', async () => {
    const { session, conversation, prompt } = await startHeld({ perClient: 2, total: 3 });
    const p1 = session(phone('p1')).session;
    const p2 = session(phone('p2')).session;
    answerId(await prompt(p1, await conversation(p1)));
    answerId(await prompt(p1, await conversation(p1)));
    answerId(await prompt(p2, await conversation(p2)));
    expect(await prompt(p2, await conversation(p2))).toMatchObject({
      ok: false,
      error: {
        code: 'busy',
        message: expect.stringMatching(/Hearth already has 3 answers waiting/),
      },
    });
  });

  it("stops a forgotten phone's queued answers and leaves the others queued", async () => {
    const { app, finals, session, conversation, prompt } = await startHeld();
    const gone = session(phone('p1')).session;
    const stays = session(phone('p2')).session;
    const goneAnswers = [
      answerId(await prompt(gone, await conversation(gone))),
      answerId(await prompt(gone, await conversation(gone))),
    ];
    const staying = answerId(await prompt(stays, await conversation(stays)));
    app.clients.forgetDevice(idOf('p1'));
    await expect
      .poll(() => goneAnswers.map((id) => finals.get(id)?.status))
      .toEqual(['stopped', 'stopped']);
    expect(finals.has(staying)).toBe(false);
    expect(app.engine.queuedCount).toBe(1);
  });

  it("stops a phone's answers when its last session expires, not while another is live", async () => {
    const { app, finals, session, conversation, prompt } = await startHeld();
    const first = session(phone('p1'));
    const second = session(phone('p1'));
    const answer = answerId(await prompt(first.session, await conversation(first.session)));
    app.clients.detach(first.session, first.memory.link);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(app.clients.sweep()).toBe(1);
    // The phone still has a live session: its answer stays queued for it.
    expect(finals.has(answer)).toBe(false);
    app.clients.detach(second.session, second.memory.link);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(app.clients.sweep()).toBe(1);
    await expect.poll(() => finals.get(answer)?.status).toBe('stopped');
    expect(app.engine.queuedCount).toBe(0);
  });

  it('lets a stopped answer free its place at once, so the phone can ask again', async () => {
    const { throttle, finals, session, conversation, prompt } = await startHeld({ perClient: 1 });
    const p1 = session(phone('p1')).session;
    const c1 = await conversation(p1);
    const first = answerId(await prompt(p1, c1));
    expect(await prompt(p1, await conversation(p1))).toMatchObject({ ok: false });
    throttle.set({ hold: null });
    await expect.poll(() => finals.get(first)?.status).toBe('complete');
    expect(answerId(await prompt(p1, c1))).toBeTruthy();
  });
});
