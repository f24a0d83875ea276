import { describe, expect, test } from 'vitest';
import { SpeedMeter } from './speed';
import { progressLine, TerminalProgress } from './terminalProgress';

describe('progressLine', () => {
  test('shows the bar, bytes, speed and time left', () => {
    expect(
      progressLine({
        phase: 'download',
        bytes: 402e6,
        total: 986e6,
        bytesPerSecond: 5.2e6,
        secondsLeft: 112,
      }),
    ).toBe(
      'Downloading [##########--------------]  40%  402 MB of 986 MB  5.2 MB/s  1 min 52 s left',
    );
  });

  test('says when it is checking rather than downloading, without a speed', () => {
    expect(
      progressLine({
        phase: 'verify',
        bytes: 500e6,
        total: 1e9,
        bytesPerSecond: 0,
        secondsLeft: null,
      }),
    ).toBe('Checking [############------------]  50%  500 MB of 1.0 GB');
  });

  test('without a known total shows what arrived so far', () => {
    expect(
      progressLine({
        phase: 'download',
        bytes: 3e6,
        total: null,
        bytesPerSecond: 1e6,
        secondsLeft: null,
      }),
    ).toBe('Downloading 3.0 MB  1.0 MB/s');
  });
});

describe('TerminalProgress', () => {
  test('redraws one line on a terminal and ends it when done', () => {
    let written = '';
    const bar = new TerminalProgress({ isTTY: true, write: (text: string) => (written += text) });
    bar.update({ phase: 'download', bytes: 1, total: 4, bytesPerSecond: 0, secondsLeft: null });
    bar.update({ phase: 'download', bytes: 4, total: 4, bytesPerSecond: 0, secondsLeft: null });
    bar.finish();
    expect(written.match(/\r/g)).toHaveLength(2);
    expect(written.endsWith('\n')).toBe(true);
    expect(written.split('\n')).toHaveLength(2);
  });

  test('prints at most one line per quarter when not on a terminal', () => {
    let written = '';
    const bar = new TerminalProgress({ isTTY: false, write: (text: string) => (written += text) });
    for (let bytes = 0; bytes <= 100; bytes++) {
      bar.update({ phase: 'download', bytes, total: 100, bytesPerSecond: 0, secondsLeft: null });
    }
    expect(written.trim().split('\n')).toHaveLength(5);
    expect(written).not.toContain('\r');
  });
});

describe('SpeedMeter', () => {
  test('measures speed over its window and derives time left', () => {
    let now = 0;
    const meter = new SpeedMeter(5000, () => now);
    meter.sample(1000, 11_000);
    now = 1000;
    const progress = meter.sample(3000, 11_000);
    expect(progress.bytesPerSecond).toBe(2000);
    expect(progress.secondsLeft).toBe(4);
  });

  test('forgets samples older than the window, so a slowdown shows', () => {
    let now = 0;
    const meter = new SpeedMeter(2000, () => now);
    let bytes = 0;
    // 10 kB/s for three seconds, then 1 kB/s.
    for (; now <= 3000; now += 1000, bytes += 10_000) meter.sample(bytes, null);
    let last = meter.sample(bytes, null);
    for (; now <= 8000; now += 1000, bytes += 1000) last = meter.sample(bytes, null);
    expect(last.bytesPerSecond).toBe(1000);
  });
});
