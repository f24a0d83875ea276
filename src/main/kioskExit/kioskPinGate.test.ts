import { describe, expect, it } from 'vitest';
import { hashKioskPin } from './kioskPin';
import { KioskPinGate } from './kioskPinGate';

const PIN = '4821';
const pinHash = await hashKioskPin(PIN);

function gate(options: { freeAttempts?: number; lockMs?: number; maxLockMs?: number } = {}) {
  let now = 1_000_000;
  const exit = new KioskPinGate({ pinHash: () => pinHash, now: () => now, ...options });
  return { exit, advance: (ms: number) => (now += ms) };
}

describe('KioskPinGate', () => {
  it('offers no way out when no PIN is set, whatever is typed', async () => {
    for (const unset of [undefined, '']) {
      const exit = new KioskPinGate({ pinHash: () => unset, now: () => 0 });
      expect(exit.enabled).toBe(false);
      expect(await exit.tryExit('0000')).toEqual({ result: 'disabled' });
      expect(await exit.tryExit('')).toEqual({ result: 'disabled' });
      expect(await exit.check('0000')).toEqual({ result: 'disabled' });
    }
  });

  it('opens for the right PIN against the stored scrypt hash, and only for it', async () => {
    const { exit } = gate({ freeAttempts: 100 });
    expect(exit.enabled).toBe(true);
    for (const wrong of ['4822', '1284', '48210', '482', '', '4821 ', 'abcd', pinHash]) {
      expect((await exit.tryExit(wrong)).result, wrong).toBe('wrong');
    }
    expect(await exit.tryExit(PIN)).toEqual({ result: 'exit' });
    expect(await exit.check(PIN)).toEqual({ result: 'right' });
  });

  it('locks after five wrong PINs, for longer with each further one', async () => {
    const { exit, advance } = gate();
    for (const left of [4, 3, 2, 1, 0]) {
      expect(await exit.tryExit('0000')).toEqual({ result: 'wrong', attemptsLeft: left });
    }
    // Even the right PIN waits out the lock.
    expect(await exit.tryExit(PIN)).toEqual({ result: 'locked', retryAfterMs: 30_000 });
    advance(10_000);
    expect(await exit.tryExit(PIN)).toEqual({ result: 'locked', retryAfterMs: 20_000 });
    advance(20_000);
    expect(await exit.tryExit('1111')).toEqual({ result: 'wrong', attemptsLeft: 0 });
    expect(await exit.tryExit(PIN)).toEqual({ result: 'locked', retryAfterMs: 60_000 });
    advance(60_000);
    expect(await exit.tryExit(PIN)).toEqual({ result: 'exit' });
    // A success forgets the earlier mistakes.
    expect(await exit.tryExit('0000')).toEqual({ result: 'wrong', attemptsLeft: 4 });
  });

  it('counts wrong PINs at either door against one budget, and a right one at either forgets them', async () => {
    const { exit } = gate();
    expect(await exit.check('0001')).toEqual({ result: 'wrong', attemptsLeft: 4 });
    expect(await exit.tryExit('0002')).toEqual({ result: 'wrong', attemptsLeft: 3 });
    expect(await exit.check(PIN)).toEqual({ result: 'right' });
    expect(await exit.tryExit('0003')).toEqual({ result: 'wrong', attemptsLeft: 4 });
    for (const left of [3, 2, 1, 0]) {
      expect(await exit.check('0004')).toEqual({ result: 'wrong', attemptsLeft: left });
    }
    expect(await exit.tryExit(PIN)).toEqual({ result: 'locked', retryAfterMs: 30_000 });
    expect(await exit.check(PIN)).toEqual({ result: 'locked', retryAfterMs: 30_000 });
  });

  it('does not let attempts made at once share one slot', async () => {
    const { exit } = gate();
    const outcomes = await Promise.all(
      ['0001', '0002', '0003', '0004', '0005', '0006', PIN].map((pin) => exit.tryExit(pin)),
    );
    expect(outcomes.slice(0, 5).map((o) => o.result)).toEqual(Array(5).fill('wrong'));
    expect(outcomes.slice(5).map((o) => o.result)).toEqual(['locked', 'locked']);
  });

  it('never locks for longer than the ceiling', async () => {
    const { exit, advance } = gate({ freeAttempts: 1, lockMs: 1_000, maxLockMs: 4_000 });
    const locks: number[] = [];
    for (let i = 0; i < 5; i++) {
      await exit.tryExit('0000');
      const outcome = await exit.tryExit('0000');
      if (outcome.result === 'locked') locks.push(outcome.retryAfterMs);
      advance(10_000);
    }
    expect(locks).toEqual([1_000, 2_000, 4_000, 4_000, 4_000]);
  });

  it('checks each attempt against the PIN in force then: set, changed or removed in Settings', async () => {
    let current: string | undefined;
    const exit = new KioskPinGate({ pinHash: () => current, now: () => 0, freeAttempts: 100 });
    expect(await exit.tryExit(PIN)).toEqual({ result: 'disabled' });
    current = pinHash;
    expect(exit.enabled).toBe(true);
    expect(await exit.tryExit(PIN)).toEqual({ result: 'exit' });
    current = await hashKioskPin('13572468');
    expect((await exit.tryExit(PIN)).result).toBe('wrong');
    expect(await exit.tryExit('13572468')).toEqual({ result: 'exit' });
    current = undefined;
    expect(await exit.tryExit('13572468')).toEqual({ result: 'disabled' });
  });
});
