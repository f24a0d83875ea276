import { describe, expect, it } from 'vitest';
import { addressKey } from './addressKey';
import { AttemptLimiter, type AttemptLimiterOptions } from './attemptLimiter';

const MINUTE = 60_000;

function setup(options: AttemptLimiterOptions = {}) {
  let time = 1_000_000;
  const limiter = new AttemptLimiter({ now: () => time, ...options });
  const failTimes = (address: string, n: number) => {
    let last = limiter.check(address);
    for (let i = 0; i < n; i++) last = limiter.failed(address);
    return last;
  };
  return { limiter, failTimes, advance: (ms: number) => (time += ms) };
}

describe('AttemptLimiter', () => {
  it('locks an address out for a minute after 5 wrong codes, and only that address', () => {
    const { limiter, failTimes, advance } = setup();
    expect(failTimes('192.168.1.20', 4)).toEqual({ allowed: true });
    expect(limiter.failed('192.168.1.20')).toEqual({ allowed: false, retryAfterMs: MINUTE });
    advance(20_000);
    expect(limiter.check('192.168.1.20')).toEqual({ allowed: false, retryAfterMs: 40_000 });
    expect(limiter.check('192.168.1.21')).toEqual({ allowed: true });
    advance(40_000);
    expect(limiter.check('192.168.1.20')).toEqual({ allowed: true });
  });

  it('counts wrong codes in a sliding minute: slow guessing is not locked out', () => {
    const { limiter, advance } = setup();
    for (let i = 0; i < 20; i++) {
      expect(limiter.failed('10.0.0.5').allowed).toBe(true);
      advance(15_000); // four per minute
    }
  });

  it('doubles the lockout each time an address earns another, up to the cap', () => {
    const { failTimes, advance } = setup({ maxLockoutMs: 5 * MINUTE });
    const lockouts: number[] = [];
    for (let round = 0; round < 5; round++) {
      const verdict = failTimes('10.0.0.5', 5);
      if (verdict.allowed) throw new Error('expected a lockout');
      lockouts.push(verdict.retryAfterMs);
      advance(verdict.retryAfterMs);
    }
    expect(lockouts).toEqual([MINUTE, 2 * MINUTE, 4 * MINUTE, 5 * MINUTE, 5 * MINUTE]);
  });

  it('ignores wrong codes that arrive during a lockout instead of stacking them', () => {
    const { limiter, failTimes, advance } = setup();
    failTimes('10.0.0.5', 5);
    failTimes('10.0.0.5', 10);
    advance(MINUTE);
    expect(limiter.check('10.0.0.5').allowed).toBe(true);
    // Still the second lockout next, not a later one.
    const verdict = failTimes('10.0.0.5', 5);
    expect(verdict).toMatchObject({ allowed: false, retryAfterMs: 2 * MINUTE });
  });

  it('starts an address over after an hour of quiet, or after a correct code', () => {
    const { limiter, failTimes, advance } = setup();
    failTimes('10.0.0.5', 5);
    advance(MINUTE);
    failTimes('10.0.0.5', 5);
    advance(2 * MINUTE + 60 * MINUTE);
    expect(failTimes('10.0.0.5', 5)).toMatchObject({ retryAfterMs: MINUTE });

    failTimes('10.0.0.6', 4);
    limiter.succeeded('10.0.0.6');
    expect(failTimes('10.0.0.6', 4).allowed).toBe(true);
  });

  it('never refuses an address for what other addresses sent, however many', () => {
    const { limiter, failTimes } = setup();
    // 200 addresses, each locked out: far beyond any cap over all of them together.
    for (let i = 0; i < 200; i++) expect(failTimes(`10.0.${i}.1`, 5).allowed).toBe(false);
    expect(limiter.check('10.9.9.9')).toEqual({ allowed: true });
    expect(limiter.failed('10.9.9.9')).toEqual({ allowed: true });
  });

  it('counts only wrong codes: an address with many correct ones still has all five tries', () => {
    const { limiter, failTimes } = setup();
    for (let i = 0; i < 50; i++) {
      expect(limiter.check('10.0.0.5')).toEqual({ allowed: true });
      limiter.succeeded('10.0.0.5');
    }
    expect(failTimes('10.0.0.5', 4)).toEqual({ allowed: true });
    expect(limiter.failed('10.0.0.5')).toMatchObject({ allowed: false });
  });

  it('counts the addresses of one IPv6 /64, and a mapped IPv4 address, as one', () => {
    const { limiter } = setup();
    for (let i = 1; i <= 5; i++) limiter.failed(`fd12:3456:789a:1::${i.toString(16)}`);
    expect(limiter.check('fd12:3456:789a:1:abcd:ef01:2345:6789').allowed).toBe(false);
    expect(limiter.check('fd12:3456:789a:2::1').allowed).toBe(true);

    for (let i = 0; i < 4; i++) limiter.failed('::ffff:192.168.1.20');
    expect(limiter.failed('192.168.1.20').allowed).toBe(false);
  });

  it('keeps memory bounded under a flood of addresses, and forgets quiet ones', () => {
    const { limiter, advance } = setup({ maxAddresses: 500 });
    for (let i = 0; i < 5000; i++) limiter.failed(`10.0.${(i >> 8) & 255}.${i & 255}`);
    expect(limiter.size).toBe(500);
    advance(60 * MINUTE);
    limiter.check('10.200.0.1');
    expect(limiter.size).toBe(0);
  });
});

describe('addressKey', () => {
  it.each([
    ['192.168.1.20', '192.168.1.20'],
    ['::ffff:192.168.1.20', '192.168.1.20'],
    ['::FFFF:10.0.0.1', '10.0.0.1'],
    ['fd12:3456:789a:1::5', 'fd12:3456:789a:1::/64'],
    ['FD12:3456:789A:0001:0:0:0:5', 'fd12:3456:789a:1::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['2001:db8::ffff:1.2.3.4', '2001:db8:0:0::/64'],
    [undefined, 'unknown'],
  ])('counts %s as %s', (address, key) => {
    expect(addressKey(address)).toBe(key);
  });
});
