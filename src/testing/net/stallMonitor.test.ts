// The stall monitor must see a loop held by its own work, and must not blame
// the process for time it spent waiting.
import { afterEach, expect, it } from 'vitest';
import { StallMonitor } from './stallMonitor';

const monitor = new StallMonitor();
afterEach(() => monitor.stop());

const tick = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

it('counts a loop held by its own work as a stall of about that length', async () => {
  monitor.start();
  await tick(20);
  // Busy for 80 ms of this process's own CPU time (not wall time: on a loaded
  // machine the process gets only part of a core), as a slow handler would be.
  const start = process.cpuUsage();
  while (process.cpuUsage(start).user + process.cpuUsage(start).system < 80_000) {
    // spin
  }
  await tick(20);
  const figures = monitor.read();
  expect(figures.ownMaxMs).toBeGreaterThan(60);
  expect(figures.rawMaxMs).toBeGreaterThanOrEqual(figures.ownMaxMs);
});

it('does not count a pause in which the process used no CPU', async () => {
  monitor.start();
  await tick(20);
  // A blocking sleep: the loop is late, but not by this process's work.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 80);
  await tick(20);
  const figures = monitor.read(true);
  expect(figures.rawMaxMs).toBeGreaterThan(60);
  expect(figures.ownMaxMs).toBeLessThan(20);
  // Reading with reset starts a new window.
  expect(monitor.read().rawMaxMs).toBeLessThan(60);
});
