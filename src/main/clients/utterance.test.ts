import { describe, expect, it } from 'vitest';
import { Utterance } from './utterance';

describe('Utterance', () => {
  it('keeps samples in order and knows its length at 16 kHz', () => {
    const utterance = new Utterance(3, 30_000);
    utterance.append(Int16Array.of(1, 2, 3));
    utterance.append(Int16Array.of(-4));
    expect(utterance.samples).toBe(4);
    expect(utterance.durationMs).toBe(0.25);
    expect([...utterance.take()]).toEqual([1, 2, 3, -4]);
  });

  it('keeps what fits under its limit and is then full', () => {
    const utterance = new Utterance(1, 1); // 1 ms: 16 samples
    utterance.append(new Int16Array(10).fill(1));
    expect(utterance.full).toBe(false);
    utterance.append(new Int16Array(10).fill(2));
    expect(utterance.full).toBe(true);
    utterance.append(Int16Array.of(3));
    expect([...utterance.take()]).toEqual([...Array(10).fill(1), ...Array(6).fill(2)]);
  });

  it('keeps nothing once its samples are taken', () => {
    const utterance = new Utterance(1, 30_000);
    utterance.append(Int16Array.of(5, 6));
    utterance.take();
    expect(utterance.samples).toBe(0);
    expect(utterance.take()).toEqual(new Int16Array());
  });

  it('refuses a limit that is not positive', () => {
    expect(() => new Utterance(1, 0)).toThrow(/must be positive/);
  });
});
