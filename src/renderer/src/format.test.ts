import { describe, expect, it } from 'vitest';
import type { ThermalStatus } from '../../shared/api';
import {
  coolingBanner,
  coolingCheckCsv,
  downloadPercent,
  downloadProgressText,
  formatBytes,
  formatDuration,
  formatModelSpeed,
  formatTimeLeft,
  formatLink,
  formatStats,
  formatTemperature,
  thermalBand,
} from './format';
import { wantsOnScreenKeyboard } from './keyboardPolicy';

const thermal = (temperatureC: number, extra: Partial<ThermalStatus> = {}): ThermalStatus => ({
  available: true,
  temperatureC,
  protection: false,
  triggerC: 85,
  resumeC: 80,
  source: 'sysfs',
  recent: [],
  ...extra,
});

describe('format', () => {
  it('formats answer stats and temperatures', () => {
    expect(formatStats({ tokens: 10, tokensPerSecond: 41.23, timeToFirstTokenMs: 12.4 })).toBe(
      '41.2 tok/s · first token 12 ms',
    );
    expect(formatStats({ tokens: 10, tokensPerSecond: 3, timeToFirstTokenMs: 2500 })).toBe(
      '3.0 tok/s · first token 2.5 s',
    );
    expect(formatTemperature(62.5)).toBe('62.5 °C');
  });

  it('names link states as DESIGN section 4 does', () => {
    expect(formatLink({ state: 'connected' })).toBe('Connected');
    expect(formatLink({ state: 'reconnecting', attempt: 3, maxAttempts: 10 })).toBe(
      'Reconnecting (attempt 3 of 10)',
    );
    expect(formatLink({ state: 'lost', reason: 'x' })).toBe('Connection lost');
  });

  it('bands the gauge at the resume and trigger thresholds', () => {
    expect(thermalBand(null)).toBe('unknown');
    expect(thermalBand(thermal(-1, { available: false }))).toBe('unknown');
    expect(thermalBand(thermal(79.9))).toBe('normal');
    expect(thermalBand(thermal(80))).toBe('warm');
    expect(thermalBand(thermal(85))).toBe('hot');
    expect(thermalBand(thermal(82, { protection: true }))).toBe('hot');
    expect(coolingBanner(thermal(86.2, { protection: true }))).toBe(
      'Cooling down — answers are slowed to protect the board (86 °C)',
    );
  });

  it('formats durations and writes the cooling check as CSV', () => {
    expect(formatDuration(45)).toBe('45 s');
    expect(formatDuration(180)).toBe('3 min');
    expect(formatDuration(150)).toBe('2 min 30 s');
    const csv = coolingCheckCsv({
      state: 'done',
      startedAt: 0,
      samples: [
        { time: 1000, temperatureC: 50 },
        { time: 2000, temperatureC: 51.25 },
      ],
    });
    expect(csv).toBe(
      'time,elapsed_s,temperature_c\n' +
        '1970-01-01T00:00:01.000Z,1.0,50.00\n' +
        '1970-01-01T00:00:02.000Z,2.0,51.25\n',
    );
  });
});

describe('on-screen keyboard policy', () => {
  const base = {
    isKiosk: false,
    hasFinePointer: false,
    hasCoarsePointer: true,
    userAgent: 'X11; Linux',
  };
  it('shows in the kiosk, on a touch-only Linux browser, or when forced', () => {
    expect(wantsOnScreenKeyboard({ ...base, isKiosk: true, hasFinePointer: true })).toBe(true);
    expect(wantsOnScreenKeyboard(base)).toBe(true);
    expect(wantsOnScreenKeyboard({ ...base, hasFinePointer: true, override: 'on' })).toBe(true);
  });
  it('stays away from phones, tablets and desktops with a mouse', () => {
    const phone = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) Mobile Safari/537.36';
    expect(wantsOnScreenKeyboard({ ...base, userAgent: phone })).toBe(false);
    expect(wantsOnScreenKeyboard({ ...base, uaMobile: true })).toBe(false);
    expect(wantsOnScreenKeyboard({ ...base, hasFinePointer: true })).toBe(false);
    expect(wantsOnScreenKeyboard({ ...base, isKiosk: true, override: 'off' })).toBe(false);
  });
});

describe('model download figures', () => {
  const moving = {
    state: 'downloading' as const,
    bytes: 120_000_000,
    total: 398_000_000,
    bytesPerSecond: 2_100_000,
    secondsLeft: 132,
  };

  it('gives sizes in decimal units, as download pages do', () => {
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1_185_376)).toBe('1.2 MB');
    expect(formatBytes(398_000_000)).toBe('398 MB');
    expect(formatBytes(986_000_000)).toBe('986 MB');
    expect(formatBytes(1_060_000_000)).toBe('1.1 GB');
  });

  it('rounds time left to what a person plans with', () => {
    expect(formatTimeLeft(0)).toBe('less than a minute');
    expect(formatTimeLeft(59)).toBe('less than a minute');
    expect(formatTimeLeft(60)).toBe('about 1 minute');
    expect(formatTimeLeft(132)).toBe('about 2 minutes');
    expect(formatTimeLeft(59 * 60)).toBe('about 59 minutes');
    expect(formatTimeLeft(3600)).toBe('about 1 hour');
    expect(formatTimeLeft(2.6 * 3600)).toBe('about 3 hours');
  });

  it('says decoding speed in words a second, tokens/s when below a word', () => {
    expect(formatModelSpeed(15.1)).toBe('about 11 words a second');
    expect(formatModelSpeed(1.4)).toBe('about 1 word a second');
    expect(formatModelSpeed(0.5)).toBe('0.5 tokens/s');
  });

  it('writes the progress line with bytes, speed and time left, and the later steps in words', () => {
    expect(downloadProgressText(moving)).toBe('120 MB of 398 MB · 2.1 MB/s · about 2 minutes left');
    expect(downloadProgressText({ ...moving, total: null, secondsLeft: null })).toBe(
      '120 MB · 2.1 MB/s',
    );
    // Before the first bytes there is no speed, so no guess at the time either.
    expect(
      downloadProgressText({ ...moving, bytes: 0, bytesPerSecond: 0, secondsLeft: null }),
    ).toBe('0 B of 398 MB');
    expect(downloadProgressText({ ...moving, state: 'verifying' })).toBe('Checking the file…');
    expect(downloadProgressText({ ...moving, state: 'loading' })).toBe('Loading the model…');
  });

  it('gives whole percent done, none while the size is unknown, never past 100', () => {
    expect(downloadPercent(moving)).toBe(30);
    expect(downloadPercent({ ...moving, total: null })).toBeNull();
    expect(downloadPercent({ ...moving, bytes: 500_000_000 })).toBe(100);
    expect(downloadPercent({ ...moving, state: 'done', total: null })).toBe(100);
  });
});
