import { rmSync } from 'node:fs';
import { afterEach, describe, expect, test } from 'vitest';
import type { ThermalStatus } from '../../shared/api';
import type { ThermalReadingSample } from '../contracts/thermal';
import { loadConfig } from '../config/config';
import { createMemoryLogger } from '../../testing/loggers';
import { ThermalMonitor } from './monitor';
import { validateThresholds } from './protection';
import { ManualScheduler } from '../../testing/manualScheduler';
import { SysfsThermalSource } from './sysfsSource';
import { zoneFile } from '../../testing/thermalFakes';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()?.();
});

/** Only the zone file: no clock, fan or firmware flags. */
const withoutPiExtras = {
  cpuFreqPath: null,
  thermalClassDir: null,
  hwmonDir: null,
  vcgencmdPath: null,
};

function setup(
  initialC: number | undefined = 50,
  extra: Partial<ConstructorParameters<typeof ThermalMonitor>[0]> = {},
) {
  const zone = zoneFile(initialC);
  cleanups.push(zone.remove);
  const scheduler = new ManualScheduler();
  const logger = createMemoryLogger();
  const source = new SysfsThermalSource({
    zonePath: zone.path,
    ...withoutPiExtras,
  });
  const monitor = new ThermalMonitor({ source, logger, scheduler, ...extra });
  monitor.start();
  cleanups.push(() => monitor.stop());
  /** Writes a temperature and lets one poll happen. */
  const step = (c: number | string): ThermalStatus => {
    zone.write(c);
    scheduler.advance(monitor.pollMs);
    return monitor.status();
  };
  return { zone, scheduler, logger, monitor, step };
}

describe('Schmitt trigger', () => {
  test('protection starts within one poll of crossing 85 °C, with a CRITICAL log giving the temperature', () => {
    const { monitor, step, logger } = setup(80);
    expect(step(84.9).protection).toBe(false);
    const status = step(85.0);
    expect(status.protection).toBe(true);
    expect(status.protectionSince).toBeTypeOf('number');
    const critical = logger.entries.filter((e) => e.level === 'critical');
    expect(critical).toEqual([
      expect.objectContaining({
        eventType: 'thermal_protection_started',
        context: expect.objectContaining({ temperatureC: 85, triggerC: 85 }),
      }),
    ]);
    expect(monitor.protection).toBe(true);
  });

  test('normal operation returns within one poll of dropping below 80 °C, with INFO giving the duration', () => {
    const { step, logger } = setup(86);
    expect(step(86).protection).toBe(true);
    for (let i = 0; i < 30; i++) expect(step(82).protection).toBe(true);
    expect(step(80.0).protection).toBe(true); // 80 is not below 80
    expect(step(79.9).protection).toBe(false);
    const ended = logger.entries.find((e) => e.eventType === 'thermal_protection_ended');
    expect(ended?.level).toBe('info');
    expect(ended?.context).toMatchObject({ temperatureC: 79.9, durationSec: 33 });
  });

  test('±1 °C of noise around 85 °C does not make protection flap', () => {
    const { monitor, step } = setup(83);
    const changes: boolean[] = [];
    monitor.onProtection((on) => changes.push(on));
    let seed = 7;
    for (let i = 0; i < 600; i++) {
      seed = (seed * 48271) % 2147483647;
      step(85 + ((seed / 2147483647) * 2 - 1));
    }
    expect(changes).toEqual([true]);
  });

  test('thresholds are configurable', () => {
    const { step } = setup(60, { triggerC: 70, resumeC: 65 });
    expect(step(70).protection).toBe(true);
    expect(step(65).protection).toBe(true);
    expect(step(64.9).protection).toBe(false);
  });
});

describe('trigger and resume validation', () => {
  test('rejects trigger <= resume and implausible values with a clear message', () => {
    expect(() => validateThresholds(80, 85)).toThrow(
      /trigger \(80 °C\) must be above thermal resume \(85 °C\)/,
    );
    expect(() => validateThresholds(80, 80)).toThrow(/must be above/);
    expect(() => validateThresholds(200, 80)).toThrow(/not plausible/);
    expect(() => validateThresholds(85, Number.NaN)).toThrow(/not plausible/);
    expect(() => validateThresholds(85, 80)).not.toThrow();
    const source = { kind: 'none' as const, read: () => ({ ok: false as const, reason: 'x' }) };
    expect(
      () => new ThermalMonitor({ source, logger: createMemoryLogger(), triggerC: 80, resumeC: 85 }),
    ).toThrow(RangeError);
  });

  test('config from the environment rejects trigger <= resume', () => {
    const env = {
      HEARTH_DATA_DIR: '/nonexistent-hearth',
      HEARTH_THERMAL_TRIGGER: '80',
      HEARTH_THERMAL_RESUME: '82',
    };
    expect(() => loadConfig(env)).toThrow(
      /HEARTH_THERMAL_TRIGGER \(80\) must be above HEARTH_THERMAL_RESUME \(82\)/,
    );
    expect(() => loadConfig({ ...env, HEARTH_THERMAL_TRIGGER: '500' })).toThrow(
      /HEARTH_THERMAL_TRIGGER/,
    );
    const ok = loadConfig({ ...env, HEARTH_THERMAL_TRIGGER: '75', HEARTH_THERMAL_RESUME: '70' });
    expect([ok.thermalTrigger, ok.thermalResume]).toEqual([75, 70]);
  });
});

