// The per-client limits as they run in production: nothing is passed, so the
// defaults hold. The numbers are written out here on purpose: raising or
// removing a default in limits.ts must fail one of these tests.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NO_CALL_ID, type ServerFrame } from '../../shared/wire';
import { createTestHearth } from '../../testing/fakeHearthApi';
import { fixedUuid } from '../../testing/ids';
import { ManualScheduler } from '../../testing/manualScheduler';
import { serveMemoryConnection } from '../../testing/memoryConnection';
import { settle } from '../../testing/memoryLinks';
import type { Principal } from './principal';

const PHONE: Principal = { role: 'device', deviceId: fixedUuid(101) };

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const done of cleanup.splice(0).reverse()) await done();
});

function setup() {
  const clock = new ManualScheduler();
  const fake = createTestHearth({ scheduler: clock });
  cleanup.push(() => fake.hearth.dispose());
  const connect = (principal: Principal = PHONE) => {
    const served = serveMemoryConnection(fake, principal, clock);
    cleanup.push(() => served.dispose());
    const { posted, closed, send } = served;
    let nextId = 1;
    /** Sends a call and waits for its result. */
    const call = async (name: string, args: unknown = {}) => {
      const id = nextId++;
      send({ t: 'call', id, name, args });
      for (let i = 0; i < 50; i++) {
        const found = posted.find((f) => f.t === 'result' && f.id === id);
        if (found) return found;
        await settle();
      }
      throw new Error(`no result for ${name}`);
    };
    send({ t: 'hello' });
    return { posted, closed, send, call };
  };
  return { clock, fake, connect };
}

const pongs = (posted: ServerFrame[]) => posted.filter((f) => f.t === 'pong').length;
const refusedWith = (posted: ServerFrame[], code: string) =>
  posted.filter((f) => f.t === 'result' && !f.ok && f.error.code === code);

describe('the production client limits', () => {
  it('takes a burst of 40 frames, then 20 a second; frames over it are refused unparsed', () => {
    const { clock, connect } = setup();
    const client = connect(); // its hello was the first of the 40
    for (let i = 1; i < 40; i++) client.send({ t: 'ping', id: i });
    expect(pongs(client.posted)).toBe(39);
    const parse = vi.spyOn(JSON, 'parse');
    client.send({ t: 'ping', id: 40 });
    client.send({ t: 'call', id: 41, name: 'listConversations', args: {} });
    expect(parse).not.toHaveBeenCalled();
    expect(refusedWith(client.posted, 'rate_limited')).toEqual([
      expect.objectContaining({ id: NO_CALL_ID }),
      // A call hears about its own refusal by id.
      expect.objectContaining({
        id: 41,
        error: expect.objectContaining({ message: expect.stringMatching(/at most 20 a second/) }),
      }),
    ]);
    clock.advance(49);
    client.send({ t: 'ping', id: 42 });
    expect(pongs(client.posted)).toBe(39);
    clock.advance(1); // 50 ms is one frame at 20 a second
    client.send({ t: 'ping', id: 43 });
    client.send({ t: 'ping', id: 44 });
    expect(pongs(client.posted)).toBe(40);
  });

  it('cuts a flood off after 100 refused frames; its session survives for a resume', () => {
    const { fake, connect } = setup();
    const client = connect();
    for (let i = 1; i < 40 + 100; i++) client.send({ t: 'ping', id: i });
    expect(refusedWith(client.posted, 'rate_limited')).toHaveLength(100);
    expect(client.closed).toEqual([]);
    client.send({ t: 'ping', id: 1000 });
    client.send({ t: 'ping', id: 1001 });
    expect(client.closed).toEqual(['flooding']);
    expect(refusedWith(client.posted, 'rate_limited')).toHaveLength(100);
    expect(fake.logger.entries.filter((e) => e.eventType === 'ws_flood')).toHaveLength(1);
    expect(fake.hearth.clients.counts()).toEqual({ connected: 1, disconnected: 0 });
  });

  it('lets 8 calls of a session wait at once; the 9th is refused until one returns', async () => {
    const { fake, connect } = setup();
    const releases: (() => void)[] = [];
    fake.hearth.handlers.stop = () =>
      new Promise((resolve) => releases.push(() => resolve({ stopped: true })));
    const client = connect();
    for (let id = 1; id <= 9; id++) {
      client.send({ t: 'call', id, name: 'stop', args: { conversationId: fixedUuid(1) } });
    }
    await settle();
    expect(releases).toHaveLength(8);
    expect(refusedWith(client.posted, 'rate_limited')).toEqual([
      expect.objectContaining({
        id: 9,
        error: expect.objectContaining({ message: expect.stringMatching(/at most 8/) }),
      }),
    ]);
    releases[0]?.();
    await settle();
    client.send({ t: 'call', id: 10, name: 'stop', args: { conversationId: fixedUuid(1) } });
    await settle();
    expect(releases).toHaveLength(9);
  });

  it('lets a phone create 10 conversations a minute, across all its sessions', async () => {
    const { clock, connect } = setup();
    const first = connect();
    for (let i = 0; i < 10; i++)
      expect(await first.call('newConversation')).toMatchObject({ ok: true });
    expect(await first.call('newConversation')).toMatchObject({
      ok: false,
      error: {
        code: 'rate_limited',
        message: expect.stringMatching(/At most 10 new conversations a minute/),
      },
    });
    // A new session of the same phone shares its allowance.
    const second = connect();
    expect(await second.call('newConversation')).toMatchObject({ ok: false });
    // The owner's sessions are not this phone's.
    const owner = connect({ role: 'owner' });
    expect(await owner.call('newConversation')).toMatchObject({ ok: true });
    clock.advance(5_999);
    expect(await second.call('newConversation')).toMatchObject({ ok: false });
    clock.advance(1); // one more every 6 s
    expect(await second.call('newConversation')).toMatchObject({ ok: true });
  });
});
