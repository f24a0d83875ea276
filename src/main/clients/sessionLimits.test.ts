// The session limits as they run in production: nothing is passed, so the
// defaults hold. The numbers are written out on purpose: raising or removing a
// default in limits.ts must fail one of these tests.
import { afterEach, describe, expect, it } from 'vitest';
import type { HearthEvent } from '../../shared/api';
import { createTestHearth } from '../../testing/fakeHearthApi';
import { fixedUuid } from '../../testing/ids';
import { ManualScheduler } from '../../testing/manualScheduler';
import { memoryLink, settle } from '../../testing/memoryLinks';
import type { Principal } from './principal';

const KiB = 1024;
const SECOND = 1000;
const OWNER: Principal = { role: 'owner' };

const disposers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const dispose of disposers.splice(0)) await dispose();
});

function setup() {
  const clock = new ManualScheduler();
  const fake = createTestHearth({ scheduler: clock });
  disposers.push(() => fake.hearth.dispose());
  const { clients: sessions } = fake.hearth;
  const open = (hello: Parameters<typeof sessions.open>[0] = { t: 'hello' }) => {
    const wire = memoryLink();
    const session = sessions.open(hello, OWNER, wire.link);
    return { wire, session };
  };
  return { clock, fake, sessions, open };
}

/** An event every client is sent, whose JSON is exactly `bytes` long. */
function eventOf(bytes: number, n: number): HearthEvent {
  const summary = { id: fixedUuid(n), title: '', updatedAt: 1, messageCount: 0 };
  const overhead = Buffer.byteLength(
    JSON.stringify({ type: 'conversations', conversations: [summary] }),
  );
  return {
    type: 'conversations',
    conversations: [{ ...summary, title: 'x'.repeat(bytes - overhead) }],
  };
}

describe('the production session limits', () => {
  it('keeps a disconnected session 5 minutes, and sweeps it away on the next minute tick', () => {
    const { clock, sessions, open } = setup();
    clock.advance(90 * SECOND);
    const { wire, session } = open();
    if (!session) throw new Error('no session');
    sessions.detach(session, wire.link);
    // Expires at 6:30; the sweeps run every minute from the start: 7:00 is the first after.
    clock.advance(5 * 60 * SECOND - 1);
    expect(sessions.counts().disconnected).toBe(1);
    clock.advance(30 * SECOND);
    expect(sessions.counts().disconnected).toBe(1);
    clock.advance(30 * SECOND);
    expect(sessions.counts().disconnected).toBe(0);
  });

  it('holds 256 sessions: with all connected the next is refused; else the oldest disconnected goes', () => {
    const { sessions, open } = setup();
    const made = [];
    for (let i = 0; i < 256; i++) made.push(open());
    const refused = open();
    expect(refused.session).toBeUndefined();
    expect(refused.wire.closed).toEqual(['too_many']);
    const [first, second] = made;
    if (!first?.session || !second?.session) throw new Error('no session');
    sessions.detach(second.session, second.wire.link);
    sessions.detach(first.session, first.wire.link);
    expect(open().session).toBeDefined();
    // The one that disconnected first is the one evicted.
    expect(sessions.get(second.session.id)).toBeUndefined();
    expect(sessions.get(first.session.id)).toBeDefined();
  });

  it('replays up to 2000 missed events; one more makes it a snapshot', async () => {
    const { fake, sessions, open } = setup();
    const { wire, session } = open();
    if (!session) throw new Error('no session');
    await settle();
    const secret = wire.welcome().secret;
    sessions.detach(session, wire.link);
    for (let n = 1; n <= 2001; n++) fake.events.fire(eventOf(200, n));
    const resume = (lastSeq: number) => {
      const back = open({ t: 'hello', resume: { sessionId: session.id, secret, lastSeq } });
      return back.wire;
    };
    const fromOne = resume(1);
    expect(fromOne.events()).toHaveLength(2000);
    expect(fromOne.snapshots()).toEqual([]);
    const fromZero = resume(0);
    await settle();
    expect(fromZero.events()).toEqual([]);
    expect(fromZero.snapshots()).toHaveLength(1);
  });

  it('holds at most 512 KiB of missed events', async () => {
    const { fake, sessions, open } = setup();
    const { wire, session } = open();
    if (!session) throw new Error('no session');
    await settle();
    sessions.detach(session, wire.link);
    for (let n = 1; n <= 65; n++) fake.events.fire(eventOf(8 * KiB, n));
    expect(session.held).toEqual({ frames: 64, bytes: 512 * KiB });
  });
});
