// ManagedThread latency benchmarks, called from bench/run.ts. Plain numbers out.
import { silentLogger as quiet } from '../src/testing/loggers';
import { median } from './median';
import { ManagedThread } from '../src/main/threads/managedThread';
import { workerModule } from '../src/main/threads/workerModule';

/**
 * Start-to-first-message: from start() to the worker's first message.
 * Stop-to-exit: from stop() to the 'exit' event (a busy-looping coreLoad worker).
 */
export async function benchThreadLatency(runs = 20): Promise<{
  runs: number;
  startToFirstMessageMedianMs: number;
  stopToExitMedianMs: number;
  startToFirstMessageMaxMs: number;
  stopToExitMaxMs: number;
}> {
  const startTimes: number[] = [];
  const stopTimes: number[] = [];
  for (let i = 0; i < runs; i++) {
    const thread = new ManagedThread({
      name: 'bench',
      module: workerModule('coreLoad'),
      logger: quiet,
    });
    const first = new Promise<number>((resolve) => {
      const off = thread.onMessage(() => {
        off();
        resolve(performance.now());
      });
    });
    const started = performance.now();
    await thread.start();
    startTimes.push((await first) - started);
    const stopped = performance.now();
    thread.stop();
    await thread.join(5000);
    stopTimes.push(performance.now() - stopped);
    await thread.close();
  }
  return {
    runs,
    startToFirstMessageMedianMs: median(startTimes),
    stopToExitMedianMs: median(stopTimes),
    startToFirstMessageMaxMs: Math.max(...startTimes),
    stopToExitMaxMs: Math.max(...stopTimes),
  };
}
