import { afterEach, describe, expect, it, vi } from 'vitest';
import { QuietTimer, SOUND_LEVEL } from './quietTimer';

afterEach(() => vi.useRealTimers());

describe('QuietTimer', () => {
  it('fires once the microphone has been quiet for the whole wait, and sound starts it again', () => {
    vi.useFakeTimers();
    let fired = 0;
    const timer = new QuietTimer(
      8000,
      () => fired++,
      () => Date.now(),
    );
    timer.start();
    vi.advanceTimersByTime(5000);
    timer.level(SOUND_LEVEL * 3); // someone speaks at 5 s
    vi.advanceTimersByTime(3000 + 4000);
    timer.level(SOUND_LEVEL / 2); // quiet room: does not count as sound
    expect(fired).toBe(0);
    expect(timer.running).toBe(true);
    vi.advanceTimersByTime(1000);
    expect(fired).toBe(1);
    expect(timer.running).toBe(false);
    vi.advanceTimersByTime(20_000);
    expect(fired).toBe(1);
  });

  it('stop() cancels it; levels while stopped change nothing', () => {
    vi.useFakeTimers();
    let fired = 0;
    const timer = new QuietTimer(
      100,
      () => fired++,
      () => Date.now(),
    );
    timer.level(1);
    timer.start();
    timer.stop();
    vi.advanceTimersByTime(1000);
    expect(fired).toBe(0);
  });
});
