// The session layer on its own: new sessions, resume with replay or snapshot,
// refusals that give a new session, expiry, takeover, and forgetting a phone.
import { afterEach, describe, expect, it } from 'vitest';
import type { HearthEvent } from '../../shared/api';
import type { HelloFrame } from '../../shared/wire';
import { createTestHearth, type TestHearthOptions } from '../../testing/fakeHearthApi';
import { fixedUuid } from '../../testing/ids';
import { ManualScheduler } from '../../testing/manualScheduler';
import { memoryLink, settle } from '../../testing/memoryLinks';
import type { Principal } from './principal';

const PHONE: Principal = { role: 'device', deviceId: fixedUuid(101), deviceName: 'Phone' };
const OTHER_PHONE: Principal = { role: 'device', deviceId: fixedUuid(102) };
const OWNER: Principal = { role: 'owner' };
const MINUTE = 60_000;
const HELLO: HelloFrame = { t: 'hello' };

const disposers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const dispose of disposers.splice(0)) await dispose();
});

function setup(options: TestHearthOptions = {}) {
  const clock = new ManualScheduler();
  const fake = createTestHearth({ scheduler: clock, ...options });
  disposers.push(() => fake.hearth.dispose());
  const { clients: sessions } = fake.hearth;
  /** Opens a session for principal with a fresh link; resolves once it is caught up. */
  const connect = async (principal: Principal, hello: HelloFrame = HELLO) => {
    const wire = memoryLink();
    const session = sessions.open(hello, principal, wire.link);
    await settle();
    if (!session) throw new Error('no session');
    return { wire, session, secret: wire.welcome().secret };
  };
  const deleted = (n: number): HearthEvent => ({
    type: 'conversationDeleted',
    conversationId: fixedUuid(n),
  });
  return { clock, fake, sessions, connect, deleted };
}

