import { afterEach, describe, expect, it, vi } from 'vitest';
import { TokenBatcher } from './tokenBatcher';

afterEach(() => {
  vi.useRealTimers();
});

describe('TokenBatcher', () => {
  it('sends the first chunk at once, then one event per interval, and flushes on demand', () => {
    vi.useFakeTimers();
    const sent: string[] = [];
    const batcher = new TokenBatcher((text) => sent.push(text), 30);
    batcher.push('Once');
    expect(sent).toEqual(['Once']);
    for (const t of [' upon', ' a', ' time']) batcher.push(t);
    expect(sent).toEqual(['Once']);
    vi.advanceTimersByTime(30);
    expect(sent).toEqual(['Once', ' upon a time']);
    batcher.push(',');
    batcher.push(' there');
    batcher.flush();
    expect(sent).toEqual(['Once', ' upon a time', ', there']);
    vi.advanceTimersByTime(100);
    expect(sent).toHaveLength(3);
  });
});
