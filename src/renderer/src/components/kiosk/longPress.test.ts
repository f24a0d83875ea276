import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LONG_PRESS_MS, LongPress } from './longPress';

describe('the long press that opens the way out of kiosk mode', () => {
  let opened = 0;
  let press: LongPress;
  beforeEach(() => {
    vi.useFakeTimers();
    opened = 0;
    press = new LongPress(() => (opened += 1));
  });
  afterEach(() => {
    press.cancel();
    vi.useRealTimers();
  });

  it('does not open for a hold shorter than the threshold', () => {
    press.down(10, 10);
    vi.advanceTimersByTime(LONG_PRESS_MS - 1);
    press.cancel(); // lifted
    vi.advanceTimersByTime(LONG_PRESS_MS);
    expect(opened).toBe(0);
  });

  it('opens once when held still for the threshold', () => {
    press.down(10, 10);
    press.move(14, 13); // a finger is never quite still
    vi.advanceTimersByTime(LONG_PRESS_MS);
    expect(opened).toBe(1);
    press.cancel(); // lifted afterwards
    vi.advanceTimersByTime(LONG_PRESS_MS * 2);
    expect(opened).toBe(1);
  });

  it('does not open when the finger slides away (a scroll or a swipe)', () => {
    press.down(10, 10);
    vi.advanceTimersByTime(LONG_PRESS_MS / 2);
    press.move(40, 10);
    vi.advanceTimersByTime(LONG_PRESS_MS);
    expect(opened).toBe(0);
  });

  it('starts over with each new press', () => {
    press.down(10, 10);
    vi.advanceTimersByTime(LONG_PRESS_MS - 100);
    press.down(10, 10);
    vi.advanceTimersByTime(LONG_PRESS_MS - 100);
    expect(opened).toBe(0);
    vi.advanceTimersByTime(100);
    expect(opened).toBe(1);
  });
});