describe('Clients', () => {
  it('welcomes a new session as new, sends a snapshot at seq 0, then numbers live events from 1', async () => {
    const { fake, connect, deleted } = setup();
    await fake.hearth.handlers.newConversation({}, { clientId: 'x', role: 'owner' });
    const { wire, session } = await connect(PHONE);
    expect(wire.frames.map((f) => f.t)).toEqual(['welcome', 'snapshot']);
    expect(wire.welcome()).toMatchObject({ sessionId: session.id, resumed: false, role: 'device' });
    expect(wire.welcome().secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const [snapshot] = wire.snapshots();
    expect(snapshot?.seq).toBe(0);
    expect(snapshot?.snapshot.conversations).toHaveLength(1);
    expect(snapshot?.open).toBeUndefined();
    fake.events.fire(deleted(1));
    fake.events.fire(deleted(2));
    expect(wire.events().map((f) => f.seq)).toEqual([1, 2]);
  });

  it('replays the events missed after lastSeq in order, each once, before live ones', async () => {
    const { fake, sessions, connect, deleted } = setup();
    const first = await connect(PHONE);
    for (let n = 1; n <= 3; n++) fake.events.fire(deleted(n));
    // The phone processed up to 1, then its link dropped; events keep coming.
    sessions.detach(first.session, first.wire.link);
    for (let n = 4; n <= 6; n++) fake.events.fire(deleted(n));
    const back = memoryLink();
    const resumed = sessions.open(
      { t: 'hello', resume: { sessionId: first.session.id, secret: first.secret, lastSeq: 1 } },
      PHONE,
      back.link,
    );
    fake.events.fire(deleted(7));
    expect(resumed).toBe(first.session);
    expect(back.welcome()).toMatchObject({ sessionId: first.session.id, resumed: true });
    expect(back.snapshots()).toEqual([]);
    expect(
      back.events().map((f) => [f.seq, (f.event as { conversationId: string }).conversationId]),
    ).toEqual([2, 3, 4, 5, 6, 7].map((n) => [n, fixedUuid(n)]));
  });

  it('sends a snapshot at the current seq when the missed events are no longer held', async () => {
    const { fake, sessions, connect, deleted } = setup({ sessionLimits: { replayFrames: 3 } });
    const first = await connect(OWNER);
    sessions.detach(first.session, first.wire.link);
    for (let n = 1; n <= 5; n++) fake.events.fire(deleted(n));
    const back = memoryLink();
    sessions.open(
      { t: 'hello', resume: { sessionId: first.session.id, secret: first.secret, lastSeq: 1 } },
      OWNER,
      back.link,
    );
    fake.events.fire(deleted(6));
    await settle();
    expect(back.welcome().resumed).toBe(true);
    // Never a silent gap: the whole state, then everything after it.
    expect(back.frames.map((f) => f.t)).toEqual(['welcome', 'snapshot', 'event']);
    expect(back.snapshots()[0]?.seq).toBe(5);
    expect(back.events()[0]?.seq).toBe(6);
  });

  it.each([
    [
      'a wrong secret',
      (s: { id: string; secret: string }) => ({ ...s, secret: 'x'.repeat(43) }),
      PHONE,
    ],
    ['an unknown id', (s: { id: string; secret: string }) => ({ ...s, id: 'y'.repeat(22) }), PHONE],
    ['the right secret from another phone', (s: { id: string; secret: string }) => s, OTHER_PHONE],
    ['the right secret from the owner', (s: { id: string; secret: string }) => s, OWNER],
  ])('gives %s a new session and leaves the old one to its phone', async (_why, alter, who) => {
    const { sessions, connect } = setup();
    const mine = await connect(PHONE);
    sessions.detach(mine.session, mine.wire.link);
    const { id, secret } = alter({ id: mine.session.id, secret: mine.secret });
    const stranger = await connect(who, {
      t: 'hello',
      resume: { sessionId: id, secret, lastSeq: 0 },
    });
    expect(stranger.session.id).not.toBe(mine.session.id);
    expect(stranger.wire.welcome()).toMatchObject({ resumed: false, role: who.role });
    expect(stranger.wire.snapshots()).toHaveLength(1);
    // The phone itself still gets its own session back.
    const back = await connect(PHONE, {
      t: 'hello',
      resume: { sessionId: mine.session.id, secret: mine.secret, lastSeq: 0 },
    });
    expect(back.session).toBe(mine.session);
  });

  it('expires a session 5 minutes after its link drops; the phone then starts anew and finds its history', async () => {
    const { clock, fake, sessions, connect } = setup();
    const first = await connect(PHONE);
    const created = await first.session.call({
      t: 'call',
      id: 1,
      name: 'newConversation',
      args: {},
    });
    sessions.detach(first.session, first.wire.link);
    expect(sessions.counts()).toEqual({ connected: 0, disconnected: 1 });
    clock.advance(5 * MINUTE - 1);
    expect(sessions.get(first.session.id)).toBe(first.session);
    clock.advance(MINUTE); // the next sweep
    expect(sessions.get(first.session.id)).toBeUndefined();
    expect(sessions.counts()).toEqual({ connected: 0, disconnected: 0 });
    const resume = { sessionId: first.session.id, secret: first.secret, lastSeq: 0 };
    const later = await connect(PHONE, { t: 'hello', resume });
    expect(later.session.id).not.toBe(first.session.id);
    expect(later.wire.welcome().resumed).toBe(false);
    expect(later.wire.snapshots()[0]?.snapshot.conversations.map((c) => c.id)).toEqual([
      (created as { value: { id: string } }).value.id,
    ]);
    expect(fake.logger.entries.some((e) => e.eventType === 'session_ended')).toBe(true);
  });

  it('closes the older link when a second connection resumes the same session (half-open link)', async () => {
    const { fake, sessions, connect, deleted } = setup();
    const first = await connect(PHONE);
    // The old link never dropped from the server's point of view.
    const second = memoryLink();
    sessions.open(
      { t: 'hello', resume: { sessionId: first.session.id, secret: first.secret, lastSeq: 0 } },
      PHONE,
      second.link,
    );
    expect(first.wire.closed).toEqual(['taken_over']);
    fake.events.fire(deleted(1));
    expect(first.wire.events()).toEqual([]);
    expect(second.events().map((f) => f.seq)).toEqual([1]);
    // The old connection going away later does not disconnect the session.
    sessions.detach(first.session, first.wire.link);
    expect(sessions.counts()).toEqual({ connected: 1, disconnected: 0 });
  });

  it("ends a forgotten phone's sessions at once: its links close and a resume gets nothing", async () => {
    const { sessions, connect } = setup();
    const phone = await connect(PHONE);
    const owner = await connect(OWNER);
    const told: string[] = [];
    sessions.onForget((deviceId) => told.push(deviceId));
    sessions.forgetDevice(PHONE.deviceId as string);
    expect(told).toEqual([PHONE.deviceId]);
    expect(phone.wire.closed).toEqual(['forgotten']);
    expect(owner.wire.closed).toEqual([]);
    expect(sessions.get(phone.session.id)).toBeUndefined();
    expect(sessions.counts()).toEqual({ connected: 1, disconnected: 0 });
  });

  it('frees acknowledged events, and still replays the ones not acknowledged', async () => {
    const { fake, sessions, connect, deleted } = setup();
    const first = await connect(PHONE);
    for (let n = 1; n <= 4; n++) fake.events.fire(deleted(n));
    expect(first.session.held.frames).toBe(4);
    first.session.acknowledge(3);
    expect(first.session.held.frames).toBe(1);
    sessions.detach(first.session, first.wire.link);
    const back = await connect(PHONE, {
      t: 'hello',
      resume: { sessionId: first.session.id, secret: first.secret, lastSeq: 3 },
    });
    expect(back.wire.events().map((f) => f.seq)).toEqual([4]);
  });

  it('gives a phone at most 8 sessions: a ninth evicts its oldest one not connected', async () => {
    const { sessions, connect } = setup();
    const made = [];
    for (let i = 0; i < 8; i++) {
      const one = await connect(PHONE);
      sessions.detach(one.session, one.wire.link);
      made.push(one.session.id);
    }
    await connect(PHONE);
    expect(sessions.get(made[0] as string)).toBeUndefined();
    expect(made.slice(1).every((id) => sessions.get(id))).toBe(true);
    expect(sessions.counts()).toEqual({ connected: 1, disconnected: 7 });
  });
});
