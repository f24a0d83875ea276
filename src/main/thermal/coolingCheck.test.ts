import { describe, expect, test } from 'vitest';
import type { CoolingCheckReport, ThermalReading } from '../../shared/api';
import { createMemoryLogger } from '../../testing/loggers';
import { threadRegistry } from '../threads/registry';
import { InferenceActivity } from '../contracts/throttle';
import { secondsToSteadyState, verdict } from './coolingReport';
import { createThermal } from './createThermal';
import { ManualScheduler } from '../../testing/manualScheduler';

function simulated(profile: 'bare' | 'active') {
  const scheduler = new ManualScheduler();
  const logger = createMemoryLogger();
  const thermal = createThermal({
    config: {
      thermalZone: '/nonexistent',
      thermalSimulate: profile,
      thermalTrigger: 85,
      thermalResume: 80,
      thermalPollMs: 1000,
    },
    logger,
    baseThreads: 2,
    activity: new InferenceActivity(),
    scheduler,
    cores: 2,
  });
  thermal.start();
  return { scheduler, logger, thermal };
}

/** Lets the load threads start (real workers) while the simulated clock is still. */
async function threadsRunning(count: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (threadRegistry.list().length < count && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('Check cooling', () => {
  test('loads every core with threads, samples each second, reports live, and ends with a verdict', async () => {
    const { scheduler, thermal } = simulated('active');
    const live: CoolingCheckReport[] = [];
    thermal.coolingCheck.onReport((r) => live.push(r));
    const started = thermal.coolingCheck.start(20 * 60);
    expect(started.state).toBe('running');
    await threadsRunning(2);
    expect(threadRegistry.list().map((t) => t.name)).toEqual([
      'cooling-check-0',
      'cooling-check-1',
    ]);
    scheduler.advance(60_000);
    expect(live.length).toBeGreaterThanOrEqual(60);
    expect(thermal.coolingCheck.report().samples.length).toBe(61);
    scheduler.advance(19 * 60_000);
    const report = await thermal.coolingCheck.finished();
    expect(report.state).toBe('done');
    expect(report.peakC).toBeGreaterThan(69);
    expect(report.peakC).toBeLessThan(75);
    expect(report.secondsToSteadyState).toBeGreaterThan(60);
    expect(report.secondsToSteadyState).toBeLessThan(600);
    expect(report.firmwareThrottled).toBe(false);
    expect(report.verdict).toMatch(/^(Cooling is good|Marginal)/);
    expect(threadRegistry.size).toBe(0);
    await thermal.dispose();
  });

  test('stops by itself when protection triggers on a bare board, leaving no thread behind', async () => {
    const { scheduler, thermal } = simulated('bare');
    thermal.coolingCheck.start(30 * 60);
    await threadsRunning(2);
    scheduler.advanceUntil(() => thermal.monitor.protection, 30 * 60_000, 1000);
    const report = await thermal.coolingCheck.finished();
    expect(report.state).toBe('protection');
    expect(report.peakC).toBeGreaterThanOrEqual(84.5);
    expect(report.firmwareThrottled).toBe(true);
    expect(report.verdict).toMatch(/^Insufficient: add a fan/);
    expect(threadRegistry.size).toBe(0);
    await thermal.dispose();
  });

  test('stops on request', async () => {
    const { scheduler, thermal } = simulated('active');
    thermal.coolingCheck.start(600);
    await threadsRunning(2);
    scheduler.advance(30_000);
    const report = await thermal.coolingCheck.stop();
    expect(report.state).toBe('stopped');
    expect(report.verdict).toMatch(/^Stopped early\./);
    expect(report.samples.length).toBe(31);
    expect(threadRegistry.size).toBe(0);
    await thermal.dispose();
  });

  test('disposing the thermal services mid-check stops its threads', async () => {
    const { thermal } = simulated('active');
    thermal.coolingCheck.start(600);
    await threadsRunning(2);
    await thermal.dispose();
    expect(threadRegistry.size).toBe(0);
    expect(thermal.coolingCheck.report().state).toBe('stopped');
    // Disposed for good: a new check does not start.
    expect(thermal.coolingCheck.start(600).state).toBe('stopped');
    expect(threadRegistry.size).toBe(0);
  });

  test('without a sensor it reports an error and starts no thread', async () => {
    const thermal = createThermal({
      config: {
        thermalZone: '/nonexistent/temp',
        thermalSimulate: 'off',
        thermalTrigger: 85,
        thermalResume: 80,
        thermalPollMs: 1000,
      },
      logger: createMemoryLogger(),
      baseThreads: 2,
      activity: new InferenceActivity(),
      scheduler: new ManualScheduler(),
    });
    thermal.start();
    const report = thermal.coolingCheck.start(60);
    expect(report.state).toBe('error');
    expect(report.error).toMatch(/No temperature reading/);
    expect(threadRegistry.size).toBe(0);
    await thermal.dispose();
  });
});

describe('report helpers', () => {
  const series = (values: number[], start = 0): ThermalReading[] =>
    values.map((temperatureC, i) => ({ time: start + i * 1000, temperatureC }));

  test('steady state is the first time after which readings stay within 1 °C of the final mean', () => {
    const rising = [50, 55, 60, 64, 67, 69, 70, 70.5, 71, 70.8, 71.2, 70.9, 71.1, 71, 70.9];
    expect(secondsToSteadyState(series(rising), 0)).toBe(7); // 70.0 is 1.02 °C off the final mean 71.02
    expect(
      secondsToSteadyState(series([50, 52, 54, 56, 58, 60, 62, 64, 66, 68, 70, 72]), 0),
    ).toBeNull();
    expect(secondsToSteadyState(series([50, 51]), 0)).toBeNull();
  });

  test('verdicts', () => {
    const base = {
      secondsToSteadyState: 120,
      firmwareThrottled: false,
      protection: false,
      triggerC: 85,
    };
    expect(verdict({ ...base, peakC: 65 })).toMatch(
      /^Cooling is good: peak 65 °C, steady after 120 s/,
    );
    expect(verdict({ ...base, peakC: 77 })).toMatch(/^Marginal/);
    expect(verdict({ ...base, peakC: 82 })).toMatch(/^Marginal: peak 82 °C/);
    expect(verdict({ ...base, peakC: 79, firmwareThrottled: true })).toMatch(
      /^Insufficient: add a fan/,
    );
    expect(verdict({ ...base, peakC: 85.2, protection: true })).toMatch(/^Insufficient: add a fan/);
    expect(verdict({ ...base, peakC: 60, secondsToSteadyState: null })).toMatch(/still rising/);
  });
});
