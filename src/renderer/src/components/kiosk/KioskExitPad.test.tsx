import { renderToStaticMarkup } from 'react-dom/server';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { renderWithState } from '../../../../testing/rendererFakes';
import { Countdown, secondsUntil } from './countdown';
import { exitMessage, exitStatus } from './exitMessages';
import { ExitStatusLine, KioskExitPad } from './KioskExitPad';
import { pinDigits } from './PinPad';

describe('the PIN pad that leaves kiosk mode', () => {
  it('is a dialog with a key for each digit, Delete and a Leave kiosk button waiting for a PIN', () => {
    const html = renderWithState(<KioskExitPad onClose={() => {}} />);
    expect(html).toContain('role="dialog" aria-modal="true" aria-label="Leave kiosk mode"');
    expect(html).toContain('role="group" aria-label="PIN keypad"');
    const keys = [
      ...html.matchAll(/<button type="button" class="button pin-key"[^>]*>(\d)<\/button>/g),
    ];
    expect(keys.map((m) => m[1]).sort()).toEqual([
      '0',
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
      '9',
    ]);
    expect(html).toContain('aria-label="Delete"');
    expect(html).toMatch(
      /<button type="button" class="button button-primary pin-submit" disabled="">Leave kiosk<\/button>/,
    );
    expect(html).toContain(
      '<p class="pin-message"><span aria-hidden="true"></span><span class="visually-hidden" role="status"></span></p>',
    );
  });

  it('says what each attempt came to', () => {
    expect(exitMessage({ result: 'wrong', attemptsLeft: 3 })).toBe('Wrong PIN, 3 tries left');
    expect(exitMessage({ result: 'wrong', attemptsLeft: 1 })).toBe('Wrong PIN, 1 try left');
    expect(exitMessage({ result: 'wrong', attemptsLeft: 0 })).toMatch(/^Wrong PIN, no tries left/);
    expect(exitMessage({ result: 'locked', retryAfterMs: 29_001 })).toBe(
      'Locked: try again in 30 s',
    );
    expect(exitMessage({ result: 'disabled' })).toBe('No PIN is set: set one in Settings first');
    expect(exitMessage({ result: 'unavailable' })).toMatch(/^Not running as a kiosk/);
    expect(exitMessage({ result: 'exit' })).toBe('Leaving kiosk mode…');
  });

  it('keeps typed or pasted text to at most 8 digits', () => {
    expect(pinDigits('12 34-56')).toBe('123456');
    expect(pinDigits('1234567890')).toBe('12345678');
    expect(pinDigits('abc')).toBe('');
  });
});

describe('the lock after too many wrong PINs', () => {
  const locked = { result: 'locked', retryAfterMs: 3_000 } as const;
  let ticks: number[];
  let countdown: Countdown;
  beforeEach(() => {
    vi.useFakeTimers();
    ticks = [];
    countdown = new Countdown((seconds) => ticks.push(seconds));
  });
  afterEach(() => {
    countdown.stop();
    vi.useRealTimers();
  });

  it('counts down once a second to zero, then stops', () => {
    countdown.start(Date.now() + 2_500);
    expect(secondsUntil(Date.now() + 2_500)).toBe(3);
    vi.advanceTimersByTime(499);
    expect(ticks).toEqual([]);
    vi.advanceTimersByTime(1); // 2.0 s left
    expect(ticks).toEqual([2]);
    vi.advanceTimersByTime(1_000);
    expect(ticks).toEqual([2, 1]);
    vi.advanceTimersByTime(1_000);
    expect(ticks).toEqual([2, 1, 0]);
    vi.advanceTimersByTime(10_000);
    expect(ticks).toEqual([2, 1, 0]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps to the clock when a timer fires late (a busy Pi)', () => {
    const until = Date.now() + 5_000;
    countdown.start(until);
    vi.setSystemTime(until - 1_200); // the clock moved on while no timer ran
    vi.advanceTimersByTime(1_000);
    expect(ticks).toEqual([1]);
    vi.advanceTimersByTime(200);
    expect(ticks).toEqual([1, 0]);
  });

  it('stops for good when its owner stops it, or starts over with a new lock', () => {
    countdown.start(Date.now() + 30_000);
    vi.advanceTimersByTime(2_000);
    expect(ticks).toEqual([29, 28]);
    countdown.stop(); // the pad closed
    vi.advanceTimersByTime(60_000);
    expect(ticks).toEqual([29, 28]);
    expect(vi.getTimerCount()).toBe(0);

    countdown.start(Date.now() + 10_000);
    countdown.start(Date.now() + 2_000); // a new outcome replaces the old countdown
    vi.advanceTimersByTime(60_000);
    expect(ticks).toEqual([29, 28, 1, 0]);
  });

  it('shows every second but tells a screen reader only when it starts and ends', () => {
    const start = exitStatus(locked, 3);
    expect(start).toEqual({
      shown: 'Locked: try again in 3 s',
      spoken: 'Locked: try again in 3 s',
      locked: true,
    });
    const during = exitStatus(locked, 2);
    expect(during.shown).toBe('Locked: try again in 2 s');
    expect(during.spoken).toBe(start.spoken);
    expect(during.locked).toBe(true);
    expect(exitStatus(locked, 0)).toEqual({
      shown: 'You can try again now',
      spoken: 'You can try again now',
      locked: false,
    });
    expect(exitStatus({ result: 'wrong', attemptsLeft: 2 }, 0)).toEqual({
      shown: 'Wrong PIN, 2 tries left',
      spoken: 'Wrong PIN, 2 tries left',
      locked: false,
    });
  });

  it('puts only the spoken text in the live region; the ticking one is hidden from it', () => {
    const html = renderToStaticMarkup(<ExitStatusLine status={exitStatus(locked, 2)} />);
    expect(html).toBe(
      '<p class="pin-message"><span aria-hidden="true">Locked: try again in 2 s</span>' +
        '<span class="visually-hidden" role="status">Locked: try again in 3 s</span></p>',
    );
  });
});