describe('sensor faults give "unavailable" (temperature -1, a reason), never an exception, and recover', () => {
  const expectUnavailable = (status: ThermalStatus, reason: RegExp): void => {
    expect(status.available).toBe(false);
    expect(status.temperatureC).toBe(-1);
    expect(status.reason).toMatch(reason);
  };

  test('missing file, then recovery', () => {
    const { zone, scheduler, monitor, step, logger } = setup(55);
    expect(monitor.status()).toMatchObject({ available: true, temperatureC: 55, source: 'sysfs' });
    rmSync(zone.path);
    scheduler.advance(1000);
    expectUnavailable(monitor.status(), /no temperature sensor at .*temp/);
    expect(
      logger.entries.some(
        (e) => e.eventType === 'thermal_sensor_unavailable' && e.level === 'warn',
      ),
    ).toBe(true);
    expect(step(56)).toMatchObject({ available: true, temperatureC: 56 });
    expect(logger.entries.some((e) => e.eventType === 'thermal_sensor_recovered')).toBe(true);
  });

  test('permission denied (injected EACCES), then recovery', () => {
    let denied = true;
    const zone = zoneFile(60);
    cleanups.push(zone.remove);
    const scheduler = new ManualScheduler();
    const source = new SysfsThermalSource({
      zonePath: zone.path,
      ...withoutPiExtras,
      readText: () => {
        if (denied) throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
        return '60123\n';
      },
    });
    const monitor = new ThermalMonitor({ source, logger: createMemoryLogger(), scheduler });
    monitor.start();
    cleanups.push(() => monitor.stop());
    expectUnavailable(monitor.status(), /permission denied reading/);
    denied = false;
    scheduler.advance(1000);
    expect(monitor.status()).toMatchObject({ available: true, temperatureC: 60.1 });
  });

  test('empty file', () => {
    const { step } = setup(55);
    expectUnavailable(step(''), /empty reading/);
    expect(step(57).available).toBe(true);
  });

  test('garbage', () => {
    const { step } = setup(55);
    expectUnavailable(step('hot!\n'), /unreadable value "hot!"/);
    expectUnavailable(step('55.5\n'), /unreadable value/);
    expect(step(57).available).toBe(true);
  });

  test('absurd values below -40 or above 150 °C', () => {
    const { step } = setup(55);
    expectUnavailable(step(-41), /implausible reading -41 °C/);
    expectUnavailable(step(151), /implausible reading 151 °C/);
    expectUnavailable(step('999999999\n'), /unreadable|implausible/);
    expect(step(57).available).toBe(true);
  });

  test('a value stuck identical for minutes', () => {
    const { zone, scheduler, monitor, step } = setup(61.234);
    scheduler.advance(2 * 60_000);
    expect(monitor.status().available).toBe(true);
    scheduler.advance(60_000);
    expectUnavailable(monitor.status(), /read exactly 61.234 °C for 3 min: it looks stuck/);
    expect(step(61.3)).toMatchObject({ available: true, temperatureC: 61.3 });
    void zone;
  });

  test('a source that throws is still a fault, not an exception', () => {
    const source = {
      kind: 'sysfs' as const,
      read: () => {
        throw new Error('driver exploded');
      },
    };
    const monitor = new ThermalMonitor({
      source,
      logger: createMemoryLogger(),
      scheduler: new ManualScheduler(),
    });
    expect(() => monitor.poll()).not.toThrow();
    expect(monitor.status()).toMatchObject({
      available: false,
      temperatureC: -1,
      reason: 'sensor read failed: driver exploded',
    });
  });

  test('protection outlives a brief fault but is released after the grace period', () => {
    const { zone, scheduler, monitor, step, logger } = setup(86);
    expect(monitor.protection).toBe(true);
    rmSync(zone.path);
    scheduler.advance(10_000);
    expect(monitor.status()).toMatchObject({ available: false, protection: true });
    scheduler.advance(21_000);
    expect(monitor.status()).toMatchObject({ available: false, protection: false });
    const ended = logger.entries.find((e) => e.eventType === 'thermal_protection_ended');
    expect(String(ended?.context.reason)).toMatch(/sensor unavailable/);
    expect(step(86).protection).toBe(true);
  });
});

