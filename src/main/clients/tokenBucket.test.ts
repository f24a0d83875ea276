import { describe, expect, it } from 'vitest';
import { TokenBucket } from './tokenBucket';

function bucket(ratePerSecond: number, burst: number) {
  let time = 1_000_000;
  const limiter = new TokenBucket({ ratePerSecond, burst, now: () => time });
  return { limiter, advance: (ms: number) => (time += ms), setTime: (t: number) => (time = t) };
}

describe('TokenBucket', () => {
  it('allows a full burst at once, then refuses until tokens refill', () => {
    const { limiter } = bucket(10, 5);
    for (let i = 0; i < 5; i++) expect(limiter.take()).toBe(true);
    expect(limiter.take()).toBe(false);
    expect(limiter.take()).toBe(false);
  });

  it('refills at the given rate and never above the burst', () => {
    const { limiter, advance } = bucket(10, 5);
    for (let i = 0; i < 5; i++) limiter.take();
    advance(100); // one token at 10 per second
    expect(limiter.take()).toBe(true);
    expect(limiter.take()).toBe(false);
    advance(60_000);
    expect(limiter.available).toBe(5);
    let taken = 0;
    while (limiter.take()) taken++;
    expect(taken).toBe(5);
  });

  it('holds a sustained sender to the rate over a long run', () => {
    const { limiter, advance } = bucket(20, 10);
    let accepted = 0;
    // A client sending every 10 ms (100 per second) for 10 s.
    for (let i = 0; i < 1000; i++) {
      if (limiter.take()) accepted++;
      advance(10);
    }
    // 10 s at 20 per second, plus the initial burst of 10.
    expect(accepted).toBeGreaterThanOrEqual(205);
    expect(accepted).toBeLessThanOrEqual(211);
  });

  it('takes several tokens at once, or none when there are too few', () => {
    const { limiter } = bucket(1, 4);
    expect(limiter.take(3)).toBe(true);
    expect(limiter.take(2)).toBe(false);
    expect(limiter.available).toBe(1);
    expect(limiter.take(1)).toBe(true);
  });

  it('says how long until tokens are available', () => {
    const { limiter, advance } = bucket(2, 2);
    expect(limiter.msUntil()).toBe(0);
    limiter.take(2);
    expect(limiter.msUntil()).toBe(500);
    advance(200);
    expect(limiter.msUntil()).toBe(300);
    expect(limiter.msUntil(3)).toBe(Infinity);
  });

  it('is not refilled or drained by a clock that steps backwards', () => {
    const { limiter, setTime } = bucket(10, 3);
    limiter.take(3);
    setTime(0);
    expect(limiter.take()).toBe(false);
    setTime(100);
    expect(limiter.take()).toBe(true);
  });

  it('refuses settings that would make a useless limiter', () => {
    expect(() => new TokenBucket({ ratePerSecond: 0, burst: 1 })).toThrow(RangeError);
    expect(() => new TokenBucket({ ratePerSecond: 1, burst: 0 })).toThrow(RangeError);
    expect(() => new TokenBucket({ ratePerSecond: NaN, burst: 1 })).toThrow(RangeError);
  });
});
