import net from 'node:net';
import { Worker } from 'node:worker_threads';
import { describe, expect, test } from 'vitest';
import { createMemoryLogger } from './loggers';
import { checkForLeaks, findLeaks, takeSnapshot } from './leakGuard';
import { ManagedThread } from '../main/threads/managedThread';
import { workerModule } from '../main/threads/workerModule';

// Each test leaks something on purpose, runs the guard's check on it directly,
// then cleans up so the real guard (vitest.setup.ts) sees a clean test.
describe('leak guard', () => {
  test('names a timer that was not cleared, and where it was created', async () => {
    const before = takeSnapshot();
    const timer = setInterval(() => {}, 60_000);
    try {
      const leaks = await checkForLeaks(before, 50);
      expect(leaks).toHaveLength(1);
      expect(leaks[0]).toMatch(/timer \(Timeout\) from setInterval\(…, 60000\)/);
      expect(leaks[0]).toContain('leakGuard.test.ts');
    } finally {
      clearInterval(timer);
    }
    expect(findLeaks(before, takeSnapshot())).toEqual([]);
  });

  test('ignores timers that fired, were cleared, or are unref’d', async () => {
    const before = takeSnapshot();
    await new Promise((resolve) => setTimeout(resolve, 5));
    clearTimeout(setTimeout(() => {}, 60_000));
    const unrefd = setTimeout(() => {}, 60_000).unref();
    expect(findLeaks(before, takeSnapshot())).toEqual([]);
    clearTimeout(unrefd);
  });

  test('names a server that was not closed', async () => {
    const before = takeSnapshot();
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      expect(await checkForLeaks(before, 50)).toEqual(['1 TCP server (TCPServerWrap) not closed']);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await checkForLeaks(before, 500)).toEqual([]);
  });

  test('names a ManagedThread that is still running', async () => {
    const before = takeSnapshot();
    const thread = new ManagedThread({
      name: 'forgotten',
      module: workerModule('coreLoad'),
      logger: createMemoryLogger(),
    });
    await thread.start();
    try {
      const leaks = await checkForLeaks(before, 50);
      expect(leaks).toEqual([
        `ManagedThread "forgotten" (threadId ${thread.threadId}) still running`,
      ]);
    } finally {
      await thread.close();
    }
    expect(await checkForLeaks(before, 500)).toEqual([]);
  });

  test('counts a raw worker_threads Worker too', async () => {
    const before = takeSnapshot();
    const worker = new Worker('setInterval(() => {}, 1000)', { eval: true });
    await new Promise((resolve) => worker.once('online', resolve));
    try {
      expect(await checkForLeaks(before, 50)).toEqual([
        '1 worker thread(s) (not a ManagedThread) still running',
      ]);
    } finally {
      await worker.terminate();
    }
    expect(await checkForLeaks(before, 500)).toEqual([]);
  });

  test('gives a closing resource the settle time to finish', async () => {
    const before = takeSnapshot();
    const timer = setTimeout(() => {}, 60_000);
    setTimeout(() => clearTimeout(timer), 100).unref();
    expect(await checkForLeaks(before, 1000)).toEqual([]);
  });
});