describe('callbacks', () => {
  test('fire only on a change, in registration order; one that throws is logged and the others still run', () => {
    const { monitor, step, logger } = setup(50);
    const calls: string[] = [];
    monitor.onProtection((on) => calls.push(`a:${on}`));
    monitor.onProtection(() => {
      throw new Error('listener bug');
    });
    monitor.onProtection((on) => calls.push(`c:${on}`));
    step(60);
    step(86);
    step(87);
    step(84);
    step(70);
    step(70);
    expect(calls).toEqual(['a:true', 'c:true', 'a:false', 'c:false']);
    const failures = logger.entries.filter((e) => e.eventType === 'thermal_listener_failed');
    expect(failures).toHaveLength(2);
    expect(String(failures[0]?.context.error)).toMatch(/listener bug/);
  });

  test('a poll with a new temperature fires onReading with the reading, and not onStatus', () => {
    // One trend point per poll, so the trend line shows every reading.
    const { monitor, scheduler, step } = setup(50, { recentPoints: 600 });
    const statuses: ThermalStatus[] = [];
    const readings: ThermalReadingSample[] = [];
    monitor.onStatus((s) => statuses.push(s));
    const off = monitor.onReading((r) => readings.push(r));
    step(51.04);
    step(51.04);
    step(62);
    expect(statuses).toEqual([]);
    expect(readings.map((r) => r.reading.temperatureC)).toEqual([51, 51, 62]);
    expect(readings.at(-1)?.reading.time).toBe(scheduler.now());
    // status() still has the newest reading and the whole trend line.
    expect(monitor.status().temperatureC).toBe(62);
    expect(monitor.status().recent.map((r) => r.temperatureC)).toEqual([50, 51, 51, 62]);
    off();
    step(63);
    expect(readings).toHaveLength(3);
  });

  test('a reading carries the clock and the fan read with it', () => {
    const source = {
      kind: 'sysfs' as const,
      read: () => ({ ok: true as const, temperatureC: 55.55, cpuMHz: 2400, fan: 'level 2 of 4' }),
    };
    const scheduler = new ManualScheduler();
    const monitor = new ThermalMonitor({ source, logger: createMemoryLogger(), scheduler });
    const readings: ThermalReadingSample[] = [];
    monitor.onReading((r) => readings.push(r));
    monitor.poll();
    expect(readings).toEqual([
      {
        reading: { time: scheduler.now(), temperatureC: 55.6 },
        cpuMHz: 2400,
        fan: 'level 2 of 4',
      },
    ]);
  });

  test('crossing the trigger and losing the sensor fire onStatus; an unusable sample fires no reading', () => {
    const { monitor, step } = setup(80);
    const statuses: ThermalStatus[] = [];
    const readings: number[] = [];
    monitor.onStatus((s) => statuses.push(s));
    monitor.onReading((r) => readings.push(r.reading.temperatureC));
    step(86);
    expect(statuses).toHaveLength(1);
    expect(statuses[0]).toMatchObject({ protection: true, temperatureC: 86 });
    expect(statuses[0]?.protectionSince).toBeTypeOf('number');
    step(87); // still protected: only a reading
    expect(statuses).toHaveLength(1);
    step('garbage');
    expect(statuses).toHaveLength(2);
    expect(statuses[1]).toMatchObject({
      available: false,
      reason: expect.stringMatching(/unreadable/),
    });
    step(79);
    expect(statuses.map((s) => [s.available, s.protection])).toEqual([
      [true, true],
      [false, true],
      [true, false],
    ]);
    expect(readings).toEqual([86, 87, 79]);
  });
});

describe('lifecycle', () => {
  test('stop() pauses polling and start() resumes it; dispose() ends it for good and drops listeners', async () => {
    const { monitor, step } = setup(50);
    const readings: number[] = [];
    monitor.onReading((r) => readings.push(r.reading.temperatureC));
    monitor.stop();
    expect(step(51).temperatureC).toBe(50);
    monitor.start(); // polls at once
    expect(monitor.status().temperatureC).toBe(51);
    await monitor.dispose();
    await monitor.dispose(); // idempotent
    monitor.start();
    expect(step(52).temperatureC).toBe(51);
    monitor.poll(); // a direct poll after dispose reaches no listener
    expect(readings).toEqual([51]);
  });
});

describe('history', () => {
  test('keeps the last 10 minutes of readings, and a trend line of at most 120 points', () => {
    const { monitor, step } = setup(50);
    for (let i = 0; i < 15 * 60; i++) step(50 + (i % 20) / 10);
    const history = monitor.history();
    expect(history.length).toBeGreaterThanOrEqual(599);
    expect(history.length).toBeLessThanOrEqual(601);
    const span = (history.at(-1)?.time ?? 0) - (history[0]?.time ?? 0);
    expect(span).toBeLessThanOrEqual(10 * 60_000);
    expect(span).toBeGreaterThanOrEqual(10 * 60_000 - 2000);
    const recent = monitor.status().recent;
    expect(recent.length).toBeGreaterThan(100);
    expect(recent.length).toBeLessThanOrEqual(121);
  });
});
