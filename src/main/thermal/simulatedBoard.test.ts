import { describe, expect, test } from 'vitest';
import type { InferenceLoad } from '../contracts/throttle';
import { ManualScheduler } from '../../testing/manualScheduler';
import { SimulatedBoard } from './simulatedBoard';

function board(profile: 'bare' | 'active', load: InferenceLoad) {
  const scheduler = new ManualScheduler();
  const current = { ...load };
  const sim = new SimulatedBoard({
    profile,
    now: () => scheduler.now(),
    load: () => current,
    noiseC: 0,
  });
  // As in the app: the board samples the load four times a second.
  scheduler.every(250, () => sim.tick());
  const after = (seconds: number): number => {
    scheduler.advance(seconds * 1000);
    sim.tick();
    return sim.temperatureC;
  };
  return { sim, after, current };
}

// Figures from published Pi 5 measurements.
describe('SimulatedBoard calibration', () => {
  test('a bare board idles near 50 °C in a 22 °C room', () => {
    const { after } = board('bare', { busy: false, threads: 0 });
    expect(after(3600)).toBeCloseTo(50, 0);
  });

  test('a bare board reaches 80 °C within a few minutes of full 4-core load and would pass 87 °C', () => {
    const { sim, after } = board('bare', { busy: true, threads: 4 });
    let seconds = 0;
    while (sim.temperatureC < 80) seconds += (after(1), 1);
    expect(seconds).toBeGreaterThan(60);
    expect(seconds).toBeLessThan(4 * 60);
    expect(after(1800)).toBeGreaterThan(87);
    expect(sim.read()).toMatchObject({ firmwareThrottled: true, cpuMHz: 1500 });
  });

  test('with the Active Cooler full load peaks near 72 °C and the fan runs', () => {
    const { sim, after } = board('active', { busy: true, threads: 4 });
    const peak = after(3600);
    expect(peak).toBeGreaterThan(69);
    expect(peak).toBeLessThan(75);
    expect(sim.read()).toMatchObject({ firmwareThrottled: false, fan: 'level 3 of 4' });
  });

  test('half the threads settle well below the resume temperature; idle load cools down', () => {
    const { after, current } = board('bare', { busy: true, threads: 2 });
    expect(after(3600)).toBeLessThan(75);
    current.busy = false;
    expect(after(3600)).toBeCloseTo(50, 0);
  });

  test('time constant is one to two minutes', () => {
    const { after, current } = board('bare', { busy: false, threads: 0 });
    current.busy = true;
    current.threads = 4;
    // After one tau a first-order system has covered 63 % of its step.
    const t60 = after(60);
    const t120 = after(60);
    expect(t60).toBeLessThan(50 + 0.63 * 46);
    expect(t120).toBeGreaterThan(50 + 0.63 * 40);
  });
});
