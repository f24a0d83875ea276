import { afterEach, describe, expect, it } from 'vitest';
import { ManualScheduler } from '../../testing/manualScheduler';
import { PairingCodes, type PairingCode } from './pairingCode';

const MINUTE = 60_000;
const owned: PairingCodes[] = [];
afterEach(() => {
  for (const codes of owned.splice(0)) codes.dispose();
});

function setup(ttlMs?: number) {
  const clock = new ManualScheduler();
  const codes = new PairingCodes({ ttlMs, scheduler: clock });
  owned.push(codes);
  const rotations: PairingCode[] = [];
  codes.onRotate((code) => rotations.push(code));
  return { clock, codes, rotations };
}

describe('PairingCodes', () => {
  it('offers a URL-safe 128-bit code that expires in 5 minutes', () => {
    const { clock, codes } = setup();
    const { code, expiresAt } = codes.current();
    expect(code).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(Buffer.from(code, 'base64url')).toHaveLength(16);
    expect(expiresAt).toBe(clock.now() + 5 * MINUTE);
    // The same code until something happens to it.
    expect(codes.current().code).toBe(code);
  });

  it('accepts the current code exactly once, then offers a new one', () => {
    const { codes, rotations } = setup();
    const { code } = codes.current();
    expect(codes.redeem(code)).toBe(true);
    expect(codes.redeem(code)).toBe(false);
    expect(rotations).toHaveLength(1);
    const next = codes.current();
    expect(next.code).not.toBe(code);
    expect(rotations[0]).toEqual(next);
    expect(codes.redeem(next.code)).toBe(true);
  });

  it('refuses wrong codes without using up the right one', () => {
    const { codes, rotations } = setup();
    const { code } = codes.current();
    const almost = code.slice(0, -1) + (code.endsWith('A') ? 'B' : 'A');
    for (const wrong of ['', almost, code + 'x', code.slice(1), code.toUpperCase() + '!', '😀']) {
      expect(codes.redeem(wrong)).toBe(false);
    }
    expect(rotations).toHaveLength(0);
    expect(codes.redeem(code)).toBe(true);
  });

  it('refuses an expired code and replaces it', () => {
    const { clock, codes, rotations } = setup();
    const { code } = codes.current();
    clock.advance(5 * MINUTE);
    expect(codes.redeem(code)).toBe(false);
    expect(rotations).toHaveLength(1);
    expect(codes.current().code).not.toBe(code);
  });

  it('accepts a code until the last moment of its lifetime', () => {
    const { clock, codes } = setup();
    const { code } = codes.current();
    clock.advance(5 * MINUTE - 1);
    expect(codes.redeem(code)).toBe(true);
  });

  it('uses the configured lifetime', () => {
    const { clock, codes } = setup(30_000);
    const first = codes.current();
    expect(first.expiresAt).toBe(clock.now() + 30_000);
    clock.advance(30_000);
    expect(codes.current().code).not.toBe(first.code);
  });

  it('tells the kiosk about an expired code on its own once the watch runs', () => {
    const { clock, codes, rotations } = setup();
    codes.startExpiryWatch();
    const first = codes.current();
    clock.advance(5 * MINUTE + 1000);
    expect(rotations).toHaveLength(1);
    expect(rotations[0]?.code).not.toBe(first.code);
    clock.advance(5 * MINUTE);
    expect(rotations).toHaveLength(2);
  });

  it('can be rotated on demand, which voids the old code', () => {
    const { codes } = setup();
    const { code } = codes.current();
    const fresh = codes.rotate();
    expect(codes.redeem(code)).toBe(false);
    expect(codes.redeem(fresh.code)).toBe(true);
  });

  it('accepts nothing after dispose and stops its watch', () => {
    const { clock, codes, rotations } = setup();
    codes.startExpiryWatch();
    const { code } = codes.current();
    codes.dispose();
    expect(codes.redeem(code)).toBe(false);
    clock.advance(60 * MINUTE);
    expect(rotations).toHaveLength(0);
    expect(() => codes.startExpiryWatch()).toThrow(/disposed/);
  });
});
