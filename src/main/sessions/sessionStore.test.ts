import { afterEach, describe, expect, it } from 'vitest';
import { ManualScheduler } from '../../testing/manualScheduler';
import { SessionLimitError, SessionStore, type SessionEnd } from './sessionStore';

const MINUTE = 60_000;
const stores: SessionStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.dispose();
});

function setup(options: { expireAfterMs?: number; maxSessions?: number } = {}) {
  const clock = new ManualScheduler();
  const store = new SessionStore({ ...options, scheduler: clock });
  stores.push(store);
  const ended: { id: string; why: SessionEnd }[] = [];
  store.onEnd(({ session, why }) => ended.push({ id: session.id, why }));
  return { clock, store, ended };
}

describe('SessionStore', () => {
  it('creates connected sessions with unguessable ids and secrets', () => {
    const { store } = setup();
    const a = store.create('phone-1');
    const b = store.create('phone-1');
    expect(a.session).toMatchObject({ deviceId: 'phone-1', connected: true, expiresAt: undefined });
    // 128 bits of id and 256 bits of secret, base64url.
    expect(a.session.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(a.resumeSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.session.id).not.toBe(b.session.id);
    expect(a.resumeSecret).not.toBe(b.resumeSecret);
    expect(store.counts()).toEqual({ connected: 2, disconnected: 0 });
  });

  it('restores a session for its device with its secret, and it stops expiring', () => {
    const { store, clock } = setup();
    const { session, resumeSecret } = store.create('phone-1');
    store.disconnected(session.id);
    expect(store.get(session.id)?.expiresAt).toBe(clock.now() + 5 * MINUTE);
    clock.advance(4 * MINUTE);
    const restored = store.restore(session.id, resumeSecret, 'phone-1');
    expect(restored).toMatchObject({ ok: true, session: { id: session.id, connected: true } });
    expect(store.counts()).toEqual({ connected: 1, disconnected: 0 });
    clock.advance(60 * MINUTE);
    expect(store.sweep()).toBe(0);
    expect(store.get(session.id)?.connected).toBe(true);
  });

  it('refuses an id without its secret, or with the secret from another device', () => {
    const { store } = setup();
    const mine = store.create('phone-1');
    const theirs = store.create('phone-2');
    const id = mine.session.id;
    expect(store.restore(id, theirs.resumeSecret, 'phone-1')).toEqual({
      ok: false,
      reason: 'wrong_secret',
    });
    expect(store.restore(id, '', 'phone-1')).toEqual({ ok: false, reason: 'wrong_secret' });
    // Another device that learned both id and secret still gets nothing.
    expect(store.restore(id, mine.resumeSecret, 'phone-2')).toEqual({
      ok: false,
      reason: 'other_device',
    });
    expect(store.restore('no-such-session', mine.resumeSecret, 'phone-1')).toEqual({
      ok: false,
      reason: 'unknown',
    });
    expect(store.get(id)).toBeDefined();
  });

  it('expires a session 5 minutes after its client disconnects, and says so on restore', () => {
    const { store, clock, ended } = setup();
    const { session, resumeSecret } = store.create('phone-1');
    store.disconnected(session.id);
    clock.advance(5 * MINUTE);
    expect(store.restore(session.id, resumeSecret, 'phone-1')).toEqual({
      ok: false,
      reason: 'expired',
    });
    expect(ended).toEqual([{ id: session.id, why: 'expired' }]);
    expect(store.restore(session.id, resumeSecret, 'phone-1')).toEqual({
      ok: false,
      reason: 'unknown',
    });
  });

  it('uses the configured expiry', () => {
    const { store, clock } = setup({ expireAfterMs: 30_000 });
    const { session } = store.create('phone-1');
    store.disconnected(session.id);
    clock.advance(29_999);
    expect(store.sweep()).toBe(0);
    clock.advance(1);
    expect(store.sweep()).toBe(1);
    expect(store.get(session.id)).toBeUndefined();
  });

  it('sweeps only the sessions whose time is up, and never connected ones', () => {
    const { store, clock, ended } = setup();
    const early = store.create('a').session;
    const late = store.create('b').session;
    const online = store.create('c').session;
    store.disconnected(early.id);
    clock.advance(2 * MINUTE);
    store.disconnected(late.id);
    clock.advance(3 * MINUTE);
    expect(store.sweep()).toBe(1);
    expect(ended.map((e) => e.id)).toEqual([early.id]);
    clock.advance(2 * MINUTE);
    expect(store.sweep()).toBe(1);
    expect(store.get(late.id)).toBeUndefined();
    expect(store.get(online.id)).toBeDefined();
    expect(store.counts()).toEqual({ connected: 1, disconnected: 0 });
  });

  it('starts the expiry clock again from a later disconnect, not a repeated notice', () => {
    const { store, clock } = setup();
    const { session } = store.create('a');
    store.disconnected(session.id);
    clock.advance(MINUTE);
    // The same drop reported twice keeps the first expiry.
    store.disconnected(session.id);
    expect(store.get(session.id)?.expiresAt).toBe(clock.now() + 4 * MINUTE);
    store.connected(session.id);
    clock.advance(MINUTE);
    store.disconnected(session.id);
    expect(store.get(session.id)?.expiresAt).toBe(clock.now() + 5 * MINUTE);
  });

  it('sweeps every 60 s once started, until disposed', () => {
    const { store, clock, ended } = setup();
    store.startSweeping();
    clock.advance(30_000);
    const { session } = store.create('a');
    store.disconnected(session.id);
    clock.advance(5 * MINUTE);
    // Swept on the next 60 s tick, not when the clock passes its expiry.
    expect(ended).toHaveLength(0);
    clock.advance(MINUTE);
    expect(ended).toEqual([{ id: session.id, why: 'expired' }]);
    store.dispose();
    expect(() => store.create('a')).toThrow(/disposed/);
    // No timer is left behind: the leak guard would fail this test otherwise.
  });

  it('sweeps on a real timer too, and dispose clears it', async () => {
    const store = new SessionStore({ expireAfterMs: 0 });
    stores.push(store);
    const { session } = store.create('a');
    store.disconnected(session.id);
    store.startSweeping(5);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(store.get(session.id)).toBeUndefined();
    store.dispose();
  });

  it('updates the last activity on touch', () => {
    const { store, clock } = setup();
    const { session } = store.create('a');
    clock.advance(1234);
    expect(store.touch(session.id)).toBe(true);
    expect(store.get(session.id)?.lastActiveAt).toBe(clock.now());
    expect(store.touch('nope')).toBe(false);
  });

  it('ends every session of a forgotten device and no other', () => {
    const { store, ended } = setup();
    const a1 = store.create('a').session;
    const a2 = store.create('a').session;
    const b = store.create('b').session;
    store.disconnected(a2.id);
    expect(store.removeDevice('a').sort()).toEqual([a1.id, a2.id].sort());
    expect(ended.map((e) => e.why)).toEqual(['removed', 'removed']);
    expect(store.counts()).toEqual({ connected: 1, disconnected: 0 });
    expect(store.get(b.id)).toBeDefined();
    expect(store.removeDevice('a')).toEqual([]);
  });

  it('makes room by evicting the oldest disconnected session, and refuses when all are live', () => {
    const { store, ended } = setup({ maxSessions: 2 });
    const first = store.create('a').session;
    const second = store.create('b').session;
    store.disconnected(second.id);
    store.disconnected(first.id);
    store.create('c');
    expect(ended).toEqual([{ id: second.id, why: 'evicted' }]);
    store.connected(first.id);
    expect(() => store.create('d')).toThrow(SessionLimitError);
  });

  it('keeps each operation fast at 1,000 sessions', () => {
    const { store, clock } = setup({ maxSessions: 2000 });
    const made = Array.from({ length: 1000 }, (_, i) => store.create(`device-${i % 50}`));
    const started = performance.now();
    for (const { session, resumeSecret } of made) {
      store.touch(session.id);
      store.disconnected(session.id);
      store.restore(session.id, resumeSecret, session.deviceId);
    }
    const perOperationMs = (performance.now() - started) / 3000;
    // Generous bound for a loaded CI machine; the benchmark measures it properly.
    expect(perOperationMs).toBeLessThan(0.5);
    clock.advance(MINUTE);
    expect(store.counts()).toEqual({ connected: 1000, disconnected: 0 });
  });
});
