import { afterEach, describe, expect, test } from 'vitest';
import { createMemoryLogger } from '../../testing/loggers';
import { InferenceActivity } from '../contracts/throttle';
import { createThermal } from './createThermal';
import { ManualScheduler } from '../../testing/manualScheduler';
import { zoneFile } from '../../testing/thermalFakes';

const config = {
  thermalZone: '/nonexistent/thermal_zone0/temp',
  thermalSimulate: 'off' as const,
  thermalTrigger: 85,
  thermalResume: 80,
  thermalPollMs: 1000,
};
const noSysfsExtras = {
  cpuFreqPath: null,
  thermalClassDir: null,
  hwmonDir: null,
  vcgencmdPath: null,
};
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

describe('createThermal', () => {
  test('without a sensor and without simulation: source "none", temperature -1, no errors', async () => {
    const logger = createMemoryLogger();
    const thermal = createThermal({
      config,
      logger,
      baseThreads: 4,
      activity: new InferenceActivity(),
      sysfs: noSysfsExtras,
    });
    thermal.start();
    cleanups.push(() => thermal.dispose());
    expect(thermal.monitor.status()).toMatchObject({
      available: false,
      temperatureC: -1,
      source: 'none',
      protection: false,
    });
    expect(thermal.monitor.status().reason).toMatch(/no temperature sensor/);
    expect(thermal.governor.threadCap()).toBeUndefined();
    expect(logger.entries.filter((e) => ['warn', 'error', 'critical'].includes(e.level))).toEqual(
      [],
    );
  });

  test('reads the configured zone file with the real scheduler and stops cleanly', async () => {
    const zone = zoneFile(47.5);
    cleanups.push(zone.remove);
    const thermal = createThermal({
      config: { ...config, thermalZone: zone.path, thermalPollMs: 100 },
      logger: createMemoryLogger(),
      baseThreads: 6,
      activity: new InferenceActivity(),
      sysfs: noSysfsExtras,
    });
    thermal.start();
    cleanups.push(() => thermal.dispose());
    expect(thermal.monitor.status()).toMatchObject({
      available: true,
      temperatureC: 47.5,
      source: 'sysfs',
    });
    zone.write(86);
    await new Promise((r) => setTimeout(r, 250));
    expect(thermal.monitor.status().protection).toBe(true);
    expect(thermal.governor.holdReason()).toMatch(/^Cooling down: the board is at 86 °C/);
    expect(thermal.governor.threadCap()).toBe(3); // half the base threads it was given
  });

  test('HEARTH_THERMAL_SIMULATE heats the board with the inference load', async () => {
    const scheduler = new ManualScheduler();
    const activity = new InferenceActivity();
    const thermal = createThermal({
      config: { ...config, thermalSimulate: 'bare' },
      logger: createMemoryLogger(),
      baseThreads: 4,
      activity,
      scheduler,
    });
    thermal.start();
    cleanups.push(() => thermal.dispose());
    expect(thermal.monitor.status().source).toBe('simulated');
    expect(thermal.monitor.status().temperatureC).toBeCloseTo(50, 0);
    activity.report({ busy: true, threads: 4 });
    scheduler.advance(3 * 60_000);
    expect(thermal.monitor.status().temperatureC).toBeGreaterThan(80);
  });

  test('voice work heats the simulated board as inference does, and Cooling slows the model, never voice', async () => {
    const scheduler = new ManualScheduler();
    const thermal = createThermal({
      config: { ...config, thermalSimulate: 'bare' },
      logger: createMemoryLogger(),
      baseThreads: 4,
      activity: new InferenceActivity(),
      scheduler,
    });
    thermal.start();
    cleanups.push(() => thermal.dispose());
    // Four voice jobs at once (transcriptions, synthesis: a core each): a busy board.
    const jobs = [1, 2, 3, 4].map(() => thermal.voice.begin());
    scheduler.advance(10 * 60_000);
    expect(thermal.monitor.status().temperatureC).toBeGreaterThan(85);
    expect(thermal.monitor.status().protection).toBe(true);
    expect(thermal.governor.level).toBeGreaterThan(0);
    expect(thermal.governor.tokenDelayMs()).toBeGreaterThan(0);
    for (const end of jobs) end();
    expect(thermal.voice.busyMs).toBe(10 * 60_000);
    // While cooling, a voice job runs at once: the manual clock never moves, so any wait would hang.
    await expect(thermal.voice.track(async () => 'the words')).resolves.toBe('the words');
    expect(thermal.voice.threads).toBe(0);
  });
});
