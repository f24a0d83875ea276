import { describe, expect, test } from 'vitest';
import type { ThermalStatus } from '../../shared/api';
import { Emitter } from '../../shared/emitter';
import type { ThermalPort, ThermalReadingSample } from '../contracts/thermal';
import { noThrottle, type InferenceThrottle } from '../contracts/throttle';
import { createMemoryLogger } from '../../testing/loggers';
import { ThermalGovernor } from './governor';
import { ThermalMonitor } from './monitor';
import { ManualScheduler } from '../../testing/manualScheduler';
import { SimulatedBoard } from './simulatedBoard';
import { FakeEngine } from '../../testing/thermalFakes';

/**
 * Sustained prompts on the simulated bare board for `minutes`, polled every
 * second; the fake engine obeys `throttle` (the governor, or nothing).
 */
function sustainedLoad(withGovernor: boolean, minutes: number) {
  const scheduler = new ManualScheduler();
  const logger = createMemoryLogger();
  let throttle: InferenceThrottle = noThrottle;
  const engineRef: { current?: FakeEngine } = {};
  const board = new SimulatedBoard({
    profile: 'bare',
    now: () => scheduler.now(),
    load: () => engineRef.current?.load() ?? { busy: false, threads: 0 },
  });
  const monitor = new ThermalMonitor({ source: board, logger, scheduler });
  const governor = new ThermalGovernor(monitor, { baseThreads: 4, logger });
  if (withGovernor) throttle = governor;
  const engine = new FakeEngine(throttle, () => scheduler.now());
  engineRef.current = engine;
  const stopTick = scheduler.every(100, () => board.tick());
  monitor.start();
  let peakC = 0;
  let maxLevel = 0;
  const off = monitor.onReading(({ reading }) => {
    peakC = Math.max(peakC, reading.temperatureC);
    maxLevel = Math.max(maxLevel, governor.level);
  });
  scheduler.advance(minutes * 60_000);
  off();
  stopTick();
  monitor.stop();
  governor.dispose();
  return { peakC, maxLevel, logger, engine, monitor };
}

describe('ThermalGovernor on the simulated bare board under sustained prompts', () => {
  test('keeps the peak at or below 86 °C for two hours', () => {
    const run = sustainedLoad(true, 120);
    expect(run.peakC).toBeGreaterThanOrEqual(85); // protection was really needed
    expect(run.peakC).toBeLessThanOrEqual(86);
    const started = run.logger.entries.filter((e) => e.eventType === 'thermal_protection_started');
    const ended = run.logger.entries.filter((e) => e.eventType === 'thermal_protection_ended');
    expect(started.length).toBeGreaterThan(1); // it cycles: cools, resumes, heats again
    expect(ended.length).toBeGreaterThanOrEqual(started.length - 1);
    expect(run.engine.answers).toBeGreaterThan(50); // and still answers
  });

  test('the same scenario without the governor goes above 87 °C', () => {
    const run = sustainedLoad(false, 120);
    expect(run.peakC).toBeGreaterThan(87);
  });
});

function statusAt(temperatureC: number, protection: boolean): ThermalStatus {
  return {
    available: true,
    temperatureC,
    protection,
    triggerC: 85,
    resumeC: 80,
    source: 'sysfs',
    recent: [],
  };
}

describe('ThermalGovernor levels', () => {
  /** A monitor whose status the test sets, as a status change or as a new reading. */
  const fakePort = () => {
    const statuses = new Emitter<ThermalStatus>();
    const readings = new Emitter<ThermalReadingSample>();
    let current = statusAt(60, false);
    const port: ThermalPort = {
      status: () => current,
      onStatus: (l) => statuses.subscribe(l),
      onReading: (l) => readings.subscribe(l),
    };
    return Object.assign(port, {
      set(s: ThermalStatus) {
        current = s;
        statuses.fire(s);
      },
      read(s: ThermalStatus) {
        current = s;
        readings.fire({ reading: { time: 0, temperatureC: s.temperatureC } });
      },
    });
  };

  test('is graduated: half the threads first, one thread if it keeps rising, and back to normal', () => {
    const port = fakePort();
    const governor = new ThermalGovernor(port, { baseThreads: 4 });
    let changes = 0;
    governor.onChange(() => changes++);
    expect([governor.threadCap(), governor.tokenDelayMs(), governor.holdReason()]).toEqual([
      undefined,
      0,
      null,
    ]);

    port.set(statusAt(85.2, true));
    expect(governor.level).toBe(1);
    expect(governor.threadCap()).toBe(2);
    expect(governor.tokenDelayMs()).toBeGreaterThan(0);
    expect(governor.holdReason()).toBe(
      'Cooling down: the board is at 85 °C; answers resume below 80 °C',
    );
    expect(changes).toBe(1);

    port.read(statusAt(86.3, true)); // a reading while protected, not a status change
    expect(governor.level).toBe(2);
    expect(governor.threadCap()).toBe(1);
    expect(governor.holdReason()).toBe(
      'Cooling down: the board is at 86 °C; answers resume below 80 °C',
    );
    const level2Delay = governor.tokenDelayMs();
    expect(changes).toBe(2);

    port.read(statusAt(83, true)); // cooling, but protection is still on: stay at level 2
    expect(governor.level).toBe(2);
    expect(governor.tokenDelayMs()).toBe(level2Delay);
    expect(changes).toBe(3); // the reason's temperature changed

    port.set(statusAt(79.9, false));
    expect([governor.threadCap(), governor.tokenDelayMs(), governor.holdReason()]).toEqual([
      undefined,
      0,
      null,
    ]);
    expect(governor.level).toBe(0);
    expect(changes).toBe(4);
    governor.dispose();
    port.set(statusAt(86, true));
    expect(governor.level).toBe(0); // disposed: it no longer follows the monitor
  });

  test('never caps below one thread', () => {
    const port = fakePort();
    const governor = new ThermalGovernor(port, { baseThreads: 1 });
    port.set(statusAt(85, true));
    expect(governor.threadCap()).toBe(1);
    governor.dispose();
  });
});
