import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defaultHeartbeat, Heartbeat } from './heartbeat';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function watch(hidden = () => false) {
  const seen = { pings: 0, dead: 0 };
  const heartbeat = new Heartbeat(defaultHeartbeat, {
    ping: () => seen.pings++,
    dead: () => seen.dead++,
    now: () => Date.now(),
    hidden,
  });
  heartbeat.start();
  return { heartbeat, seen };
}

describe('heartbeat', () => {
  it('pings every 2 s and declares a link dead within 5 s of its last frame', () => {
    const { seen } = watch();
    vi.advanceTimersByTime(2_000);
    expect(seen.pings).toBe(1);
    vi.advanceTimersByTime(1_999);
    expect(seen.dead).toBe(0);
    vi.advanceTimersByTime(1);
    expect(seen.dead).toBe(1);
    expect(defaultHeartbeat.deadAfterMs).toBeLessThan(5_000);
    // Once dead it stays quiet until started again.
    vi.advanceTimersByTime(10_000);
    expect(seen).toEqual({ pings: 2, dead: 1 });
  });

  it('stays alive as long as frames keep coming', () => {
    const { heartbeat, seen } = watch();
    for (let i = 0; i < 20; i++) {
      vi.advanceTimersByTime(1_500);
      heartbeat.heard();
    }
    expect(seen.dead).toBe(0);
    expect(seen.pings).toBe(15);
    heartbeat.stop();
  });

  it('on check() after the page slept, declares the silent link dead at once', () => {
    const { heartbeat, seen } = watch();
    heartbeat.heard();
    // A hidden page's timers were held back; the clock moved on regardless.
    vi.setSystemTime(Date.now() + 60_000);
    heartbeat.check();
    expect(seen.dead).toBe(1);
  });

  it('on check() of a link heard recently, pings at once instead', () => {
    const { heartbeat, seen } = watch();
    vi.advanceTimersByTime(500);
    heartbeat.heard();
    heartbeat.check();
    expect(seen).toEqual({ pings: 1, dead: 0 });
    heartbeat.stop();
  });

  it('does not hold silence against the link while the page is hidden, but judges it when shown', () => {
    let hidden = true;
    const { heartbeat, seen } = watch(() => hidden);
    vi.advanceTimersByTime(60_000);
    expect(seen.dead).toBe(0);
    hidden = false;
    heartbeat.check();
    expect(seen.dead).toBe(1);
  });
});
