import { describe, expect, it } from 'vitest';
import { Utterance } from './utterance';

describe('Utterance', () => {
  it('counts samples and knows its length at 16 kHz', () => {
    const utterance = new Utterance(3, 30_000);
    expect([...utterance.append(Int16Array.of(1, 2, 3))]).toEqual([1, 2, 3]);
    utterance.append(Int16Array.of(-4));
    expect(utterance.samples).toBe(4);
    expect(utterance.durationMs).toBe(0.25);
  });

  it('lets through what fits under its limit and is then full', () => {
    const utterance = new Utterance(1, 1); // 1 ms: 16 samples
    expect(utterance.append(new Int16Array(10).fill(1))).toHaveLength(10);
    expect(utterance.full).toBe(false);
    expect([...utterance.append(new Int16Array(10).fill(2))]).toEqual(Array(6).fill(2));
    expect(utterance.full).toBe(true);
    expect(utterance.append(Int16Array.of(3))).toHaveLength(0);
  });

  it('refuses a limit that is not positive', () => {
    expect(() => new Utterance(1, 0)).toThrow(/must be positive/);
  });
});
