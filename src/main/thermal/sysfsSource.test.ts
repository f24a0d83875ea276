import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { parseThrottled } from './firmwareThrottle';
import { parseMillidegrees } from './sensorFiles';
import { SysfsThermalSource } from './sysfsSource';
import { zoneFile } from '../../testing/thermalFakes';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

/** A fake /sys with a Pi 5's files under a temp dir. */
function fakePi(options: { fan: 'pwm' | 'hwmon' | 'none'; throttled?: string }) {
  const zone = zoneFile(61.5);
  cleanups.push(zone.remove);
  const cpuFreqPath = join(zone.dir, 'scaling_cur_freq');
  writeFileSync(cpuFreqPath, '2400000\n');
  const thermalClassDir = join(zone.dir, 'thermal');
  const hwmonDir = join(zone.dir, 'hwmon');
  mkdirSync(join(thermalClassDir, 'cooling_device0'), { recursive: true });
  writeFileSync(join(thermalClassDir, 'cooling_device0', 'type'), 'cpufreq\n');
  if (options.fan === 'pwm') {
    const dir = join(thermalClassDir, 'cooling_device1');
    mkdirSync(dir);
    writeFileSync(join(dir, 'type'), 'pwm-fan\n');
    writeFileSync(join(dir, 'max_state'), '4\n');
    writeFileSync(join(dir, 'cur_state'), '2\n');
  }
  if (options.fan === 'hwmon') {
    mkdirSync(join(hwmonDir, 'hwmon2'), { recursive: true });
    writeFileSync(join(hwmonDir, 'hwmon2', 'fan1_input'), '3412\n');
  }
  let vcgencmdPath: string | null = null;
  if (options.throttled) {
    vcgencmdPath = join(zone.dir, 'vcgencmd');
    writeFileSync(
      vcgencmdPath,
      `#!/bin/sh\necho "$1" >> "${zone.dir}/calls"\necho throttled=${options.throttled}\n`,
    );
    chmodSync(vcgencmdPath, 0o755);
  }
  return { zone, cpuFreqPath, thermalClassDir, hwmonDir, vcgencmdPath };
}

describe('SysfsThermalSource', () => {
  test('reads millidegrees, CPU MHz and the Active Cooler (pwm-fan) state', () => {
    const pi = fakePi({ fan: 'pwm' });
    const source = new SysfsThermalSource({ zonePath: pi.zone.path, ...pi, vcgencmdPath: null });
    expect(source.read()).toEqual({
      ok: true,
      temperatureC: 61.5,
      cpuMHz: 2400,
      fan: 'level 2 of 4',
    });
    expect(source.kind).toBe('sysfs');
  });

  test('falls back to an hwmon fan in rpm, and works without any extras', () => {
    const pi = fakePi({ fan: 'hwmon' });
    const source = new SysfsThermalSource({ zonePath: pi.zone.path, ...pi, vcgencmdPath: null });
    expect(source.read()).toMatchObject({ fan: '3412 rpm' });
    const bare = new SysfsThermalSource({
      zonePath: pi.zone.path,
      cpuFreqPath: join(pi.zone.dir, 'missing'),
      thermalClassDir: join(pi.zone.dir, 'missing'),
      hwmonDir: null,
      vcgencmdPath: null,
    });
    expect(bare.read()).toEqual({ ok: true, temperatureC: 61.5 });
  });

  test('runs vcgencmd get_throttled in the background, rarely, and reports firmware throttling', async () => {
    const pi = fakePi({ fan: 'none', throttled: '0x60004' });
    let now = 0;
    const source = new SysfsThermalSource({
      zonePath: pi.zone.path,
      ...pi,
      vcgencmdIntervalMs: 10_000,
      now: () => now,
    });
    cleanups.push(() => source.dispose());
    // Not known yet: the read returns without waiting for vcgencmd's answer.
    expect(source.read().firmwareThrottled).toBeUndefined();
    for (let i = 0; i < 200 && source.throttleFlags === undefined; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(source.throttleFlags).toBe(0x60004);
    for (let i = 0; i < 9; i++) {
      now += 1000;
      expect(source.read().firmwareThrottled).toBe(true);
    }
    await source.dispose();
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(join(pi.zone.dir, 'calls'), 'utf8')).toBe('get_throttled\n'); // once in 10 s
  });

  test('parses readings and firmware flags', () => {
    expect(parseMillidegrees('51234\n')).toBe(51.234);
    expect(parseMillidegrees('-5000')).toBe(-5);
    expect(parseMillidegrees('')).toMatch(/empty/);
    expect(parseMillidegrees('abc')).toMatch(/unreadable/);
    expect(parseThrottled('throttled=0x50005\n')).toBe(0x50005);
    expect(parseThrottled('error')).toBeUndefined();
  });
});
